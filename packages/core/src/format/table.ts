import type { ModelSummary } from '../summary.js';
import type { UnitSystem } from '../units.js';
import { cellText, COLUMN_TITLES, layerLabel, NUMERIC_COLUMNS, type CellContext } from './columns.js';
import { conventionsLine, headerPairs, inputDescriptions, memoryPairs, totalsPairs, type Pair } from './footer.js';
import { treePrefix, visibleRows } from './rows.js';
import { cleanText, displayWidth, glyphsFor, padEnd, padStart, truncate } from './text.js';
import type { ColumnName, OutputFormatDescriptor } from './types.js';

export interface TableOptions {
  depth: number;
  columns: readonly ColumnName[];
  ascii: boolean;
  units: UnitSystem;
  maxWidth?: number;
}

const GAP = '  ';
export const LAYER_TITLE = 'Layer (name (type):depth-idx)';
const MIN_LAYER_WIDTH = 16;

function pairLines(pairs: Pair[], ascii: boolean): string[] {
  return pairs.map(([label, value]) => cleanText(`${label}: ${value}`, ascii));
}

/**
 * torchinfo-like text table. Column widths are display widths (CJK = 2 cells), so every line of
 * the grid (rules, header, rows) has the same display width. Linear in the number of rows.
 */
export function formatTable(summary: ModelSummary, options: TableOptions): string {
  const { columns, ascii, units } = options;
  const g = glyphsFor(ascii);
  const ctx: CellContext = { summary, units, glyphs: g };
  const rows = visibleRows(summary, options.depth);

  // Cells and their widths, computed once.
  const nameCells: string[] = new Array<string>(rows.length);
  const nameWidths: number[] = new Array<number>(rows.length);
  const cells: string[][] = columns.map(() => new Array<string>(rows.length));
  const cellWidths: number[][] = columns.map(() => new Array<number>(rows.length));
  let layerWidth = displayWidth(LAYER_TITLE);
  const colWidths = columns.map((c) => displayWidth(COLUMN_TITLES[c]));
  for (let i = 0; i < rows.length; i += 1) {
    const v = rows[i]!;
    const name = treePrefix(v, g) + cleanText(layerLabel(v), ascii);
    const w = displayWidth(name);
    nameCells[i] = name;
    nameWidths[i] = w;
    if (w > layerWidth) layerWidth = w;
    for (let c = 0; c < columns.length; c += 1) {
      const text = cleanText(cellText(v, columns[c]!, ctx), ascii);
      const tw = displayWidth(text);
      cells[c]![i] = text;
      cellWidths[c]![i] = tw;
      if (tw > colWidths[c]!) colWidths[c] = tw;
    }
  }

  // Fit maxWidth by shortening the layer column only.
  let truncateNames = false;
  if (options.maxWidth !== undefined) {
    const others = colWidths.reduce((sum, w) => sum + GAP.length + w, 0);
    const over = layerWidth + others - options.maxWidth;
    if (over > 0) {
      const target = Math.max(MIN_LAYER_WIDTH, layerWidth - over);
      if (target < layerWidth) {
        layerWidth = target;
        truncateNames = true;
      }
    }
  }
  const totalWidth = layerWidth + colWidths.reduce((sum, w) => sum + GAP.length + w, 0);
  const heavy = '='.repeat(totalWidth);
  const light = '-'.repeat(totalWidth);

  const lines: string[] = [];
  // Header block.
  const header = headerPairs(summary);
  const inputs = inputDescriptions(summary, units);
  const labelWidth = Math.max(...header.map(([l]) => l.length), 'Inputs'.length) + 2;
  for (const [label, value] of header) lines.push(cleanText(padEnd(`${label}:`, labelWidth) + value, ascii));
  if (inputs.length === 0) lines.push(padEnd('Inputs:', labelWidth) + '--');
  inputs.forEach((text, i) => lines.push(cleanText(padEnd(i === 0 ? 'Inputs:' : '', labelWidth) + text, ascii)));

  // Grid.
  const renderLine = (name: string, nameWidth: number, values: (c: number) => [string, number]): string => {
    let cell = name;
    let w = nameWidth;
    if (truncateNames && w > layerWidth) {
      cell = truncate(cell, layerWidth, g.ellipsis);
      w = displayWidth(cell);
    }
    const parts: string[] = [padEnd(cell, layerWidth, w)];
    for (let c = 0; c < columns.length; c += 1) {
      const [text, tw] = values(c);
      const width = colWidths[c]!;
      parts.push(GAP, NUMERIC_COLUMNS.has(columns[c]!) ? padStart(text, width, tw) : padEnd(text, width, tw));
    }
    return parts.join('');
  };
  lines.push(heavy);
  lines.push(
    renderLine(LAYER_TITLE, displayWidth(LAYER_TITLE), (c) => {
      const title = COLUMN_TITLES[columns[c]!];
      return [title, title.length];
    }),
  );
  lines.push(heavy);
  if (rows.length === 0) lines.push(padEnd('(no layers)', totalWidth));
  for (let i = 0; i < rows.length; i += 1) {
    lines.push(renderLine(nameCells[i]!, nameWidths[i]!, (c) => [cells[c]![i]!, cellWidths[c]![i]!]));
  }
  lines.push(heavy);

  // Footer.
  lines.push(...pairLines(totalsPairs(summary, g), ascii));
  lines.push(light);
  lines.push(...pairLines(memoryPairs(summary, units), ascii));
  lines.push(light);
  lines.push(cleanText(`Conventions: ${conventionsLine(summary, units, g)}`, ascii));
  for (const warning of summary.warnings) lines.push(cleanText(`Warning: ${warning}`, ascii));
  lines.push(heavy);
  return lines.join('\n') + '\n';
}

export const tableFormat: OutputFormatDescriptor<'table'> = {
  name: 'table',
  aliases: ['text', 'txt'],
  description: 'torchinfo-like text: the layer tree, totals, memory',
  options: ['depth', 'columns', 'ascii', 'units', 'maxWidth'],
  render: formatTable,
};
