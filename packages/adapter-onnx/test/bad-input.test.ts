import { describe, expect, test } from 'vitest';
import { ForwardPassError, ModelSummaryError, summarize } from '@modelsummary/core';
import { onnx } from '../src/proto.js';
import { onnxAdapter } from '../src/index.js';
import { onnxAdapterFromFile } from '../src/node.js';
import { failingModel } from './build.js';
import { MODELS_DIR, countingOrt, describeReference, modelBytes, ortNode } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<ModelSummaryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ModelSummaryError.isInstance(err), `expected a ModelSummaryError, got ${String(err)}`).toBe(true);
  return err as ModelSummaryError;
}

/** xorshift bytes: deterministic "random" garbage. */
function garbage(n: number, seed = 42): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('bad input gives a typed error naming the file and the problem', () => {
  test('empty file', async () => {
    const err = await rejection(onnxAdapter(new Uint8Array(0), { ort: ortNode, fileName: 'empty.onnx' }));
    expect(err.code).toBe('INVALID_MODEL');
    expect(err.message).toMatch(/empty\.onnx.*empty/);
  });

  test('random bytes', async () => {
    for (const seed of [1, 42, 1234, 99_999]) {
      const err = await rejection(onnxAdapter(garbage(4096, seed), { ort: ortNode, fileName: 'noise.bin' }));
      expect(err.code).toBe('INVALID_MODEL');
      expect(err.message).toContain('noise.bin');
    }
  });

  test('a file that does not exist, and a folder', async () => {
    expect((await rejection(onnxAdapterFromFile('/nonexistent/model.onnx'))).code).toBe('INVALID_MODEL');
    expect((await rejection(onnxAdapterFromFile('/tmp'))).code).toBe('INVALID_MODEL');
  });

  test('not bytes at all', async () => {
    const err = await rejection(onnxAdapter('model.onnx' as unknown as Uint8Array));
    expect(err.code).toBe('INVALID_MODEL');
  });

  describeReference('on a reference model', () => {
    test('truncated file: every cut gives INVALID_MODEL (decoding) or a model onnxruntime refuses (INVALID_MODEL), never a crash', async () => {
      const full = modelBytes('mnist_net');
      for (const cut of [1, 10, 100, 1000, Math.floor(full.length / 2), full.length - 7]) {
        const counter = countingOrt(ortNode);
        const p = (async () => {
          const m = await onnxAdapter(full.subarray(0, cut), { ort: counter.ort, fileName: 'mnist_net.onnx' });
          await summarize(m, { device: 'cpu' });
        })();
        const err = await rejection(p);
        expect(err.code, `cut at ${cut}`).toBe('INVALID_MODEL');
        expect(err.message).toContain('mnist_net.onnx');
        expect(counter.live()).toBe(0);
      }
    });

    test('a valid file with a wrong input override: INVALID_INPUT, no session left', async () => {
      const counter = countingOrt(ortNode);
      const model = await onnxAdapter(modelBytes('mnist_net'), { ort: counter.ort, fileName: 'mnist_net.onnx' });
      for (const inputs of [
        [{ name: 'input', shape: [1, 1, 30, 30] }],
        [{ name: 'input', shape: [1, 28, 28] }],
        [{ name: 'input', shape: [1, 1, 28, 28], dtype: 'int32' }],
      ]) {
        const err = await rejection(summarize(model, { device: 'cpu', inputs }));
        // core refuses a rank change (INVALID_SHAPE); the adapter refuses fixed dims and dtypes the model does not take
        expect(['INVALID_INPUT', 'INVALID_SHAPE']).toContain(err.code);
        expect(err.message).toMatch(/input "input"/);
        console.log(`${JSON.stringify(inputs)} -> ${err.code}: ${err.message}`);
      }
      expect(counter.live()).toBe(0);
      await model.dispose();
    });

    test('negative dims: in an initializer and in a declared input', async () => {
      const proto = onnx.ModelProto.decode(modelBytes('mnist_net'));
      proto.graph!.initializer![0]!.dims = [10, -1, 5, 5];
      const badInit = onnx.ModelProto.encode(proto).finish();
      const e1 = await rejection(onnxAdapter(badInit, { ort: ortNode, fileName: 'neg.onnx' }));
      expect(e1.code).toBe('INVALID_MODEL');
      expect(e1.message).toMatch(/neg\.onnx: initializer "conv1\.weight" has an invalid dimension -1/);

      const proto2 = onnx.ModelProto.decode(modelBytes('mnist_net'));
      proto2.graph!.input![0]!.type!.tensorType!.shape!.dim![2] = { dimValue: -28 };
      const e2 = await rejection(onnxAdapter(onnx.ModelProto.encode(proto2).finish(), { ort: ortNode, fileName: 'neg.onnx' }));
      expect(e2.code).toBe('INVALID_MODEL');
      expect(e2.message).toMatch(/input "input" declares a negative dimension -28/);
    });

    test('an input over the memory guard: INPUT_TOO_LARGE before any session exists', async () => {
      const counter = countingOrt(ortNode);
      const model = await onnxAdapter(modelBytes('mnist_net_dynamic'), { ort: counter.ort, fileName: 'mnist_net_dynamic.onnx' });
      const err = await rejection(summarize(model, { device: 'cpu', batchSize: 1_000_000 }));
      expect(err.code).toBe('INPUT_TOO_LARGE');
      const err2 = await rejection(summarize(model, { device: 'cpu', maxInputBytes: 1000 }));
      expect(err2.code).toBe('INPUT_TOO_LARGE');
      expect(counter.created()).toBe(0);
      await model.dispose();
    });

    test('an execution provider that does not exist: DEVICE_UNAVAILABLE, no session left', async () => {
      const counter = countingOrt(ortNode);
      const model = await onnxAdapter(modelBytes('mnist_net'), { ort: counter.ort, fileName: 'mnist_net.onnx' });
      const err = await rejection(summarize(model, { device: 'no-such-ep' }));
      expect(err.code).toBe('DEVICE_UNAVAILABLE');
      expect(err.message).toContain('no-such-ep');
      expect(counter.live()).toBe(0);
    });
  }, MODELS_DIR);

  test('a forward pass that throws: FORWARD_FAILED naming what ran, session released', async () => {
    const counter = countingOrt(ortNode);
    const model = await onnxAdapter(failingModel(), { ort: counter.ort, fileName: 'failing.onnx' });
    const err = await rejection(summarize(model, { device: 'cpu' }));
    expect(err).toBeInstanceOf(ForwardPassError);
    expect(err.code).toBe('FORWARD_FAILED');
    expect(counter.created()).toBe(1);
    expect(counter.live()).toBe(0);
    // and the adapter still works afterwards with a fitting input
    const ok = await summarize(model, { device: 'cpu', inputs: [{ name: 'x', shape: [3] }] });
    expect(ok.layers.find((l) => l.id === 'reshape')!.outputShapes).toEqual([[3]]);
    expect(counter.live()).toBe(0);
    await model.dispose();
  });

  test('a model onnxruntime refuses (unknown op): INVALID_MODEL naming the file', async () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [{ name: 'n', opType: 'NoSuchOp', input: ['x'], output: ['y'] }],
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } } }],
        output: [{ name: 'y' }],
      },
    } as never).finish();
    const counter = countingOrt(ortNode);
    const model = await onnxAdapter(bytes, { ort: counter.ort, fileName: 'weird.onnx' });
    const err = await rejection(summarize(model, { device: 'cpu' }));
    expect(err.code).toBe('INVALID_MODEL');
    expect(err.message).toMatch(/weird\.onnx: onnxruntime could not load the model/);
    expect(counter.live()).toBe(0);
  });
});
