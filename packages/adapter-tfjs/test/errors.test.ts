import { inspect } from 'node:util';
import { ModelSummaryError, formatShape, summarize } from '@modelsummary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { noOwnCall, tf, tinyGraphModel } from './helpers.js';

class Thrower extends tf.layers.Layer {
  static className = 'Thrower';
  override computeOutputShape(shape: tf.Shape | tf.Shape[]) {
    return shape;
  }
  override call(): tf.Tensor {
    throw new Error('boom from a layer');
  }
}
tf.serialization.registerClass(Thrower);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function typedError(p: Promise<unknown>): Promise<ModelSummaryError> {
  try {
    await p;
  } catch (error) {
    expect(ModelSummaryError.isInstance(error), String(error)).toBe(true);
    return error as ModelSummaryError;
  }
  throw new Error('expected a ModelSummaryError');
}

const small = () => tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], name: 'd1' }), tf.layers.dense({ units: 2 })] });

describe('bad input gives typed errors, restores hooks and frees tensors', () => {
  it('a model that is not built', async () => {
    const err = await typedError(summarize(tfjsAdapter(tf.sequential(), { tf })));
    expect(err.code).toBe('INVALID_MODEL');
    expect(err.message).toMatch(/not built/);
  });

  it('something that is not a tfjs model', () => {
    expect(() => tfjsAdapter({} as never)).toThrow(/LayersModel/);
  });

  it('wrong input shape overrides', async () => {
    const model = small();
    const before = tf.memory().numTensors;
    const fixed = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'cpu', inputs: [{ name: model.inputs[0]!.name, shape: [1, 5] }] }));
    expect(fixed.code).toBe('INVALID_INPUT');
    expect(fixed.message).toMatch(/fixed at 4/);
    const rank = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'cpu', inputs: [{ shape: [1, 4, 1] }] }));
    expect(['INVALID_SHAPE', 'INVALID_INPUT']).toContain(rank.code);
    const dtype = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'cpu', inputs: [{ shape: [1, 4], dtype: 'string' }] }));
    expect(dtype.code).toBe('INVALID_INPUT');
    expect(noOwnCall(model)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a dtype tfjs has no tensors of (float16, float64, bfloat16, int64) is refused, naming the input and the tfjs dtypes', async () => {
    const model = small();
    const name = model.inputs[0]!.name;
    const before = tf.memory().numTensors;
    for (const dtype of ['float16', 'float64', 'bfloat16', 'int64']) {
      const err = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'cpu', inputs: [{ name, shape: [1, 4], dtype }] }));
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toContain(`"${name}"`);
      expect(err.message).toContain(`"${dtype}"`);
      expect(err.message).toContain('float32, int32, bool, complex64, string');
      expect(err.details).toMatchObject({ input: name, dtype });
    }
    expect(noOwnCall(model)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('shape errors print shapes as core does', async () => {
    const model = small();
    const err = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'cpu', inputs: [{ shape: [1, 5] }] }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain(`(shape ${formatShape([1, 5])} vs ${formatShape([null, 4])})`);
    model.dispose();
  });

  it('a graph kernel that throws under tf.profile: its own error, no unhandled rejection', async () => {
    const model = await tinyGraphModel(true);
    const before = tf.memory().numTensors;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    // Every promise the backend's timer hands out during the pass (where a kernel's error would
    // escape), recorded without attaching a handler, so the test can wait until each has settled.
    type Timer = { timerAvailable(): boolean; time(f: () => void): Promise<unknown> };
    const profiler = (tf.engine() as unknown as { profiler: { backendTimer: Timer } }).profiler;
    const backendTimer = profiler.backendTimer;
    const issued: Promise<unknown>[] = [];
    const recording: Timer = {
      timerAvailable: () => backendTimer.timerAvailable(),
      time: (f) => {
        const p = backendTimer.time(f);
        issued.push(p);
        return p;
      },
    };
    profiler.backendTimer = recording;
    process.on('unhandledRejection', onRejection);
    try {
      // measureMemory: the plain pass a graph model runs under tf.profile only when asked to
      const err = await typedError(summarize(tfjsAdapter(model, { tf, measureMemory: true }), { device: 'cpu', batchSize: 2 }));
      expect(err.code).toBe('FORWARD_FAILED');
      expect(err.message).toMatch(/Size\(8\) must match the product of shape 7/);
      // the adapter put back the timer it found
      expect(profiler.backendTimer).toBe(recording);
      // the pass ran its kernels through the timer, and the failing one's promise rejected
      expect(issued.length).toBeGreaterThan(0);
      // wait (no fixed delay) until every promise has settled, then one more macrotask: Node reports
      // a rejection nobody handled after the microtasks of the turn in which it happened
      const pending = () => issued.some((p) => inspect(p).includes('<pending>'));
      while (pending()) await new Promise((r) => setImmediate(r));
      expect(issued.some((p) => inspect(p).includes('<rejected>'))).toBe(true);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onRejection);
      profiler.backendTimer = backendTimer;
    }
    expect(rejections).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    // the profiler's timer is the backend's own again
    expect(profiler.backendTimer).toBe(tf.backend());
    // by default (one pass, no tf.profile) the same kernel gives the same typed error, and frees its tensors
    const plain = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'cpu', batchSize: 2 }));
    expect(plain.code).toBe('FORWARD_FAILED');
    expect(plain.message).toMatch(/Size\(8\) must match the product of shape 7/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a layer that throws', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], name: 'ok' }), new Thrower({ name: 'thrower' })] });
    const backend = tf.getBackend();
    const before = tf.memory().numTensors;
    const err = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'cpu' }));
    expect(err.code).toBe('FORWARD_FAILED');
    expect(err.message).toMatch(/boom from a layer/);
    expect(err.details.executedLayers).toEqual(['ok']);
    expect(noOwnCall(model)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getBackend()).toBe(backend);
    expect((tf.engine() as unknown as { state: { profiling: boolean } }).state.profiling).toBe(false);
    // the model still works after the failed summary
    expect(() => tf.tidy(() => model.layers[0]!.apply(tf.ones([1, 4])) as tf.Tensor)).not.toThrow();
    model.dispose();
  });

  it('an unknown device', async () => {
    const model = small();
    const before = tf.memory().numTensors;
    const err = await typedError(summarize(tfjsAdapter(model, { tf }), { device: 'tpu' }));
    expect(err.code).toBe('DEVICE_UNAVAILABLE');
    expect(tf.getBackend()).toBe('cpu');
    expect(noOwnCall(model)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('auto without webgpu falls back to the active backend with a warning', async () => {
    const model = small();
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'auto' });
    expect(summary.device).toBe('cpu');
    expect(summary.warnings.join('\n')).toMatch(/webgpu backend is not registered/);
    model.dispose();
  });
});
