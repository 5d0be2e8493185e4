import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatSummary, summarize, type ModelSummary } from '@modelsummary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { noOwnCall, nsfwArtifacts, nsfwGraphModel, nsfwLayersModel, tf, tfjsSummaryTotals } from './helpers.js';

/*
 * The expected MACs are computed here, from what TF.js itself says about each layer / node (class
 * name, config, output shape, weight shapes), with the convention of apps/docs/guide/memory-and-macs.md
 * written out — not with core's helpers and not copied from a previous run:
 *   Conv:            out elements × Cin × kH × kW      (+ out elements with a bias)
 *   DepthwiseConv2D: out elements × kH × kW            (Cin / groups = 1; + out elements with a bias)
 *   Dense / MatMul:  out elements × in features        (+ out elements with a bias)
 *   BatchNorm:       N × (|γ| + |β|) = N × 2C          (torchinfo's convention, N = batch)
 *   element-wise:    out elements × (inputs − 1)       (Add of two activations, Mul / Sub by a constant)
 *   activations, pooling, padding, reshapes, dropout, softmax, identity: 0
 * A layer class or op not listed here throws: the formula must be extended, not guessed.
 */
const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const BATCH = 1;
const LAYER_ZERO = new Set(['InputLayer', 'ZeroPadding2D', 'ReLU', 'AveragePooling2D', 'Flatten', 'Dropout']);
const GRAPH_ZERO = new Set(['Softmax', 'AvgPool', 'Squeeze', 'Identity']);

/** MACs of every layer of a LayersModel, by layer name, at batch 1. */
function layersModelMacs(model: tf.LayersModel): Map<string, number> {
  const macs = new Map<string, number>();
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const config = layer.getConfig() as { useBias?: boolean };
    const out = (layer.outputShape as (number | null)[]).map((d) => d ?? BATCH);
    const weight = (suffix: string) => layer.weights.find((w) => w.name.endsWith(`/${suffix}`))?.shape as number[] | undefined;
    const bias = config.useBias === true ? elements(out) : 0;
    let n: number;
    if (cls === 'Conv2D') {
      const [kH, kW, cIn] = weight('kernel') as number[];
      n = elements(out) * cIn! * kH! * kW! + bias;
    } else if (cls === 'DepthwiseConv2D') {
      const [kH, kW] = weight('depthwise_kernel') as number[];
      n = elements(out) * kH! * kW! + bias;
    } else if (cls === 'Dense') {
      const [inFeatures] = weight('kernel') as number[];
      n = elements(out) * inFeatures! + bias;
    } else if (cls === 'BatchNormalization') {
      n = out[0]! * ((weight('gamma')?.[0] ?? 0) + (weight('beta')?.[0] ?? 0));
    } else if (cls === 'Add') {
      const inputs = Array.isArray(layer.input) ? layer.input.length : 1;
      n = elements(out) * (inputs - 1);
    } else if (LAYER_ZERO.has(cls)) {
      n = 0;
    } else {
      throw new Error(`no MACs formula in this test for ${cls} (${layer.name})`);
    }
    macs.set(layer.name, n);
  }
  return macs;
}

interface Node {
  name: string;
  op: string;
  inputNames: string[];
  attrParams: Record<string, { value?: unknown } | undefined>;
}

/** MACs of every node of a GraphModel, by node name, at batch 1; output shapes from TF.js's own execute(). */
function graphModelMacs(model: tf.GraphModel, nodes: Node[]): Map<string, number> {
  const input = model.inputs[0]!;
  const shape = (input.shape as number[]).map((d) => (d === -1 ? BATCH : d));
  const outShapes = tf.tidy(() => (model.execute(tf.zeros(shape), nodes.map((n) => n.name)) as tf.Tensor[]).map((t) => t.shape));
  const weightShape = (name: string) => (model.weights as Record<string, tf.Tensor[]>)[name]?.[0]?.shape;
  const macs = new Map<string, number>();
  nodes.forEach((node, i) => {
    const out = outShapes[i] as number[];
    const fused = (node.attrParams.fusedOps?.value as string[] | undefined) ?? [];
    const bias = fused.some((op) => op.toLowerCase() === 'biasadd') ? elements(out) : 0;
    let n: number;
    if (node.op === '_FusedConv2D') {
      const [kH, kW, cIn] = weightShape(node.inputNames[1]!) as number[];
      n = elements(out) * cIn! * kH! * kW! + bias;
    } else if (node.op === 'FusedDepthwiseConv2dNative') {
      const [kH, kW] = weightShape(node.inputNames[1]!) as number[];
      n = elements(out) * kH! * kW! + bias;
    } else if (node.op === '_FusedMatMul') {
      const [inFeatures] = weightShape(node.inputNames[1]!) as number[];
      n = elements(out) * inFeatures! + bias;
    } else if (node.op === 'AddV2' || node.op === 'Mul' || node.op === 'Sub') {
      n = elements(out) * (node.inputNames.length - 1);
    } else if (GRAPH_ZERO.has(node.op)) {
      n = 0;
    } else {
      throw new Error(`no MACs formula in this test for ${node.op} (${node.name})`);
    }
    macs.set(node.name, n);
  });
  return macs;
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

const CLI = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'cli', 'dist', 'bin.js');

/**
 * nsfwjs's model as a user hosts it (model.json + one .bin shard, as nsfwjs's repository serves
 * them), summarized by the built CLI with `--format json`.
 */
async function cliOnNsfw(name: 'mobilenet_v2' | 'mobilenet_v2_mid'): Promise<ModelSummary> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx turbo run build)`);
  const a = await nsfwArtifacts(name);
  const dir = mkdtempSync(join(tmpdir(), 'nsfwjs-'));
  try {
    writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(a.weightData as ArrayBuffer));
    const { weightData: _, weightSpecs, ...rest } = a;
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...rest, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weightSpecs }] }));
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [CLI, join(dir, 'model.json'), '--device', 'cpu', '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
        error ? reject(new Error(`the CLI failed (${String(error.code)}): ${stderr}`)) : resolve(stdout),
      ),
    );
    return JSON.parse(out) as ModelSummary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the CLI's JSON and the library's summary must share. */
const facts = (s: ModelSummary) => ({
  params: s.totals.params,
  macs: s.totals.macs,
  paramBytes: s.totals.paramBytes,
  inputs: s.inputs,
  outputs: s.outputs,
  rows: s.layers.map((r) => [r.id, r.type, r.outputShapes, r.params, r.macs]),
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('real models shipped in nsfwjs 4.2.1', () => {
  it('MobileNetV2 LayersModel: every layer, totals equal model.summary()', async () => {
    const model = await nsfwLayersModel();
    const before = tf.memory().numTensors;
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);
    expect(noOwnCall(model)).toBe(true);

    const tfjs = tfjsSummaryTotals(model);
    expect(summary.totals.params).toBe(tfjs.params);
    expect(summary.totals.trainableParams).toBe(tfjs.trainableParams);
    expect(summary.totals.nonTrainableParams).toBe(tfjs.nonTrainableParams);
    // one row per layer; the input layer is not a row (the input is the summary's `inputs`)
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    expect(layers.length).toBe(model.layers.length - 1);
    expect(summary.layers.length).toBe(layers.length);
    expect(summary.layers.every((r) => r.executed)).toBe(true);
    expect(summary.warnings.join('\n')).not.toMatch(/never executed/);
    for (const layer of layers) {
      const row = summary.layers.find((r) => r.id === layer.name)!;
      const shape = (layer.outputShape as (number | null)[]).map((d) => d ?? 1);
      expect(row.outputShapes, layer.name).toEqual([shape]);
    }
    expect(summary.layers.at(-1)!.outputShapes).toEqual([[1, 5]]);
    expect(summary.totals.unknownMacsLayers).toBe(0);
    // every row's MACs, and the total, equal the formula above applied to TF.js's own layers
    const want = layersModelMacs(model);
    expect(Object.fromEntries(summary.layers.map((r) => [r.id, r.macs]))).toEqual(Object.fromEntries(layers.map((l) => [l.name, want.get(l.name)])));
    expect(summary.totals.macs).toBe(sum(want));
    console.log(
      `nsfwjs mobilenet_v2 (layers): ${summary.layers.length} rows / ${model.layers.length} layers; params ${summary.totals.params} ` +
        `(model.summary ${tfjs.params}, trainable ${tfjs.trainableParams}); MACs ${summary.totals.macs}; measured peak ${summary.memory.measuredPeakBytes} B`,
    );
    expect(formatSummary(summary, { format: 'table' })).toContain('Conv1');
    expect(summary.outputs?.map((o) => [o.name, o.shape])).toEqual([[model.outputNames[0], [1, 5]]]);
    expect(facts(await cliOnNsfw('mobilenet_v2'))).toEqual(facts(summary));
    model.dispose();
  });

  it('mobilenet_v2_mid GraphModel: every node, params = all weights', async () => {
    const model = await nsfwGraphModel();
    const before = tf.memory().numTensors;
    const summary = await summarize(tfjsAdapter(model, { tf, name: 'mobilenet_v2_mid' }), { device: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);

    const nodes = Object.values((model as unknown as { executor: { graph: { nodes: Record<string, Node> } } }).executor.graph.nodes);
    const ops = nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder');
    const nodeRows = summary.layers.filter((r) => r.type !== 'scope');
    expect(nodeRows.length).toBe(ops.length);
    expect(nodeRows.every((r) => r.executed)).toBe(true);
    // every weight's elements, less the scalar constants (the input scaling `x * (1 / 127.5) - 1`),
    // which by the convention (DESIGN.md: shape, axis, index and scalar constants) are not parameters
    const weights = Object.values(model.weights).flat().filter((t) => t.rank > 0);
    const weightCount = weights.reduce((n, t) => n + t.size, 0);
    expect(summary.totals.params).toBe(weightCount);
    expect(summary.totals.trainableParams).toBeUndefined();
    expect(summary.model.format).toBe('tfjs-graph');
    const last = nodeRows.find((r) => r.type === 'Softmax')!;
    expect(last.outputShapes).toEqual([[1, 5]]);
    expect(last.macs).toBe(0); // activations cost 0 (was 5 when Softmax counted 1 per element)
    // every node row's MACs, and the total, equal the formula above applied to TF.js's own graph
    const want = graphModelMacs(model, ops);
    expect(Object.fromEntries(nodeRows.map((r) => [r.id, r.macs]))).toEqual(Object.fromEntries(want));
    expect(summary.totals.macs).toBe(sum(want));
    const scopes = summary.layers.filter((r) => r.type === 'scope');
    expect(scopes.length).toBeGreaterThan(10);
    expect(Math.max(...summary.layers.map((r) => r.depth))).toBeGreaterThan(2);
    expect(summary.totals.unknownMacsLayers).toBe(0);
    console.log(
      `nsfwjs mobilenet_v2_mid (graph): ${nodeRows.length} node rows (${nodes.length} nodes incl. Const/Placeholder), ${scopes.length} scope rows; ` +
        `params ${summary.totals.params} = Σ weights ${weightCount} (${Object.keys(model.weights).length} tensors); MACs ${summary.totals.macs}`,
    );
    expect(facts(await cliOnNsfw('mobilenet_v2_mid'))).toEqual(facts(summary));
    model.dispose();
  });
});
