import type { ModelSummary } from '../summary.js';
import type { UnitSystem } from '../units.js';
import { cellText, COLUMN_TITLES, layerLabel, NUMERIC_COLUMNS, type CellContext } from './columns.js';
import { conventionsLine, headerPairs, inputDescriptions, memoryPairs, totalsPairs, type Pair } from './footer.js';
import { treePrefix, visibleRows, type VisibleRow } from './rows.js';
import { cleanText, displayWidth, glyphsFor, padEnd, padStart, truncate, type Glyphs } from './text.js';
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

/** Every cell's text and display width, computed once, and the width each column needs. */
interface Grid {
  names: string[];
  nameWidths: number[];
  cells: string[][];
  cellWidths: number[][];
  layerWidth: number;
  colWidths: number[];
}

function gridOf(rows: readonly VisibleRow[], columns: readonly ColumnName[], ctx: CellContext, ascii: boolean): Grid {
  const grid: Grid = {
    names: new Array<string>(rows.length),
    nameWidths: new Array<number>(rows.length),
    cells: columns.map(() => new Array<string>(rows.length)),
    cellWidths: columns.map(() => new Array<number>(rows.length)),
    layerWidth: displayWidth(LAYER_TITLE),
    colWidths: columns.map((c) => displayWidth(COLUMN_TITLES[c])),
  };
  for (let i = 0; i < rows.length; i += 1) {
    const v = rows[i]!;
    const name = treePrefix(v, ctx.glyphs) + cleanText(layerLabel(v), ascii);
    const w = displayWidth(name);
    grid.names[i] = name;
    grid.nameWidths[i] = w;
    if (w > grid.layerWidth) grid.layerWidth = w;
    for (let c = 0; c < columns.length; c += 1) {
      const text = cleanText(cellText(v, columns[c]!, ctx), ascii);
      const tw = displayWidth(text);
      grid.cells[c]![i] = text;
      grid.cellWidths[c]![i] = tw;
      if (tw > grid.colWidths[c]!) grid.colWidths[c] = tw;
    }
  }
  return grid;
}

/** Fits `maxWidth` by shortening the layer column only; true when names must be truncated. */
function fitWidth(grid: Grid, maxWidth: number | undefined): boolean {
  if (maxWidth === undefined) return false;
  const others = grid.colWidths.reduce((sum, w) => sum + GAP.length + w, 0);
  const over = grid.layerWidth + others - maxWidth;
  if (over <= 0) return false;
  const target = Math.max(MIN_LAYER_WIDTH, grid.layerWidth - over);
  if (target >= grid.layerWidth) return false;
  grid.layerWidth = target;
  return true;
}

/** Model facts and inputs, labels aligned. */
function headerLines(summary: ModelSummary, units: UnitSystem, ascii: boolean): string[] {
  const lines: string[] = [];
  const header = headerPairs(summary);
  const inputs = inputDescriptions(summary, units);
  const labelWidth = Math.max(...header.map(([l]) => l.length), 'Inputs'.length) + 2;
  for (const [label, value] of header) lines.push(cleanText(padEnd(`${label}:`, labelWidth) + value, ascii));
  if (inputs.length === 0) lines.push(padEnd('Inputs:', labelWidth) + '--');
  inputs.forEach((text, i) => lines.push(cleanText(padEnd(i === 0 ? 'Inputs:' : '', labelWidth) + text, ascii)));
  return lines;
}

/** The grid between heavy rules: the column titles, then one line per row. */
function gridLines(grid: Grid, columns: readonly ColumnName[], truncateNames: boolean, g: Glyphs, heavy: string): string[] {
  const { layerWidth, colWidths } = grid;
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
  const title = renderLine(LAYER_TITLE, displayWidth(LAYER_TITLE), (c) => {
    const text = COLUMN_TITLES[columns[c]!];
    return [text, text.length];
  });
  const lines = [heavy, title, heavy];
  if (grid.names.length === 0) lines.push(padEnd('(no layers)', heavy.length));
  for (let i = 0; i < grid.names.length; i += 1) {
    lines.push(renderLine(grid.names[i]!, grid.nameWidths[i]!, (c) => [grid.cells[c]![i]!, grid.cellWidths[c]![i]!]));
  }
  lines.push(heavy);
  return lines;
}

/** Totals, memory, conventions and warnings. */
function footerLines(summary: ModelSummary, units: UnitSystem, ascii: boolean, g: Glyphs, heavy: string): string[] {
  const light = '-'.repeat(heavy.length);
  return [
    ...pairLines(totalsPairs(summary, g), ascii),
    light,
    ...pairLines(memoryPairs(summary, units), ascii),
    light,
    cleanText(`Conventions: ${conventionsLine(summary, units, g)}`, ascii),
    ...summary.warnings.map((warning) => cleanText(`Warning: ${warning}`, ascii)),
    heavy,
  ];
}

/**
 * torchinfo-like text table. Column widths are display widths (CJK = 2 cells), so every line of
 * the grid (rules, header, rows) has the same display width. Linear in the number of rows.
 */
export function formatTable(summary: ModelSummary, options: TableOptions): string {
  const { columns, ascii, units } = options;
  const g = glyphsFor(ascii);
  const grid = gridOf(visibleRows(summary, options.depth), columns, { summary, units, glyphs: g }, ascii);
  const truncateNames = fitWidth(grid, options.maxWidth);
  const heavy = '='.repeat(grid.layerWidth + grid.colWidths.reduce((sum, w) => sum + GAP.length + w, 0));
  const lines = [
    ...headerLines(summary, units, ascii),
    ...gridLines(grid, columns, truncateNames, g, heavy),
    ...footerLines(summary, units, ascii, g, heavy),
  ];
  return lines.join('\n') + '\n';
}

export const tableFormat: OutputFormatDescriptor<'table'> = {
  name: 'table',
  aliases: ['text', 'txt'],
  description: 'torchinfo-like text: the layer tree, totals, memory',
  options: ['depth', 'columns', 'ascii', 'units', 'maxWidth'],
  render: formatTable,
};
