import type { ModelSummary } from '../summary.js';
import type { UnitSystem } from '../units.js';
import { cellText, COLUMN_KEYS, COLUMN_TITLES, NUMERIC_COLUMNS, type CellContext } from './columns.js';
import { conventionsLine, defaultedDimsText, inputDescriptions, memoryPairs, outputDescriptions, totalsPairs } from './footer.js';
import { treePrefix, visibleRows } from './rows.js';
import { glyphsFor } from './text.js';
import type { ColumnName, OutputFormatDescriptor } from './types.js';

export interface HtmlOptions {
  depth: number;
  columns: readonly ColumnName[];
  ascii: boolean;
  units: UnitSystem;
}

/** Escapes text for HTML content and attribute values; in ASCII mode non-ASCII becomes `&#x…;`. */
export function escapeHtml(text: string, ascii = false): string {
  const escaped = text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  // eslint-disable-next-line no-control-regex
  const controls = escaped.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, () => '&#xfffd;');
  return ascii
    ? controls.replace(/[^\u0000-\u007e]/gu, (ch) => `&#x${(ch.codePointAt(0) ?? 0).toString(16)};`)
    : controls;
}

/** One `<tr>` per visible row. */
function bodyRows(summary: ModelSummary, options: HtmlOptions, ctx: CellContext, esc: (text: string) => string): string[] {
  const out: string[] = [];
  for (const v of visibleRows(summary, options.depth)) {
    const r = v.row;
    const classes = [`ms-row`, `ms-depth-${r.depth}`];
    if (r.isContainer) classes.push('ms-container');
    if (r.callIndex > 0) classes.push('ms-recursive');
    if (v.notExecuted) classes.push('ms-not-executed');
    if (v.unknownMacs > 0) classes.push('ms-unknown-macs');
    if (v.folded) classes.push('ms-folded');
    out.push(`    <tr class="${classes.join(' ')}" data-depth="${r.depth}">`);
    const marker = !v.notExecuted ? '' : ' <span class="ms-marker">(not executed)</span>';
    out.push(
      `      <th scope="row" class="ms-layer"><span class="ms-tree" aria-hidden="true">${esc(treePrefix(v, ctx.glyphs))}</span>${esc(r.name)}${marker}</th>`,
    );
    out.push(`      <td class="ms-type">${esc(r.type)}</td>`);
    out.push(`      <td class="ms-depth-idx">${v.depthIndex}</td>`);
    for (const c of options.columns) {
      const cls = `ms-${COLUMN_KEYS[c].replace(/_/g, '-')}${NUMERIC_COLUMNS.has(c) ? ' ms-num' : ''}`;
      out.push(`      <td class="${cls}">${esc(cellText(v, c, ctx))}</td>`);
    }
    out.push('    </tr>');
  }
  return out;
}

/** Totals, memory, conventions and warnings, each a row spanning the table. */
function footRows(summary: ModelSummary, span: number, ctx: CellContext, esc: (text: string) => string): string[] {
  const { units, glyphs: g } = ctx;
  const footRow = (cls: string, label: string, value: string) =>
    `    <tr class="${cls}"><th scope="row" colspan="${span - 1}">${esc(label)}</th><td class="ms-num">${esc(value)}</td></tr>`;
  return [
    ...totalsPairs(summary, g).map(([label, value]) => footRow('ms-total', label, value)),
    ...memoryPairs(summary, units).map(([label, value]) => footRow('ms-memory', label, value)),
    `    <tr class="ms-conventions"><td colspan="${span}">Conventions: ${esc(conventionsLine(summary, units, g))}</td></tr>`,
    ...summary.warnings.map((w) => `    <tr class="ms-warning"><td colspan="${span}">Warning: ${esc(w)}</td></tr>`),
  ];
}

/**
 * A standalone `<table class="modelsummary">` fragment: `<caption>` with the model facts, one
 * `<tbody>` row per visible layer (classes `ms-depth-N`, `ms-container`, `ms-recursive`,
 * `ms-not-executed`, `ms-unknown-macs`; `data-depth`), totals, memory, conventions and warnings
 * in `<tfoot>`. No styles, scripts or external assets: style it through the class names.
 */
export function formatHtml(summary: ModelSummary, options: HtmlOptions): string {
  const { columns, ascii, units } = options;
  const g = glyphsFor(ascii);
  const ctx: CellContext = { summary, units, glyphs: g };
  const esc = (text: string) => escapeHtml(text, ascii);
  const m = summary.model;
  const caption =
    `  <caption><span class="ms-model">${esc(m.name)}</span> ${esc(g.dash)} format ${esc(m.format)}, runtime ${esc(m.runtime)}, ` +
    `device ${esc(summary.device)}, batch size ${summary.batchSize}; inputs: ${esc(inputDescriptions(summary, units).join('; ') || '--')}` +
    (summary.outputs?.length ? `; outputs: ${esc(outputDescriptions(summary).join('; '))}` : '') +
    (summary.defaultedDims?.length ? `; open dims: ${esc(defaultedDimsText(summary) ?? '')}` : '') +
    '</caption>';
  return [
    '<table class="modelsummary">',
    caption,
    '  <thead>',
    '    <tr>',
    '      <th scope="col" class="ms-layer">Layer</th>',
    '      <th scope="col" class="ms-type">Type</th>',
    '      <th scope="col" class="ms-depth-idx">Depth-Idx</th>',
    ...columns.map((c) => `      <th scope="col" class="ms-${COLUMN_KEYS[c].replace(/_/g, '-')}">${esc(COLUMN_TITLES[c])}</th>`),
    '    </tr>',
    '  </thead>',
    '  <tbody>',
    ...bodyRows(summary, options, ctx, esc),
    '  </tbody>',
    '  <tfoot>',
    ...footRows(summary, 3 + columns.length, ctx, esc),
    '  </tfoot>',
    '</table>',
  ].join('\n') + '\n';
}

export const htmlFormat: OutputFormatDescriptor<'html'> = {
  name: 'html',
  aliases: [],
  description: 'a <table class="modelsummary"> fragment, no styles',
  options: ['depth', 'columns', 'ascii', 'units'],
  render: formatHtml,
};
