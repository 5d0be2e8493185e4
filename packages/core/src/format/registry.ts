import { csvFormat } from './csv.js';
import { htmlFormat } from './html.js';
import { jsonFormat } from './json.js';
import { markdownFormat } from './markdown.js';
import { tableFormat } from './table.js';

/**
 * Every output format, in the order help and docs list them; the first is the default. A new
 * format is one file exporting its `OutputFormatDescriptor` and one line here: `formatSummary`,
 * the CLI's `--format` (help and check) and the docs' CLI page follow.
 */
export const OUTPUT_FORMATS = [
  tableFormat,
  markdownFormat,
  csvFormat,
  htmlFormat,
  jsonFormat,
] as const;

/** The renderings `formatSummary` knows: the names of `OUTPUT_FORMATS`. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]['name'];
