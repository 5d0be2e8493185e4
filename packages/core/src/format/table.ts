import type { ModelSummary } from '../summary.js';
import type { UnitSystem } from '../units.js';
import { cellText, COLUMN_TITLES, layerLabelParts, NUMERIC_COLUMNS, type CellContext } from './columns.js';
import { conventionsLine, defaultedDimsText, headerPairs, inputDescriptions, memoryPairs, outputDescriptions, totalsPairs, type Pair } from './footer.js';
import { treePrefix, visibleRows, type VisibleRow } from './rows.js';
import { cleanText, displayWidth, glyphsFor, padEnd, padStart, truncate, truncateMiddle, wrapText, type Glyphs } from './text.js';
import type { ColumnName, OutputFormatDescriptor } from './types.js';

export interface TableOptions {
  depth: number;
  columns: readonly ColumnName[];
  ascii: boolean;
  units: UnitSystem;
  /** Fit this display width (a terminal's): compact cells, shortened names, wrapped footer. */
  maxWidth?: number;
  /** Runs of identical sibling blocks as one row with a count. Default true. */
  foldRepeats?: boolean;
}

const GAP = '  ';
export const LAYER_TITLE = 'Layer (name (type):depth-idx)';
/** Shorter titles of the layer column, for when it is narrow. */
const LAYER_TITLES = [LAYER_TITLE, 'Layer (type):depth-idx', 'Layer'];
/** A shortened name keeps at least this many cells (or all of it when shorter). */
const MIN_NAME = 6;
/** Shape columns are cut no narrower than this. */
const MIN_SHAPE = 10;
const SHAPE_COLUMNS: ReadonlySet<ColumnName> = new Set(['inputShape', 'outputShape', 'kernel']);

function pairLines(pairs: Pair[], ascii: boolean): string[] {
  return pairs.map(([label, value]) => cleanText(`${label}: ${value}`, ascii));
}

/** One row's layer cell: tree prefix, name (may shrink), rest (type, depth-idx, markers: never cut). */
interface Label {
  prefix: string;
  name: string;
  rest: string;
  prefixWidth: number;
  nameWidth: number;
  restWidth: number;
}

/** Every cell's text and display width, and the width each column takes. */
interface Grid {
  labels: Label[];
  cells: string[][];
  cellWidths: number[][];
  /** Widest label, and the narrowest the layer column can be with names shortened. */
  labelWidth: number;
  minLabelWidth: number;
  layerWidth: number;
  colWidths: number[];
}

/** Glyphs one cell wide per level (`├`, `│`), for a tree that must save room. */
function narrowTree(g: Glyphs): Glyphs {
  return { ...g, tee: g.tee.slice(0, 1), elbow: g.elbow.slice(0, 1), pipe: g.pipe.slice(0, 1), blank: g.blank.slice(0, 1) };
}

/** `Add_1` for type `Add`: a name made of the type and a number. */
const isTypeName = (name: string, type: string): boolean => name.startsWith(`${type}_`) && /^\d+$/.test(name.slice(type.length + 1));

/** `conv1/Conv` → `conv1` when the type says the rest (`/Conv`, `/Conv_2`: the exporter's node name). */
function withoutTypeSuffix(name: string, type: string): string {
  const at = name.lastIndexOf('/');
  if (at <= 0) return name;
  const last = name.slice(at + 1);
  return last === type || isTypeName(last, type) ? name.slice(0, at) : name;
}

/** `layers.0…11` for `layers.0 … layers.11` when only the last number differs. */
function repeatName(first: string, last: string, g: Glyphs): string {
  const a = /^(.*?)(\d+)$/.exec(first);
  const b = /^(.*?)(\d+)$/.exec(last);
  return a && b && a[1] === b[1] ? `${first}${g.ellipsis}${b[2]}` : `${first} ${g.ellipsis} ${last}`;
}

/**
 * `features.1/conv` under `features` → `1/conv`, `classifier/classifier.1` → `classifier/1`: a
 * segment that starts with the one before it (the parent's name first) and a dot says only its
 * number (torchinfo shows `(1)`).
 */
function belowParent(name: string, parentName: string | undefined): string {
  const segments = name.split('/');
  let previous = parentName === undefined ? undefined : parentName.slice(parentName.lastIndexOf('/') + 1);
  const out = segments.map((segment) => {
    const shown = previous !== undefined && segment.startsWith(`${previous}.`) && segment.length > previous.length + 1 ? segment.slice(previous.length + 1) : segment;
    previous = segment;
    return shown;
  });
  return out.join('/');
}

/** The name a narrow table shows: below its parent's, without a trailing `/Type`; a repeat as `5…6`. */
function shortName(v: VisibleRow, parentName: string | undefined, g: Glyphs): string {
  if (v.repeat) return repeatName(belowParent(v.row.name, parentName), belowParent(v.repeat.lastName, parentName), g);
  const { name, type } = v.row;
  if (isTypeName(name, type)) return ''; // `Add_1 (Add)` reads `Add_1` (see labelsOf)
  return belowParent(withoutTypeSuffix(name, type), parentName);
}


/** ` (Conv): 4-1` → `Conv: 4-1`, for a row whose name is not shown (a repeat's count, `×12` / `x12`, stays). */
const typeFirst = (rest: string): string => rest.replace(/^( \S*\d+)? \((.*)\)(: .*)$/, '$2$1$3');

/** ` (Add): 1-17` → `: 1-17`, after a name that says the type (`Add_1`). */
const withoutType = (rest: string): string => rest.replace(/ \((.*)\)(: .*)$/, '$2');

function labelsOf(rows: readonly VisibleRow[], g: Glyphs, ascii: boolean, short = false): Label[] {
  const names = new Map(rows.map((v) => [v.row.id, v.row.name] as const));
  return rows.map((v) => {
    const parts = layerLabelParts(v, g);
    const { rest } = parts;
    const name = short && parts.name !== '' ? shortName(v, v.row.parentId === undefined ? undefined : names.get(v.row.parentId), g) : parts.name;
    const prefix = treePrefix(v, g);
    const n = cleanText(name, ascii);
    // A name such as `Add_1` stands in for its type: `Add_1: 1-17`; another name cut away leaves `Conv: 4-1`.
    const typeName = name === '' && parts.name !== '';
    const shown = !typeName ? rest : isTypeName(parts.name, v.row.type) ? parts.name + withoutType(rest) : typeFirst(rest);
    const r = cleanText(shown, ascii);
    return { prefix, name: n, rest: r, prefixWidth: displayWidth(prefix), nameWidth: displayWidth(n), restWidth: displayWidth(r) };
  });
}

function cellsOf(grid: Grid, rows: readonly VisibleRow[], columns: readonly ColumnName[], ctx: CellContext, ascii: boolean): void {
  grid.colWidths = columns.map((c) => displayWidth(COLUMN_TITLES[c]));
  grid.cells = columns.map(() => new Array<string>(rows.length));
  grid.cellWidths = columns.map(() => new Array<number>(rows.length));
  for (let i = 0; i < rows.length; i += 1) {
    for (let c = 0; c < columns.length; c += 1) {
      const text = cleanText(cellText(rows[i]!, columns[c]!, ctx), ascii);
      const tw = displayWidth(text);
      grid.cells[c]![i] = text;
      grid.cellWidths[c]![i] = tw;
      if (tw > grid.colWidths[c]!) grid.colWidths[c] = tw;
    }
  }
}

/** Widest label, and the narrowest the layer column can be with names cut to `minName` cells. */
function measureLabels(grid: Grid, minName = MIN_NAME): void {
  grid.labelWidth = displayWidth(LAYER_TITLES[LAYER_TITLES.length - 1]!);
  grid.minLabelWidth = grid.labelWidth;
  for (const l of grid.labels) {
    const fixed = l.prefixWidth + l.restWidth;
    grid.labelWidth = Math.max(grid.labelWidth, fixed + l.nameWidth);
    grid.minLabelWidth = Math.max(grid.minLabelWidth, fixed + Math.min(l.nameWidth, minName));
  }
  grid.layerWidth = Math.max(grid.labelWidth, displayWidth(LAYER_TITLE));
}

function gridOf(rows: readonly VisibleRow[], columns: readonly ColumnName[], ctx: CellContext, ascii: boolean): Grid {
  const grid: Grid = { labels: labelsOf(rows, ctx.glyphs, ascii), cells: [], cellWidths: [], labelWidth: 0, minLabelWidth: 0, layerWidth: 0, colWidths: [] };
  measureLabels(grid);
  cellsOf(grid, rows, columns, ctx, ascii);
  return grid;
}

const othersWidth = (grid: Grid): number => grid.colWidths.reduce((sum, w) => sum + GAP.length + w, 0);

/**
 * Fits the grid in `maxWidth`, giving up the least first: shapes without spaces, counts as
 * `1.28M`, names without a trailing `/Type` and shortened in the middle, a tree one cell per
 * level, names down to the type alone (type and depth-idx always stay), and last long shape
 * cells cut.
 */
function fitWidth(grid: Grid, rows: readonly VisibleRow[], columns: readonly ColumnName[], ctx: CellContext, ascii: boolean, maxWidth: number): void {
  const layerRoom = () => maxWidth - othersWidth(grid);
  const done = () => {
    grid.layerWidth = Math.max(grid.minLabelWidth, Math.min(grid.labelWidth, layerRoom()));
  };
  let context = ctx;
  for (const step of [{ compactShapes: true }, { compactNumbers: true }]) {
    if (grid.labelWidth <= layerRoom()) return done();
    context = { ...context, ...step };
    cellsOf(grid, rows, columns, context, ascii);
  }
  if (grid.labelWidth <= layerRoom()) return done();
  grid.labels = labelsOf(rows, context.glyphs, ascii, true);
  measureLabels(grid);
  if (grid.minLabelWidth <= layerRoom()) return done();
  context = { ...context, glyphs: narrowTree(context.glyphs) };
  grid.labels = labelsOf(rows, context.glyphs, ascii, true);
  measureLabels(grid);
  if (grid.minLabelWidth <= layerRoom()) return done();
  measureLabels(grid, 0);
  // Cut the widest shape column by one cell at a time until the labels fit at their shortest.
  const shrinkable = columns.map((c, i) => (SHAPE_COLUMNS.has(c) ? i : -1)).filter((i) => i >= 0);
  while (grid.minLabelWidth > layerRoom()) {
    let widest = -1;
    for (const i of shrinkable) {
      const floor = Math.max(MIN_SHAPE, displayWidth(COLUMN_TITLES[columns[i]!]));
      if (grid.colWidths[i]! > floor && (widest < 0 || grid.colWidths[i]! > grid.colWidths[widest]!)) widest = i;
    }
    if (widest < 0) break;
    grid.colWidths[widest]! -= 1;
  }
  return done();
}

/** Columns to keep when the table cannot fit even cut down: all but the input shapes (torchinfo leaves those out too). */
function columnsToFit(rows: readonly VisibleRow[], columns: readonly ColumnName[], ctx: CellContext, ascii: boolean, maxWidth: number) {
  const grid = gridOf(rows, columns, ctx, ascii);
  fitWidth(grid, rows, columns, ctx, ascii, maxWidth);
  if (grid.layerWidth + othersWidth(grid) <= maxWidth || !columns.includes('inputShape') || columns.length === 1) return { grid, columns };
  const fewer = columns.filter((c) => c !== 'inputShape');
  const narrow = gridOf(rows, fewer, ctx, ascii);
  fitWidth(narrow, rows, fewer, ctx, ascii, maxWidth);
  return { grid: narrow, columns: fewer };
}

/** The layer cell in `width` cells: the name shortened in the middle when it must be. */
function labelText(l: Label, width: number, ellipsis: string): [string, number] {
  const full = l.prefixWidth + l.nameWidth + l.restWidth;
  if (full <= width) return [l.prefix + l.name + l.rest, full];
  const room = width - l.prefixWidth - l.restWidth;
  const name = room <= displayWidth(ellipsis) ? '' : truncateMiddle(l.name, room, ellipsis);
  // A name cut to nothing leaves the type: `(Conv): 4-1` reads `Conv: 4-1`.
  const rest = name === '' ? typeFirst(l.rest) : l.rest;
  const text = l.prefix + name + rest;
  return [text, displayWidth(text)];
}

/** Model facts and inputs, labels aligned. */
function headerLines(summary: ModelSummary, units: UnitSystem, ascii: boolean): string[] {
  const lines: string[] = [];
  const header = headerPairs(summary);
  const inputs = inputDescriptions(summary, units);
  const outputs = outputDescriptions(summary);
  const defaulted = defaultedDimsText(summary);
  const labels = [...header.map(([l]) => l), 'Inputs', ...(outputs.length > 0 ? ['Outputs'] : []), ...(defaulted ? ['Open dims'] : [])];
  const labelWidth = Math.max(...labels.map((l) => l.length)) + 2;
  for (const [label, value] of header) lines.push(cleanText(padEnd(`${label}:`, labelWidth) + value, ascii));
  if (inputs.length === 0) lines.push(padEnd('Inputs:', labelWidth) + '--');
  inputs.forEach((text, i) => lines.push(cleanText(padEnd(i === 0 ? 'Inputs:' : '', labelWidth) + text, ascii)));
  outputs.forEach((text, i) => lines.push(cleanText(padEnd(i === 0 ? 'Outputs:' : '', labelWidth) + text, ascii)));
  if (defaulted) lines.push(cleanText(padEnd('Open dims:', labelWidth) + defaulted, ascii));
  return lines;
}

/** The grid between heavy rules: the column titles, then one line per row. */
function gridLines(grid: Grid, columns: readonly ColumnName[], g: Glyphs, heavy: string): string[] {
  const { layerWidth, colWidths } = grid;
  const renderLine = (label: [string, number], values: (c: number) => [string, number]): string => {
    const parts: string[] = [padEnd(label[0], layerWidth, label[1])];
    for (let c = 0; c < columns.length; c += 1) {
      let [text, tw] = values(c);
      const width = colWidths[c]!;
      if (tw > width) {
        text = truncate(text, width, g.ellipsis);
        tw = displayWidth(text);
      }
      parts.push(GAP, NUMERIC_COLUMNS.has(columns[c]!) ? padStart(text, width, tw) : padEnd(text, width, tw));
    }
    return parts.join('');
  };
  const title = LAYER_TITLES.find((t) => displayWidth(t) <= layerWidth) ?? LAYER_TITLES[LAYER_TITLES.length - 1]!;
  const titleLine = renderLine([title, displayWidth(title)], (c) => {
    const text = COLUMN_TITLES[columns[c]!];
    return [text, text.length];
  });
  const lines = [heavy, titleLine, heavy];
  if (grid.labels.length === 0) lines.push(padEnd('(no layers)', heavy.length));
  for (let i = 0; i < grid.labels.length; i += 1) {
    lines.push(renderLine(labelText(grid.labels[i]!, layerWidth, g.ellipsis), (c) => [grid.cells[c]![i]!, grid.cellWidths[c]![i]!]));
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
 * the grid (rules, header, rows) has the same display width. With `maxWidth` (a terminal) it fits
 * that width: see `fitWidth`; header and footer lines are wrapped. Linear in the number of rows.
 */
export function formatTable(summary: ModelSummary, options: TableOptions): string {
  const { columns, ascii, units, maxWidth } = options;
  const g = glyphsFor(ascii);
  const rows = visibleRows(summary, options.depth, { foldRepeats: options.foldRepeats ?? true });
  const plain: CellContext = { summary, units, glyphs: g };
  const { grid, columns: shown } =
    maxWidth === undefined ? { grid: gridOf(rows, columns, plain, ascii), columns } : columnsToFit(rows, columns, plain, ascii, maxWidth);
  const heavy = '='.repeat(grid.layerWidth + othersWidth(grid));
  // Rules keep the grid's width; text lines wrap at the terminal's.
  const wrap = (lines: string[]): string[] =>
    maxWidth === undefined ? lines : lines.flatMap((l) => (/^[=-]+$/.test(l) ? [l] : wrapText(l, maxWidth)));
  const lines = [
    ...wrap(headerLines(summary, units, ascii)),
    ...gridLines(grid, shown, g, heavy),
    ...wrap(footerLines(summary, units, ascii, g, heavy)),
  ];
  return lines.join('\n') + '\n';
}

export const tableFormat: OutputFormatDescriptor<'table'> = {
  name: 'table',
  aliases: ['text', 'txt'],
  description: 'torchinfo-like text: the layer tree, totals, memory',
  options: ['depth', 'columns', 'ascii', 'units', 'maxWidth', 'foldRepeats'],
  render: formatTable,
};
