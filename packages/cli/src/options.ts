/**
 * Turns raw option values (strings from the command line) into checked settings. Pure, no heavy
 * imports: every error is a usage error (exit 2) naming the option.
 */
import type { ColumnName, InputOverride, MemoryConvention, OutputFormat, UnitSystem } from '@modelsummary/core';
import { FORMATS, FORMAT_SPELLINGS } from './formats.js';
import { usageError } from './io.js';
import { runtimeSpelling } from './runtime-spelling.js';

export type OrtChoice = 'auto' | 'node' | 'web';

export interface CliOptions {
  format: OutputFormat;
  depth?: number;
  /** Raw column list; parsed by core's `parseColumns`. */
  columns?: string;
  batchSize: number;
  inputs: InputOverride[];
  dims: Record<string, number>;
  device: string;
  runtime: OrtChoice;
  units: UnitSystem;
  memoryConvention: MemoryConvention;
  ascii: boolean;
  /** `--width`: the table's width; else the terminal's (none when stdout is not a terminal). */
  width?: number;
  /** `--expand`: every block of a run of identical blocks in its own rows. */
  expand: boolean;
  color: boolean;
  output?: string;
  static: boolean;
  maxParams?: number;
  maxMacs?: number;
  maxMemory?: number;
  maxInputBytes?: number;
  debug: boolean;
}

/** What `parseColumns` etc. will get: a checked value per option. */
export type RawOptions = Record<string, unknown>;

const CONVENTIONS: readonly MemoryConvention[] = ['default', 'torchsummary', 'torchinfo'];

/** The last value of an option given once or several times, as a string. */
function last(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  return v === undefined ? undefined : String(v);
}

/** Every value of a repeatable option, as strings. */
function all(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined).map(String);
}

function requireValue(name: string, value: unknown): string | undefined {
  const v = last(value);
  if (v === 'true' && (value === true || (Array.isArray(value) && value[value.length - 1] === true))) {
    throw usageError(`--${name} needs a value`);
  }
  return v;
}

/** A non-negative integer such as `3`; `min` 1 for positive ones. */
export function parseInteger(name: string, text: string, min = 0): number {
  const t = text.trim();
  const kind = min >= 1 ? 'a positive' : 'a non-negative';
  if (/^-\s*\d/.test(t)) throw usageError(`--${name} cannot be negative, got ${t}: it takes ${kind} integer`);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t)) || Number(t) < min) {
    throw usageError(`--${name} must be ${kind} integer, got "${text}"`);
  }
  return Number(t);
}

const COUNT_SUFFIX: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9, b: 1e9, B: 1e9, t: 1e12, T: 1e12 };

/** A count such as `25000000`, `25,000,000`, `25_000_000`, `25M`, `1.5G`, `4e9`. */
export function parseCount(name: string, text: string): number {
  const t = text.trim().replace(/[,_]/g, '');
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([kKmMgGbBtT]?)$/.exec(t);
  const value = m ? Number(m[1]) * (COUNT_SUFFIX[m[2] ?? ''] ?? 1) : Number.NaN;
  if (/^-\s*\d/.test(t)) throw usageError(`--${name} cannot be negative, got ${t}: it takes a count such as 25000000 or 25M`);
  if (!Number.isFinite(value) || value < 0) {
    throw usageError(`--${name} must be a count such as 25000000 or 25M, got "${text}"`);
  }
  return Math.round(value);
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, k: 1e3, m: 1e6, g: 1e9, t: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40,
};

/** Bytes such as `2000000000`, `2GB` (10^9), `1.5GiB` (2^30), `500MB`. */
export function parseBytes(name: string, text: string): number {
  const t = text.trim().replace(/[,_]/g, '');
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-zA-Z]*)$/.exec(t);
  const factor = m ? BYTE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const value = m && factor !== undefined ? Number(m[1]) * factor : Number.NaN;
  if (/^-\s*\d/.test(t)) throw usageError(`--${name} cannot be negative, got ${t}: it takes a size such as 500MB or 2GiB`);
  if (!Number.isFinite(value) || value < 0) {
    throw usageError(`--${name} must be a size in bytes such as 500000000, 500MB or 2GiB, got "${text}"`);
  }
  return Math.round(value);
}

/** `--format`: a name or an alias of a format of core's registry. */
function formatOption(raw: RawOptions): OutputFormat {
  const formatText = (requireValue('format', raw.format) ?? FORMATS[0]!.name).toLowerCase();
  const format = FORMAT_SPELLINGS.get(formatText);
  if (format === undefined) throw usageError(`--format must be one of ${FORMATS.map((f) => f.name).join(', ')}, got "${formatText}"`);
  return format;
}

/** `--units`, `--memory-convention`, `--runtime`, `--device`: one of a few words each. */
function choiceOptions(raw: RawOptions): Pick<CliOptions, 'units' | 'memoryConvention' | 'runtime' | 'device'> {
  const units = (requireValue('units', raw.units) ?? 'si').toLowerCase();
  if (units !== 'si' && units !== 'iec') throw usageError(`--units must be si or iec, got "${units}"`);
  const convention = (requireValue('memory-convention', raw.memoryConvention) ?? 'default').toLowerCase() as MemoryConvention;
  if (!CONVENTIONS.includes(convention)) throw usageError(`--memory-convention must be one of ${CONVENTIONS.join(', ')}, got "${convention}"`);
  const runtimeText = runtimeSpelling(requireValue('runtime', raw.runtime) ?? 'auto');
  if (!['auto', 'node', 'web'].includes(runtimeText)) {
    throw usageError(`--runtime must be auto, node (onnxruntime-node) or web (onnxruntime-web), got "${runtimeText}"`);
  }
  const device = (requireValue('device', raw.device) ?? 'auto').toLowerCase();
  if (!/^[a-z][a-z0-9_-]*$/.test(device)) throw usageError(`--device must be auto, gpu, cpu or a backend / provider name, got "${device}"`);
  return { units, memoryConvention: convention, runtime: runtimeText as OrtChoice, device };
}

/** Checks every option; the first bad one is a usage error. `--input` / `--dim` load core's flag parsers. */
export async function resolveOptions(raw: RawOptions, env: Record<string, string | undefined>): Promise<CliOptions> {
  const format = formatOption(raw);
  const depthText = requireValue('depth', raw.depth);
  const batchText = requireValue('batch', raw.batch);
  const choices = choiceOptions(raw);
  const inputTexts = all(raw.input);
  const dimTexts = all(raw.dim);
  const flags = inputTexts.length > 0 || dimTexts.length > 0 ? await import('./input-options.js') : undefined;
  const dims: Record<string, number> = {};
  for (const d of dimTexts) {
    const [name, value] = flags!.parseDimOption(d);
    dims[name] = value;
  }
  const columns = requireValue('columns', raw.columns);
  const widthText = requireValue('width', raw.width);
  const output = requireValue('output', raw.output);
  const maxParams = requireValue('max-params', raw.maxParams);
  const maxMacs = requireValue('max-macs', raw.maxMacs);
  const maxMemory = requireValue('max-memory', raw.maxMemory);
  const maxInputBytes = requireValue('max-input-bytes', raw.maxInputBytes);
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';

  return {
    format,
    ...(depthText === undefined ? {} : { depth: parseInteger('depth', depthText) }),
    ...(columns === undefined ? {} : { columns }),
    batchSize: batchText === undefined ? 1 : parseInteger('batch', batchText, 1),
    inputs: inputTexts.map((t) => flags!.parseInputOption(t)),
    dims,
    ...choices,
    ascii: raw.ascii === true,
    ...(widthText === undefined ? {} : { width: parseInteger('width', widthText, 1) }),
    expand: raw.expand === true,
    color: raw.color !== false && !noColor,
    ...(output === undefined || output === '' ? {} : { output }),
    static: raw.static === true,
    ...(maxParams === undefined ? {} : { maxParams: parseCount('max-params', maxParams) }),
    ...(maxMacs === undefined ? {} : { maxMacs: parseCount('max-macs', maxMacs) }),
    ...(maxMemory === undefined ? {} : { maxMemory: parseBytes('max-memory', maxMemory) }),
    ...(maxInputBytes === undefined ? {} : { maxInputBytes: parseBytes('max-input-bytes', maxInputBytes) }),
    debug: raw.debug === true,
  };
}
