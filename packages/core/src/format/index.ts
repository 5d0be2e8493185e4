import { summaryError } from '../errors.js';
import type { ModelSummary } from '../summary.js';
import { formatCsv } from './csv.js';
import { formatHtml } from './html.js';
import { toJSON } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatTable } from './table.js';
import { ALL_COLUMNS, DEFAULT_COLUMNS, type ColumnName, type FormatOptions, type OutputFormat } from './types.js';

export { ALL_COLUMNS, DEFAULT_COLUMNS };
export type { ColumnName, FormatOptions, OutputFormat };
export { parseColumns, COLUMN_TITLES } from './columns.js';
export { memoryLines, torchinfoMultAddsLine } from './memory.js';
export { toJSON, validateSummaryJSON, type SummaryJSON, type LayerJSON } from './json.js';

const FORMATS: readonly OutputFormat[] = ['table', 'markdown', 'csv', 'html', 'json'];

/**
 * Renders a summary: `table` (default, torchinfo-like text), `markdown`, `csv`, `html` or `json`
 * (exactly `JSON.stringify(toJSON(summary), null, 2)`). Throws `INVALID_OPTION` for an unknown
 * format or column, a negative / non-integer depth, or a non-positive maxWidth.
 */
export function formatSummary(summary: ModelSummary, options: FormatOptions = {}): string {
  const format = options.format ?? 'table';
  if (!FORMATS.includes(format)) {
    throw summaryError('INVALID_OPTION', `Unknown format "${String(format)}"; choose among ${FORMATS.join(', ')}.`, {
      details: { option: 'format', value: format },
    });
  }
  if (format === 'json') return JSON.stringify(toJSON(summary), null, 2);

  const depth = options.depth ?? Number.POSITIVE_INFINITY;
  if (typeof depth !== 'number' || Number.isNaN(depth) || depth < 0 || (Number.isFinite(depth) && !Number.isInteger(depth))) {
    throw summaryError('INVALID_OPTION', `depth must be a non-negative integer, got ${String(depth)}.`, {
      details: { option: 'depth', value: depth },
    });
  }
  const columns = options.columns ?? DEFAULT_COLUMNS;
  for (const c of columns) {
    if (!ALL_COLUMNS.includes(c)) {
      throw summaryError('INVALID_OPTION', `Unknown column "${String(c)}"; choose among ${ALL_COLUMNS.join(', ')}.`, {
        details: { option: 'columns', value: c },
      });
    }
  }
  const units = options.units ?? 'si';
  if (units !== 'si' && units !== 'iec') {
    throw summaryError('INVALID_OPTION', `units must be "si" or "iec", got "${String(units)}".`, { details: { option: 'units', value: units } });
  }
  const ascii = options.ascii ?? false;
  if (options.maxWidth !== undefined && !(options.maxWidth > 0)) {
    throw summaryError('INVALID_OPTION', `maxWidth must be positive, got ${String(options.maxWidth)}.`, {
      details: { option: 'maxWidth', value: options.maxWidth },
    });
  }

  switch (format) {
    case 'table':
      return formatTable(summary, { depth, columns, ascii, units, ...(options.maxWidth === undefined ? {} : { maxWidth: options.maxWidth }) });
    case 'markdown':
      return formatMarkdown(summary, { depth, columns, ascii, units });
    case 'csv':
      return formatCsv(summary, { depth, columns });
    case 'html':
      return formatHtml(summary, { depth, columns, ascii, units });
  }
}
