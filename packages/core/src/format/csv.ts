import type { Shape } from '../contract.js';
import type { ModelSummary } from '../summary.js';
import { CSV_HEADERS, kernelOf } from './columns.js';
import { visibleRows, type VisibleRow } from './rows.js';
import type { ColumnName, OutputFormatDescriptor } from './types.js';

export interface CsvOptions {
  depth: number;
  columns: readonly ColumnName[];
}

/** RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (or leading / trailing space). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Shapes as JSON: `[[1,3,224,224]]`; symbolic dims as strings, unknown dims as null. */
function shapesField(shapes: readonly Shape[]): string {
  return JSON.stringify(shapes);
}

function csvValue(v: VisibleRow, column: ColumnName, totalParams: number): string {
  const row = v.row;
  switch (column) {
    case 'inputShape':
      return v.notExecuted ? '' : shapesField(row.inputShapes);
    case 'outputShape':
      return v.notExecuted ? '' : shapesField(row.outputShapes);
    case 'params':
      return String(v.params);
    case 'paramsPercent':
      return totalParams > 0 ? String(Number(((100 * v.params) / totalParams).toFixed(6))) : '';
    case 'trainable':
      return v.trainableParams === undefined ? '' : String(v.trainableParams);
    case 'macs':
      // Empty when unknown (or partly unknown after folding): never a misleading number.
      if (v.notExecuted && !v.folded) return '';
      return v.unknownMacs > 0 ? '' : String(v.macs);
    case 'kernel': {
      const k = kernelOf(row.attributes);
      return k === undefined ? '' : typeof k === 'string' ? k : JSON.stringify(k);
    }
    case 'outputBytes':
      return String(v.outputBytes);
  }
}

/** Header names of the fixed leading columns. */
export const CSV_LEADING = ['id', 'name', 'type', 'depth', 'parent_id', 'call_index', 'executed'] as const;

/**
 * CSV (RFC 4180: CRLF line ends, fields quoted only when needed, quotes doubled). One line per
 * visible row after a header. Numbers raw (no separators, no units; bytes in bytes); params and
 * MACs include folded descendants; MACs empty when unknown or not run; shapes as JSON arrays of arrays
 * (`[[1,3,224,224]]`, symbolic dims as strings, unknown dims as null), empty when the layer
 * did not run; `trainable_params` empty when the runtime has no notion of it.
 */
export function formatCsv(summary: ModelSummary, options: CsvOptions): string {
  const header = [...CSV_LEADING, ...options.columns.map((c) => CSV_HEADERS[c])];
  const lines: string[] = [header.join(',')];
  const total = summary.totals.params;
  for (const v of visibleRows(summary, options.depth)) {
    const r = v.row;
    const fields = [
      r.id,
      r.name,
      r.type,
      String(r.depth),
      r.parentId ?? '',
      String(r.callIndex),
      String(r.executed),
      ...options.columns.map((c) => csvValue(v, c, total)),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export const csvFormat: OutputFormatDescriptor<'csv'> = {
  name: 'csv',
  aliases: [],
  description: 'RFC 4180 CSV: one line per row, raw numbers',
  options: ['depth', 'columns'],
  render: formatCsv,
};
