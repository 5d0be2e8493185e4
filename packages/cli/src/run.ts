/** What a command does once its options are checked. Loaded lazily by `main`. */
import { realpath, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  formatBytes,
  formatCount,
  formatSummary,
  parseColumns,
  summarize,
  toJSON,
  type ColumnName,
  type ModelSummary,
  type SummaryJSON,
} from '@modelsummary/core';
import { closest } from './argv.js';
import { diffSummaries, formatDiff } from './diff.js';
import { CliError, EXIT, usageError, type CliIO } from './io.js';
import { loadModel, readModelFile, savedSummary, type ModelFile } from './load.js';
import type { CliOptions } from './options.js';
import { createProgress, type Progress } from './progress.js';

/** Summarizes one model file, already read; returns the summary and the engine that ran it. */
async function summarizeFile(file: ModelFile, options: CliOptions, progress: Progress): Promise<{ summary: ModelSummary; engine: string }> {
  const { path } = file;
  const loaded = await loadModel(file, options, progress);
  try {
    progress.update(`Running the mock forward pass (${loaded.engine})`);
    const summary = await summarize(loaded.model, {
      batchSize: options.batchSize,
      ...(options.inputs.length > 0 ? { inputs: options.inputs } : {}),
      dims: options.dims,
      device: options.device,
      memoryConvention: options.memoryConvention,
      ...(options.maxInputBytes === undefined ? {} : { maxInputBytes: options.maxInputBytes }),
    });
    return { summary, engine: loaded.engine }; // read after the pass: the GPU adapter is known by then
  } catch (error) {
    throw withFile(error, path);
  } finally {
    await loaded.dispose();
  }
}

/** Core errors do not always name the file: prefix it so the line says which file is wrong. */
function withFile(error: unknown, path: string): unknown {
  if (error instanceof Error && !error.message.includes(path) && !error.message.includes(path.split(/[\\/]/).pop() ?? path)) {
    error.message = `${path}: ${error.message}`;
  }
  return error;
}

/** Checks the budgets; one line per breach. */
function budgetBreaches(summary: ModelSummary, options: CliOptions): string[] {
  const out: string[] = [];
  if (options.maxParams !== undefined && summary.totals.params > options.maxParams) {
    out.push(`params ${formatCount(summary.totals.params)} > --max-params ${formatCount(options.maxParams)}`);
  }
  if (options.maxMacs !== undefined && summary.totals.macs > options.maxMacs) {
    out.push(`mult-adds ${formatCount(summary.totals.macs)} > --max-macs ${formatCount(options.maxMacs)}`);
  }
  if (options.maxMemory !== undefined && summary.memory.totalBytes > options.maxMemory) {
    out.push(
      `estimated memory ${formatBytes(summary.memory.totalBytes, options.units)} (${summary.memory.totalBytes} B) > --max-memory ${formatBytes(options.maxMemory, options.units)} (${options.maxMemory} B)`,
    );
  }
  return out;
}

/** `--output` naming a file the command reads (the model, a summary to compare) would destroy it: a usage error. */
async function refuseOutputOver(inputs: readonly string[], options: CliOptions, io: CliIO): Promise<void> {
  if (!options.output) return;
  const cwd = io.cwd ?? process.cwd();
  const real = async (p: string): Promise<string> => realpath(resolve(cwd, p)).catch(() => resolve(cwd, p));
  const target = await real(options.output);
  for (const input of inputs) {
    if ((await real(input)) === target) throw usageError(`--output ${options.output} is the file being read (${input}); choose another file`);
  }
}

async function emit(text: string, options: CliOptions, io: CliIO): Promise<void> {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (options.output) {
    const target = resolve(io.cwd ?? process.cwd(), options.output);
    try {
      await writeFile(target, body);
    } catch (error) {
      throw new CliError(`--output ${options.output}: cannot write (${(error as Error).message})`);
    }
    if (io.stderr.isTTY) io.stderr.write(`wrote ${options.output}\n`);
  } else {
    io.stdout.write(body);
  }
}

/** `--columns`, parsed by core; an unknown name gets a "did you mean" from the names it lists. */
function columnsOf(options: CliOptions): ColumnName[] | undefined {
  if (options.columns === undefined) return undefined;
  try {
    return parseColumns(options.columns);
  } catch (error) {
    const details = (error as { details?: { option?: string; value?: unknown; allowed?: string[] } }).details;
    const guess = details?.option === 'columns' && typeof details.value === 'string' ? closest(details.value, details.allowed ?? []) : undefined;
    throw guess === undefined ? error : usageError(`--columns: ${(error as Error).message.replace(/\.$/, '')} (did you mean "${guess}"?)`);
  }
}

/** The width the table fits: `--width`, else the terminal's; none (every cell in full) when stdout is not a terminal. */
function tableWidth(options: CliOptions, io: CliIO): { maxWidth?: number } {
  if (options.width !== undefined) return { maxWidth: options.width };
  return !options.output && io.stdout.isTTY && io.stdout.columns ? { maxWidth: io.stdout.columns } : {};
}

/** `modelsummary <model>`. */
export async function runSummary(path: string, options: CliOptions, io: CliIO): Promise<number> {
  const columns = columnsOf(options); // a bad column list fails before any model is loaded
  await refuseOutputOver([path], options, io);
  const progress = createProgress(io.stderr, true);
  let result: { summary: ModelSummary; engine: string };
  try {
    result = await summarizeFile(await readModelFile(path, progress), options, progress);
  } finally {
    progress.done();
  }
  const { summary, engine } = result;
  // The header says which runtime package ran the pass; the JSON keeps the device name alone.
  const shown: ModelSummary = options.format === 'json' ? summary : { ...summary, device: `${summary.device} (${engine})` };
  // Each format reads the options it uses (core's registry says which): the terminal width only fits the table.
  const text = formatSummary(shown, {
    format: options.format,
    ...(options.depth === undefined ? {} : { depth: options.depth }),
    ...(columns ? { columns } : {}),
    ascii: options.ascii,
    units: options.units,
    ...tableWidth(options, io),
    foldRepeats: !options.expand,
  });
  await emit(text, options, io);
  const breaches = budgetBreaches(summary, options);
  if (breaches.length > 0) {
    io.stderr.write(`modelsummary: budget exceeded: ${breaches.join('; ')}\n`);
    return EXIT.BUDGET;
  }
  return EXIT.OK;
}

/** A model or a saved summary, as schema v1 JSON. */
async function summaryOrModelJSON(path: string, options: CliOptions, progress: Progress): Promise<SummaryJSON> {
  const file = await readModelFile(path, progress);
  if (file.detected.kind === 'summary-json') return savedSummary(path, file.detected.json);
  const { summary } = await summarizeFile(file, options, progress);
  return toJSON(summary);
}

/** `modelsummary diff A B`. */
export async function runDiff(a: string, b: string, options: CliOptions, io: CliIO): Promise<number> {
  if (options.format !== 'table' && options.format !== 'json') throw usageError(`diff prints a table or JSON; --format ${options.format} is not supported`);
  await refuseOutputOver([a, b], options, io);
  const progress = createProgress(io.stderr, true);
  let left: SummaryJSON;
  let right: SummaryJSON;
  try {
    left = await summaryOrModelJSON(a, options, progress);
    right = await summaryOrModelJSON(b, options, progress);
  } finally {
    progress.done();
  }
  const diff = diffSummaries(left, right, { a, b });
  let text = options.format === 'json' ? JSON.stringify(diff, null, 2) : formatDiff(diff, options.units);
  if (options.ascii && options.format !== 'json') text = text.replace(/Δ/g, 'delta').replace(/→/g, '->');
  await emit(text, options, io);
  return EXIT.OK;
}
