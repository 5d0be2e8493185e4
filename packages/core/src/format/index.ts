import { summaryError } from '../errors.js';
import type { ModelSummary } from '../summary.js';
import { OUTPUT_FORMATS, type OutputFormat } from './registry.js';
import {
  ALL_COLUMNS,
  DEFAULT_COLUMNS,
  type ColumnName,
  type FormatOptionName,
  type FormatOptions,
  type FormatViewOptions,
  type OutputFormatDescriptor,
} from './types.js';

export { ALL_COLUMNS, DEFAULT_COLUMNS, OUTPUT_FORMATS };
export type { ColumnName, FormatOptionName, FormatOptions, FormatViewOptions, OutputFormat, OutputFormatDescriptor };
export { parseColumns, COLUMN_TITLES } from './columns.js';
export { memoryLines, torchinfoMultAddsLine } from './memory.js';
export { toJSON, validateSummaryJSON, type SummaryJSON, type LayerJSON } from './json.js';

const invalid = (option: string, value: unknown, message: string, allowed?: readonly string[]) =>
  summaryError('INVALID_OPTION', message, { details: { option, value, ...(allowed ? { allowed: [...allowed] } : {}) } });

function findFormat(name: unknown): OutputFormatDescriptor {
  const format = OUTPUT_FORMATS.find((f) => f.name === name);
  if (format) return format;
  const names = OUTPUT_FORMATS.map((f) => f.name);
  throw invalid('format', name, `Unknown format "${String(name)}"; choose among ${names.join(', ')}.`, names);
}

/** The view options checked, with their defaults. */
function viewOptions(options: FormatOptions): FormatViewOptions {
  const depth = options.depth ?? Number.POSITIVE_INFINITY;
  if (typeof depth !== 'number' || Number.isNaN(depth) || depth < 0 || (Number.isFinite(depth) && !Number.isInteger(depth))) {
    throw invalid('depth', depth, `depth must be a non-negative integer, got ${String(depth)}.`);
  }
  const columns = options.columns ?? DEFAULT_COLUMNS;
  for (const c of columns) {
    if (!ALL_COLUMNS.includes(c)) throw invalid('columns', c, `Unknown column "${String(c)}"; choose among ${ALL_COLUMNS.join(', ')}.`);
  }
  const units = options.units ?? 'si';
  if (units !== 'si' && units !== 'iec') throw invalid('units', units, `units must be "si" or "iec", got "${String(units)}".`);
  const { maxWidth } = options;
  if (maxWidth !== undefined && !(maxWidth > 0)) throw invalid('maxWidth', maxWidth, `maxWidth must be positive, got ${String(maxWidth)}.`);
  const { foldRepeats } = options;
  if (foldRepeats !== undefined && typeof foldRepeats !== 'boolean') throw invalid('foldRepeats', foldRepeats, `foldRepeats must be true or false, got ${String(foldRepeats)}.`);
  return {
    depth,
    columns,
    ascii: options.ascii ?? false,
    units,
    ...(maxWidth === undefined ? {} : { maxWidth }),
    ...(foldRepeats === undefined ? {} : { foldRepeats }),
  };
}

/** What a format that reads no option gets (it is not checked: `json` ignores the view options). */
const UNCHECKED: FormatViewOptions = { depth: Number.POSITIVE_INFINITY, columns: DEFAULT_COLUMNS, ascii: false, units: 'si' };

/**
 * Renders a summary in one of `OUTPUT_FORMATS`: `table` (default, torchinfo-like text),
 * `markdown`, `csv`, `html` or `json` (exactly `JSON.stringify(toJSON(summary), null, 2)`).
 * Throws `INVALID_OPTION` for an unknown format or column, a negative / non-integer depth, or a
 * non-positive maxWidth (the options are not checked for `json`, which reads none).
 */
export function formatSummary(summary: ModelSummary, options: FormatOptions = {}): string {
  const format = findFormat(options.format ?? OUTPUT_FORMATS[0].name);
  return format.render(summary, format.options.length === 0 ? UNCHECKED : viewOptions(options));
}
