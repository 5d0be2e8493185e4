import type { ModelSummary } from '../summary.js';
import type { UnitSystem } from '../units.js';
import type { OutputFormat } from './registry.js';

export type { OutputFormat };

/** Optional per-row columns (the layer column is always there). */
export type ColumnName =
  | 'inputShape'
  | 'outputShape'
  | 'params'
  | 'paramsPercent'
  | 'trainable'
  | 'macs'
  | 'kernel'
  | 'outputBytes';

/** Input shape, output shape, params, mult-adds: what torchinfo shows by default (plus the input). */
export const DEFAULT_COLUMNS: readonly ColumnName[] = Object.freeze(['inputShape', 'outputShape', 'params', 'macs'] as const);

/** Every column, in display order. */
export const ALL_COLUMNS: readonly ColumnName[] = Object.freeze([
  'inputShape',
  'outputShape',
  'kernel',
  'params',
  'paramsPercent',
  'trainable',
  'macs',
  'outputBytes',
] as const);

export interface FormatOptions {
  /** Default `table`. */
  format?: OutputFormat;
  /**
   * As torchinfo: the rows of depth ≤ `depth` are shown, top-level rows being depth 1 (the first
   * number of depth-idx; `LayerRow.depth` + 1); deeper rows are hidden and their params and MACs
   * fold into the visible ancestor row. 0 shows no rows. Default: every row. Ignored by `json`.
   */
  depth?: number;
  /** Default `DEFAULT_COLUMNS`. Ignored by `json`. */
  columns?: readonly ColumnName[];
  /**
   * ASCII-only output for `table`, `markdown` and `html`: tree drawn with `|-` / `\-` / `| `,
   * symbols spelled out, any other non-ASCII character escaped (`\u5377` in text, `&#x5377;` in HTML).
   * `csv` and `json` keep the data as is.
   */
  ascii?: boolean;
  /** How byte figures are shown: SI (default, 1 MB = 10^6 B) or IEC (1 MiB = 2^20 B). */
  units?: UnitSystem;
  /**
   * `table` only: fit this display width (a terminal's): shapes and counts written compactly,
   * names shortened in the middle (op type and depth-idx always shown), header and footer
   * wrapped. Default: no limit, every cell in full.
   */
  maxWidth?: number;
  /**
   * `table` only: a run of identical sibling blocks (same structure, shapes, params and MACs:
   * transformer layers, ResNet stages) is one row with a count, `layers.0 … layers.11 ×12`,
   * carrying their numbers together. Default true; false shows every block.
   */
  foldRepeats?: boolean;
}

/** The `FormatOptions` besides `format` that shape a rendering. */
export type FormatOptionName = Exclude<keyof FormatOptions, 'format'>;

/** `FormatOptions` checked and with their defaults filled in, as a format's `render` gets them. */
export interface FormatViewOptions {
  depth: number;
  columns: readonly ColumnName[];
  ascii: boolean;
  units: UnitSystem;
  maxWidth?: number;
  foldRepeats?: boolean;
}

/**
 * One output format of the registry (`OUTPUT_FORMATS`): `formatSummary`, the CLI's `--format`
 * (its help and its check) and the docs all read these. A new format is one file exporting its
 * descriptor and one line in the registry.
 */
export interface OutputFormatDescriptor<Name extends string = string> {
  /** The value of `FormatOptions.format` and of the CLI's `--format`. */
  readonly name: Name;
  /** Other spellings the CLI's `--format` accepts (`md` for `markdown`). */
  readonly aliases: readonly string[];
  /** One line saying what it prints, for `--help` and the docs. */
  readonly description: string;
  /**
   * The options it reads; the others are ignored. A format that reads none (`json`: the data as
   * is) gets no option checked either.
   */
  readonly options: readonly FormatOptionName[];
  render(summary: ModelSummary, options: FormatViewOptions): string;
}
