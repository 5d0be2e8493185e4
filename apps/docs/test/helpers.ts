import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseInputFlags, summarize, toJSON, type SummaryJSON } from '@modelsummary/core';

export const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(DOCS, '../..');
export const DIST = join(DOCS, '.vitepress', 'dist');
export const CLI_BIN = join(REPO, 'packages', 'cli', 'dist', 'bin.js');

/** What every comparison reads: the totals of the schema-v1 JSON. */
export type Totals = SummaryJSON['totals'];

export interface Expected {
  json: SummaryJSON;
  /** `cli`: `node packages/cli/dist/bin.js FILE [FLAGS] --format json`; `node`: core + adapter in this process. */
  via: 'cli' | 'node';
}

const IN_CI = ((ci) => ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false')(process.env.CI);

/**
 * The summary the CLI gives for a model file (`--format json`), with `flags` (argv words such as
 * `['--dim', 'sequence_length=3']`) before it. A CLI that fails on the file is an error — the
 * expected value never quietly becomes something else. Only when the CLI is not built (no
 * packages/cli/dist; `npm test` builds it, so never under CI) is the same computation done here
 * with core + the adapter (cpu), and the result says so (`via: 'node'`).
 */
export async function expectedSummary(file: string, flags: readonly string[] = []): Promise<Expected> {
  if (existsSync(CLI_BIN)) {
    const run = spawnSync(process.execPath, [CLI_BIN, file, ...flags, '--format', 'json'], { encoding: 'utf8', cwd: REPO, timeout: 120_000 });
    if (run.status !== 0) {
      const given = flags.length > 0 ? ` with ${flags.join(' ')}` : '';
      throw new Error(`the CLI failed on ${file}${given} (exit ${run.status}${run.error ? `, ${run.error.message}` : ''}): ${run.stderr.slice(0, 2000)}`);
    }
    return { json: JSON.parse(run.stdout) as SummaryJSON, via: 'cli' };
  }
  if (IN_CI) throw new Error(`${CLI_BIN} is missing: under CI the expected values come from the built CLI (npm test builds it first)`);
  console.warn(`[docs e2e] ${CLI_BIN} is not built: the expected values for ${file} are computed in Node (core + adapter) instead`);
  return { json: await summarizeInNode(file, flags), via: 'node' };
}

/**
 * core + adapter-onnx (onnxruntime-node; external data read beside the file) or adapter-tfjs
 * (@tensorflow/tfjs, cpu) in this process, with the inputs / dims / batch of `flags`.
 */
export async function summarizeInNode(file: string, flags: readonly string[] = []): Promise<SummaryJSON> {
  const { inputs, dims, batchSize } = parseInputFlags(flags.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' '));
  const options = { inputs, dims, ...(batchSize === undefined ? {} : { batchSize }), device: 'cpu' as const };
  if (file.endsWith('.onnx')) {
    const ort = await import('onnxruntime-node');
    const { onnxAdapterFromFile } = await import('@modelsummary/adapter-onnx/node');
    const model = await onnxAdapterFromFile(file, { ort: ort as never });
    try {
      return toJSON(await summarize(model, options));
    } finally {
      await model.dispose?.();
    }
  }
  const tf = await import('@tensorflow/tfjs');
  const { tfjsAdapter } = await import('@modelsummary/adapter-tfjs');
  await tf.setBackend('cpu');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    format?: string;
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: never[] }[];
  };
  const weightSpecs = manifest.weightsManifest.flatMap((g) => g.weights);
  const buffers = manifest.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(file), p))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const handler = tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs, weightData });
  const graph = manifest.format === 'graph-model' || 'node' in manifest.modelTopology;
  const loaded = graph ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  const stem = file.split('/').pop() === 'model.json' ? undefined : (file.split('/').pop() as string).replace(/\.json$/, '');
  return toJSON(await summarize(tfjsAdapter(loaded as never, { tf: tf as never, ...(stem ? { name: stem } : {}) }), options));
}
