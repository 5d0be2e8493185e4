import { summaryError } from '../errors.js';
import { formatShapes, formatShapesCompact } from '../shape.js';
import type { ModelSummary } from '../summary.js';
import { formatBytes, formatCount, formatShortCount, type UnitSystem } from '../units.js';
import type { VisibleRow } from './rows.js';
import type { Glyphs } from './text.js';
import { ALL_COLUMNS, type ColumnName } from './types.js';

/** Everything about one column but its cells: names, header, alignment, the spellings parseColumns takes. */
interface ColumnSpec {
  /** Header text, torchinfo's wording where it has the column. */
  title: string;
  /** Machine name (HTML class `ms-…`). */
  key: string;
  /** CSV header. */
  csv: string;
  /** Right-aligned. */
  numeric: boolean;
  /** The name `--columns` and its help use, and error messages. */
  flag: string;
  /** Other names `parseColumns` accepts (torchinfo's among them), case and `_` / `-` / space ignored. */
  aliases: readonly string[];
}

const COLUMNS: { readonly [C in ColumnName]: ColumnSpec } = {
  inputShape: {
    title: 'Input Shape', key: 'input_shape', csv: 'input_shapes', flag: 'input', numeric: false,
    aliases: ['input', 'inputs', 'in', 'input_size', 'input_shape', 'inputshapes'],
  },
  outputShape: {
    title: 'Output Shape', key: 'output_shape', csv: 'output_shapes', flag: 'output', numeric: false,
    aliases: ['output', 'outputs', 'out', 'output_size', 'output_shape', 'outputshapes', 'shape'],
  },
  kernel: { title: 'Kernel Shape', key: 'kernel', csv: 'kernel', flag: 'kernel', numeric: false, aliases: ['kernel_size', 'kernel_shape', 'kernelsize'] },
  params: {
    title: 'Param #', key: 'params', csv: 'params', flag: 'params', numeric: true,
    aliases: ['param', 'parameters', 'num_params', 'param_count', 'param#', '#params'],
  },
  paramsPercent: {
    title: 'Param %', key: 'params_percent', csv: 'params_percent', flag: 'percent', numeric: true,
    aliases: ['params_percent', 'param_percent', 'percent', '%', 'param%', 'params%'],
  },
  trainable: { title: 'Trainable', key: 'trainable_params', csv: 'trainable_params', flag: 'trainable', numeric: false, aliases: ['trainable_params', 'train'] },
  macs: { title: 'Mult-Adds', key: 'macs', csv: 'macs', flag: 'macs', numeric: true, aliases: ['mac', 'mult_adds', 'multadds', 'mult-adds', 'madds'] },
  outputBytes: {
    title: 'Output Size', key: 'output_bytes', csv: 'output_bytes', flag: 'bytes', numeric: true,
    aliases: ['output_bytes', 'bytes', 'out_bytes', 'memory', 'mem'],
  },
};

const each = <T>(pick: (spec: ColumnSpec) => T) =>
  Object.fromEntries(ALL_COLUMNS.map((c) => [c, pick(COLUMNS[c])])) as Readonly<Record<ColumnName, T>>;

/** Column headers, torchinfo's wording where it has the column. */
export const COLUMN_TITLES: Readonly<Record<ColumnName, string>> = each((c) => c.title);

/** The names `--columns` takes (and its help shows), in display order. */
export const COLUMN_FLAGS: readonly string[] = ALL_COLUMNS.map((c) => COLUMNS[c].flag);

/** Machine names (HTML classes). */
export const COLUMN_KEYS: Readonly<Record<ColumnName, string>> = each((c) => c.key);

/** CSV headers. */
export const CSV_HEADERS: Readonly<Record<ColumnName, string>> = each((c) => c.csv);

/** Numeric columns are right-aligned. */
export const NUMERIC_COLUMNS: ReadonlySet<ColumnName> = new Set(ALL_COLUMNS.filter((c) => COLUMNS[c].numeric));

function normalize(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}
const ALIASES = new Map<string, ColumnName>(ALL_COLUMNS.flatMap((c) => [c, ...COLUMNS[c].aliases].map((n) => [normalize(n), c] as const)));

/**
 * Parses a column list such as `"input,output,params"` (comma or whitespace separated; torchinfo
 * names like `input_size`, `num_params`, `mult_adds`, `kernel_size` accepted, case-insensitive).
 * Duplicates are dropped. Throws an `INVALID_OPTION` error for an unknown name or an empty list.
 */
export function parseColumns(list: string): ColumnName[] {
  const names = list.split(/[\s,]+/).filter((s) => s.length > 0);
  if (names.length === 0) {
    throw summaryError('INVALID_OPTION', `No columns given; choose among ${COLUMN_FLAGS.join(', ')}.`, {
      details: { option: 'columns', value: list },
    });
  }
  const out: ColumnName[] = [];
  for (const name of names) {
    const column = ALIASES.get(normalize(name));
    if (column === undefined) {
      throw summaryError('INVALID_OPTION', `Unknown column "${name}"; choose among ${COLUMN_FLAGS.join(', ')}.`, {
        details: { option: 'columns', value: name, allowed: [...COLUMN_FLAGS] },
      });
    }
    if (!out.includes(column)) out.push(column);
  }
  return out;
}

/** Kernel size from the layer's attributes, whichever spelling the adapter used. */
export function kernelOf(attributes: Record<string, unknown> | undefined): unknown {
  if (attributes === undefined) return undefined;
  for (const key of ['kernelSize', 'kernel_size', 'kernel_shape', 'kernelShape', 'kernel', 'poolSize', 'pool_size']) {
    const value = attributes[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function formatKernel(value: unknown): string {
  if (value === undefined) return '--';
  if (Array.isArray(value)) return `[${value.map((v) => String(v)).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Everything a text cell needs besides the row. */
export interface CellContext {
  summary: ModelSummary;
  units: UnitSystem;
  glyphs: Glyphs;
  /** Narrow-terminal spellings: shapes without spaces (`[1,3,224,224]`, `2×[…]`), counts as `11.2M`. */
  compactShapes?: boolean;
  compactNumbers?: boolean;
}

const count = (n: number, compact: boolean | undefined): string => (compact ? formatShortCount(n) : formatCount(n));

/** Param # cell: `(recursive)` for a repeated call, `--` for none, else grouped digits. */
export function paramsCell(v: VisibleRow, compact?: boolean): string {
  if (v.params === 0) return v.row.callIndex > 0 ? '(recursive)' : '--';
  return count(v.params, compact);
}

/** Mult-Adds cell: `?` unknown, `≥ n` partly unknown, `--` none (containers, not executed, 0). */
export function macsCell(v: VisibleRow, g: Glyphs, compact?: boolean): string {
  if (v.notExecuted && !v.folded) return '--';
  if (v.unknownMacs > 0) return v.macs === 0 ? '?' : `${g.atLeast} ${count(v.macs, compact)}`;
  return v.macs === 0 ? '--' : count(v.macs, compact);
}

/** Trainable cell, as torchinfo: True / False / Partial, `--` without params or without the notion. */
export function trainableCell(v: VisibleRow): string {
  if (v.params === 0 || v.trainableParams === undefined) return '--';
  if (v.trainableParams >= v.params) return 'True';
  if (v.trainableParams === 0) return 'False';
  return 'Partial';
}

export function percentCell(v: VisibleRow, total: number): string {
  if (v.params === 0) return v.row.callIndex > 0 ? '(recursive)' : '--';
  if (total <= 0) return '--';
  return `${((100 * v.params) / total).toFixed(2)}%`;
}

/** Display text of one cell (before escaping for the target format). */
export function cellText(v: VisibleRow, column: ColumnName, ctx: CellContext): string {
  const shapes = (s: VisibleRow['inputShapes']) => (v.notExecuted ? '--' : ctx.compactShapes ? formatShapesCompact(s, ctx.glyphs.times) : formatShapes(s));
  switch (column) {
    case 'inputShape':
      return shapes(v.inputShapes);
    case 'outputShape':
      return shapes(v.outputShapes);
    case 'params':
      return paramsCell(v, ctx.compactNumbers);
    case 'paramsPercent':
      return percentCell(v, ctx.summary.totals.params);
    case 'trainable':
      return trainableCell(v);
    case 'macs':
      return macsCell(v, ctx.glyphs, ctx.compactNumbers);
    case 'kernel':
      return formatKernel(kernelOf(v.row.attributes));
    case 'outputBytes':
      return !v.notExecuted && v.outputBytes > 0 ? formatBytes(v.outputBytes, ctx.units) : '--';
  }
}

/** A row's name as shown: its own, or for a repeat `layers.0 … layers.11`. */
export function rowName(v: VisibleRow, g: Glyphs): string {
  return v.repeat ? `${v.row.name} ${g.ellipsis} ${v.repeat.lastName}` : v.row.name;
}

/** What follows a row's name: the count of a repeat (` ×12`) and ` (not executed)`. */
export function rowMarkers(v: VisibleRow, g: Glyphs): string {
  return `${v.repeat ? ` ${g.times}${v.repeat.count}` : ''}${v.notExecuted ? ' (not executed)' : ''}`;
}

/**
 * The layer cell in two parts: the name, which may be shortened, and the rest, which is always
 * shown (type, depth-idx, markers): `conv1` + ` (Conv2D): 1-2`; `Flatten: 1-2` has no name part.
 */
export function layerLabelParts(v: VisibleRow, g: Glyphs): { name: string; rest: string } {
  const { type } = v.row;
  const name = rowName(v, g);
  const tail = `: ${v.depthIndex}${v.notExecuted ? ' (not executed)' : ''}`;
  const times = v.repeat ? ` ${g.times}${v.repeat.count}` : '';
  if (name === '' || name === type) return { name: '', rest: `${type}${times}${tail}` };
  return { name, rest: `${times} (${type})${tail}` };
}

/** `conv1 (Conv2D): 1-2`, `layers.0 … layers.11 ×12 (scope): 2-1`, plus ` (not executed)` for a layer that never ran. */
export function layerLabel(v: VisibleRow, g: Glyphs): string {
  const { name, rest } = layerLabelParts(v, g);
  return name + rest;
}
