import type { UnitSystem } from '../units.js';

/** The renderings `formatSummary` knows. */
export type OutputFormat = 'table' | 'markdown' | 'csv' | 'html' | 'json';

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
   * Rows deeper than this (`LayerRow.depth`, 0 = top level) are hidden; their params and MACs fold
   * into the visible ancestor row. Default: every row. Ignored by `json`.
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
  /** `table` only: shorten layer names with an ellipsis so lines fit this display width when possible. */
  maxWidth?: number;
}
