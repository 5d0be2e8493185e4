/**
 * The output formats, as core's registry (`OUTPUT_FORMATS`) lists them: `--help` and the
 * `--format` check read them. The build inlines them (tsup `define`), so `--help` loads no core;
 * run from source (tests), they are read from core itself.
 */
import { formatInfo, type FormatInfo } from './format-info.js';

export type { FormatInfo };

declare const __MODELSUMMARY_FORMATS__: readonly FormatInfo[];

export const FORMATS: readonly FormatInfo[] =
  typeof __MODELSUMMARY_FORMATS__ === 'object' ? __MODELSUMMARY_FORMATS__ : formatInfo((await import('@modelsummary/core')).OUTPUT_FORMATS);

/** `--format` values: each name and alias → the format's name. */
export const FORMAT_SPELLINGS: ReadonlyMap<string, FormatInfo['name']> = new Map(
  FORMATS.flatMap((f) => [f.name, ...f.aliases].map((spelling) => [spelling, f.name] as const)),
);
