import type { ModelSummary } from '../summary.js';
import type { UnitSystem } from '../units.js';
import { cellText, COLUMN_TITLES, NUMERIC_COLUMNS, type CellContext } from './columns.js';
import { conventionsLine, defaultedDimsText, inputDescriptions, memoryPairs, outputDescriptions, totalsPairs } from './footer.js';
import { treePrefix, visibleRows, type VisibleRow } from './rows.js';
import { cleanText, displayWidth, glyphsFor, padEnd, padStart } from './text.js';
import type { ColumnName, OutputFormatDescriptor } from './types.js';

export interface MarkdownOptions {
  depth: number;
  columns: readonly ColumnName[];
  ascii: boolean;
  units: UnitSystem;
}

/** Escapes what GitHub Markdown would interpret inside a table cell or list item. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_<>|~]/g, (ch) => `\\${ch}`).replace(/\]\(/g, ']\\(');
}

/** The layer table: padded cells, numbers right-aligned. */
function tableLines(rows: readonly VisibleRow[], columns: readonly ColumnName[], ctx: CellContext, ascii: boolean): string[] {
  const clean = (text: string) => escapeMarkdown(cleanText(text, ascii));
  const titles = ['Layer', 'Type', 'Depth-Idx', ...columns.map((c) => COLUMN_TITLES[c])];
  const right = [false, false, false, ...columns.map((c) => NUMERIC_COLUMNS.has(c))];
  const table: string[][] = [];
  for (const v of rows) {
    // A blank continuation would be trimmed away by Markdown: use no-break spaces (ASCII: `.`).
    const prefix = treePrefix(v, ctx.glyphs).replace(/ /g, ascii ? '.' : '\u00a0');
    const marker = v.notExecuted ? ' (not executed)' : '';
    table.push([prefix + clean(v.row.name) + marker, clean(v.row.type), v.depthIndex, ...columns.map((c) => clean(cellText(v, c, ctx)))]);
  }
  const widths = titles.map((t) => Math.max(3, displayWidth(t)));
  const cellWidths = table.map((cells) =>
    cells.map((cell, c) => {
      const w = displayWidth(cell);
      if (w > widths[c]!) widths[c] = w;
      return w;
    }),
  );
  const line = (cells: string[], ws?: number[]) =>
    `| ${cells.map((cell, c) => (right[c] ? padStart(cell, widths[c]!, ws?.[c]) : padEnd(cell, widths[c]!, ws?.[c]))).join(' | ')} |`;
  return [
    line(titles),
    `| ${widths.map((w, c) => (right[c] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`,
    ...table.map((cells, i) => line(cells, cellWidths[i])),
  ];
}

/**
 * GitHub-flavoured Markdown: a heading line with the model facts, the inputs, one table (tree in
 * the Layer column, numbers right-aligned), then totals, memory and conventions as a list, and
 * warnings as a list. Cells are padded to equal display width so the source reads as a table too.
 */
export function formatMarkdown(summary: ModelSummary, options: MarkdownOptions): string {
  const { columns, ascii, units } = options;
  const g = glyphsFor(ascii);
  const ctx: CellContext = { summary, units, glyphs: g };
  const clean = (text: string) => escapeMarkdown(cleanText(text, ascii));
  const out: string[] = [];
  const m = summary.model;
  out.push(
    `**${clean(m.name)}** ${g.dash} format \`${cleanText(m.format, ascii)}\`, runtime \`${cleanText(m.runtime, ascii)}\`, ` +
      `device \`${cleanText(summary.device, ascii)}\`, batch size ${summary.batchSize}`,
  );
  out.push('');
  const inputs = inputDescriptions(summary, units);
  out.push(`Inputs: ${inputs.length === 0 ? '--' : inputs.map(clean).join('; ')}`);
  const outputs = outputDescriptions(summary);
  if (outputs.length > 0) out.push('', `Outputs: ${outputs.map(clean).join('; ')}`);
  const defaulted = defaultedDimsText(summary);
  if (defaulted) out.push('', `Open dims: ${clean(defaulted)}`);
  out.push('');
  out.push(...tableLines(visibleRows(summary, options.depth), columns, ctx, ascii));
  out.push('');
  for (const [label, value] of totalsPairs(summary, g)) out.push(`- ${clean(label)}: ${clean(value)}`);
  for (const [label, value] of memoryPairs(summary, units)) out.push(`- ${clean(label)}: ${clean(value)}`);
  out.push(`- Conventions: ${clean(conventionsLine(summary, units, g))}`);
  if (summary.warnings.length > 0) out.push('', '**Warnings**', '', ...summary.warnings.map((w) => `- ${clean(w)}`));
  return out.join('\n') + '\n';
}

export const markdownFormat: OutputFormatDescriptor<'markdown'> = {
  name: 'markdown',
  aliases: ['md'],
  description: 'GitHub Markdown: one table, totals and memory as a list',
  options: ['depth', 'columns', 'ascii', 'units'],
  render: formatMarkdown,
};
