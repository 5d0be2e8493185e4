import '@tensorflow/tfjs-backend-wasm';
import { summarize, type ModelSummary } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { setupNodeWebGPU } from '../src/node.js';
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
