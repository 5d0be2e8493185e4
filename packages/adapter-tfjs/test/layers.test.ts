import { summarize, type ModelSummary } from '@modelsummary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { activeHooks, noOwnCall, tf, tfjsSummaryTotals, tinyGraphModel } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Built = { model: tf.LayersModel; batch?: number };

const models: Record<string, () => Built> = {
  'sequential CNN': () => ({
    model: tf.sequential({
      name: 'cnn',
      layers: [
        tf.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [16, 16, 3], name: 'conv1' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax', name: 'head' }),
      ],
    }),
  }),
  'functional multi-input / multi-output': () => {
    const a = tf.input({ shape: [8], name: 'a' });
    const b = tf.input({ shape: [4], name: 'b' });
    const ha = tf.layers.dense({ units: 6, name: 'da' }).apply(a) as tf.SymbolicTensor;
    const hb = tf.layers.dense({ units: 6, name: 'db' }).apply(b) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate().apply([ha, hb]) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([ha, hb]) as tf.SymbolicTensor;
    const out1 = tf.layers.dense({ units: 3, name: 'out1' }).apply(merged) as tf.SymbolicTensor;
    const out2 = tf.layers.dense({ units: 1, name: 'out2' }).apply(sum) as tf.SymbolicTensor;
    return { model: tf.model({ inputs: [a, b], outputs: [out1, out2], name: 'multi' }) };
  },
  'nested model': () => {
    const inner = tf.sequential({ name: 'inner', layers: [tf.layers.dense({ units: 6, inputShape: [5] }), tf.layers.dense({ units: 4 })] });
    const x = tf.input({ shape: [5] });
    const y = tf.layers.dense({ units: 2, name: 'top' }).apply(inner.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
    return { model: tf.model({ inputs: x, outputs: y, name: 'outer' }) };
  },
  'shared layer': () => {
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const a = tf.input({ shape: [3], name: 'sa' });
    const b = tf.input({ shape: [3], name: 'sb' });
    const out = tf.layers.add().apply([shared.apply(a) as tf.SymbolicTensor, shared.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    return { model: tf.model({ inputs: [a, b], outputs: out, name: 'siamese' }) };
  },
  'frozen layers': () => {
    const frozen = tf.layers.dense({ units: 7, inputShape: [5], name: 'frozen', trainable: false });
    return { model: tf.sequential({ layers: [frozen, tf.layers.dense({ units: 2 })] }) };
  },
  'LSTM with returnState': () => {
    const x = tf.input({ shape: [5, 3] });
    const outs = tf.layers.lstm({ units: 4, returnState: true, returnSequences: true, name: 'lstm' }).apply(x) as tf.SymbolicTensor[];
    return { model: tf.model({ inputs: x, outputs: outs, name: 'lstm_state' }) };
  },
  'Embedding + GRU': () => ({
    model: tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 20, outputDim: 8, inputLength: 6, name: 'emb' }),
        tf.layers.gru({ units: 5, name: 'gru' }),
        tf.layers.dense({ units: 2 }),
      ],
    }),
  }),
  BatchNormalization: () => ({
    model: tf.sequential({
      layers: [tf.layers.dense({ units: 6, inputShape: [4] }), tf.layers.batchNormalization({ name: 'bn' }), tf.layers.dense({ units: 1 })],
    }),
  }),
};

/** [row id, layer] for every layer of the tree, as the adapter names them (input layers are not rows). */
function walk(container: { layers: tf.layers.Layer[] }, prefix = ''): [string, tf.layers.Layer][] {
  return container.layers.flatMap((layer) => {
    if (layer.getClassName() === 'InputLayer') return [];
    const id = `${prefix}${layer.name}`;
    const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
    return [[id, layer] as [string, tf.layers.Layer], ...(nested ? walk({ layers: nested }, `${id}/`) : [])];
  });
}

function expectedShapes(layer: tf.layers.Layer, batch: number): number[][] {
  const s = layer.outputShape as (number | null)[] | (number | null)[][];
  const list = Array.isArray(s[0]) || (s.length === 0) ? (s as (number | null)[][]) : [s as (number | null)[]];
  return list.map((shape) => shape.map((d, i) => (d === null && i === 0 ? batch : (d as number))));
}

describe('LayersModel summaries match TF.js model.summary()', () => {
  for (const [label, build] of Object.entries(models)) {
    it(label, async () => {
      const { model } = build();
      const backend = tf.getBackend();
      const tensorsBefore = tf.memory().numTensors;
      const summary: ModelSummary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu', batchSize: 2 });
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(tf.getBackend()).toBe(backend);
      expect(noOwnCall(model)).toBe(true);

      const want = tfjsSummaryTotals(model);
      expect(summary.totals.params).toBe(want.params);
      expect(summary.totals.trainableParams).toBe(want.trainableParams);
      expect(summary.totals.nonTrainableParams).toBe(want.nonTrainableParams);
      expect(summary.totals.paramBytes).toBe(want.params * 4);
      expect(summary.device).toBe('cpu');

      for (const [id, layer] of walk(model)) {
        const rows = summary.layers.filter((r) => r.id === id);
        expect(rows.length, id).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row.executed, id).toBe(true);
          expect(row.outputShapes, id).toEqual(expectedShapes(layer, 2));
          expect(row.type).toBe(layer.getClassName());
        }
      }
      const leaf = summary.layers.filter((r) => !r.isContainer);
      expect(leaf.every((r) => r.macs !== undefined), leaf.filter((r) => r.macs === undefined).map((r) => r.type).join()).toBe(true);
      model.dispose();
    });
  }

  it('reports each call of a shared layer, params owned by the first call', async () => {
    const { model } = models['shared layer']!();
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    const calls = summary.layers.filter((r) => r.id === 'shared');
    expect(calls.map((r) => r.callIndex)).toEqual([0, 1]);
    expect(calls.map((r) => r.params)).toEqual([16, 0]);
    model.dispose();
  });

  it('reports every output of an LSTM with returnState, and MACs from core formulas', async () => {
    const { model } = models['LSTM with returnState']!();
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    const lstm = summary.layers.find((r) => r.id === 'lstm')!;
    expect(lstm.outputShapes).toEqual([[1, 5, 4], [1, 4], [1, 4]]);
    expect(lstm.outputBytes).toBe((20 + 4 + 4) * 4);
    // torchinfo-style: T × B × (4H(I+H) + 4H) = 5 × (16 × 7 + 16)
    expect(lstm.macs).toBe(5 * (16 * 7 + 16));
    model.dispose();
  });

  it('fills int32 inputs with valid Embedding indices', async () => {
    const { model } = models['Embedding + GRU']!();
    const adapter = tfjsAdapter(model, { tf });
    const specs = [{ name: 'x', shape: [64, 6], dtype: 'int32', bytes: 64 * 6 * 4 }];
    const { tensors } = await adapter.createMockInputs(specs, 'cpu');
    const values = await tensors[0]!.data();
    expect(Math.max(...values)).toBeLessThan(20);
    expect(Math.max(...values)).toBeGreaterThan(0);
    expect(tensors[0]!.dtype).toBe('int32');
    await adapter.disposeInputs(tensors);
    model.dispose();
  });

  it('counts conv and dense MACs, nested rows under their model, measured peak bytes', async () => {
    const { model } = models['sequential CNN']!();
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    const conv1 = summary.layers.find((r) => r.id === 'conv1')!;
    expect(conv1.macs).toBe(14 * 14 * 8 * 3 * 9 + 14 * 14 * 8);
    expect(conv1.attributes?.kernelSize).toEqual([3, 3]);
    const head = summary.layers.find((r) => r.id === 'head')!;
    expect(head.macs).toBe(10 * (7 * 7 * 16) + 10);
    expect(summary.memory.measuredPeakBytes).toBeGreaterThan(0);
    model.dispose();

    const nested = models['nested model']!().model;
    const s2 = await summarize(tfjsAdapter(nested, { tf }), { device: 'cpu' });
    const inner = s2.layers.find((r) => r.id === 'inner')!;
    expect(inner.isContainer).toBe(true);
    expect(s2.layers.filter((r) => r.parentId === 'inner').length).toBe(2);
    expect(s2.layers.filter((r) => r.parentId === 'inner').every((r) => r.depth === 1)).toBe(true);
    nested.dispose();
  });
});

describe('nested models: params owned once, sharedWith only between unrelated layers', () => {
  it('a nested Sequential: children own the weights, nobody lists sharedWith', async () => {
    const { model } = models['nested model']!();
    const records = await tfjsAdapter(model, { tf }).listLayers();
    expect(records.filter((r) => r.sharedWith !== undefined)).toEqual([]);
    const inner = records.find((r) => r.id === 'inner')!;
    expect(inner.params).toBe(0);
    expect(records.filter((r) => r.parentId === 'inner').map((r) => r.params)).toEqual([5 * 6 + 6, 6 * 4 + 4]);
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    expect(summary.layers.every((r) => r.sharedWith === undefined || r.sharedWith.length === 0)).toBe(true);
    expect(summary.totals.params).toBe(model.countParams());
    model.dispose();
  });

  it('a layer used both inside a nested model and outside it: both listings share, the container does not', async () => {
    const shared = tf.layers.dense({ units: 3, name: 'shared', inputShape: [3] });
    const inner = tf.sequential({ name: 'inner', layers: [shared, tf.layers.dense({ units: 3, name: 'own' })] });
    const x = tf.input({ shape: [3], name: 'x' });
    const a = shared.apply(x) as tf.SymbolicTensor;
    const y = inner.apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: y, name: 'reuse' });
    const records = await tfjsAdapter(model, { tf }).listLayers();
    const top = records.find((r) => r.id === 'shared')!;
    const nestedShared = records.find((r) => r.id === 'inner/shared')!;
    expect(top.sharedWith).toEqual(['inner/shared']);
    expect(nestedShared.sharedWith).toEqual(['shared']);
    expect(records.find((r) => r.id === 'inner')!.sharedWith).toBeUndefined();
    expect(records.find((r) => r.id === 'inner/own')!.sharedWith).toBeUndefined();
    expect(top.params + nestedShared.params).toBe(12);
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    // shared weights count once (TF.js's model.summary() counts the shared layer in both places: 36)
    expect(summary.totals.params).toBe(12 + 12);
    expect(summary.layers.reduce((n, r) => n + r.params, 0)).toBe(24);
    model.dispose();
  });
});

describe('input layers are not rows (the input is counted once, in inputBytes)', () => {
  it('functional model: activationBytes = Σ non-input layer outputs, no InputLayer row', async () => {
    const x = tf.input({ shape: [8], name: 'x' });
    const h = tf.layers.dense({ units: 6, name: 'h' }).apply(x) as tf.SymbolicTensor;
    const y = tf.layers.dense({ units: 2, name: 'y' }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: y, name: 'small' });
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu', batchSize: 3 });
    expect(summary.layers.map((r) => r.type)).toEqual(['Dense', 'Dense']);
    expect(summary.inputs.map((i) => i.bytes)).toEqual([3 * 8 * 4]);
    expect(summary.memory.inputBytes).toBe(3 * 8 * 4);
    expect(summary.memory.activationBytes).toBe((3 * 6 + 3 * 2) * 4);
    expect(summary.memory.totalBytes).toBe(3 * 8 * 4 + (3 * 6 + 3 * 2) * 4 + model.countParams() * 4);
    expect(summary.warnings.join('\n')).not.toMatch(/never executed/);
    model.dispose();
  });

  it('a nested functional model: no InputLayer rows at any depth, nothing "never executed", totals = model.summary()', async () => {
    const ix = tf.input({ shape: [4], name: 'ix' });
    const inner = tf.model({ inputs: ix, outputs: tf.layers.dense({ units: 5, name: 'id' }).apply(ix) as tf.SymbolicTensor, name: 'innerf' });
    const x = tf.input({ shape: [4], name: 'ox' });
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1, name: 'od' }).apply(inner.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor });
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    expect(summary.layers.map((r) => r.id)).toEqual(['innerf', 'innerf/id', 'od']);
    expect(summary.layers.every((r) => r.executed)).toBe(true);
    expect(summary.warnings.join('\n')).not.toMatch(/never executed/);
    expect(summary.memory.activationBytes).toBe((5 + 1) * 4);
    const want = tfjsSummaryTotals(model);
    expect(summary.totals.params).toBe(want.params);
    expect(summary.totals.trainableParams).toBe(want.trainableParams);
    model.dispose();
  });
});

describe('MACs: one convention with core and the ONNX adapter', () => {
  it('layers: Softmax 0, Maximum / Minimum 0 (core ZERO_MAC_OPS), merges = elements × (inputs − 1)', async () => {
    const a = tf.input({ shape: [4], name: 'ma' });
    const b = tf.input({ shape: [4], name: 'mb' });
    const c = tf.input({ shape: [4], name: 'mc' });
    const add3 = tf.layers.add({ name: 'add3' }).apply([a, b, c]) as tf.SymbolicTensor;
    const mul = tf.layers.multiply({ name: 'mul' }).apply([add3, b]) as tf.SymbolicTensor;
    const avg = tf.layers.average({ name: 'avg' }).apply([mul, c]) as tf.SymbolicTensor;
    const max = tf.layers.maximum({ name: 'max' }).apply([avg, a]) as tf.SymbolicTensor;
    const min = tf.layers.minimum({ name: 'min' }).apply([max, b]) as tf.SymbolicTensor;
    const soft = tf.layers.softmax({ name: 'soft' }).apply(min) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b, c], outputs: soft });
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu', batchSize: 2 });
    const macs = Object.fromEntries(summary.layers.map((r) => [r.id, r.macs]));
    expect(macs).toEqual({ add3: 8 * 2, mul: 8, avg: 8, max: 0, min: 0, soft: 0 });
    model.dispose();
  });

  it('graph: Softmax / Maximum 0, AddN = elements × 2, Mul of activations = elements', async () => {
    const model = await tinyGraphModel();
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu', batchSize: 2 });
    const macs = Object.fromEntries(summary.layers.filter((r) => r.type !== 'scope').map((r) => [r.id, r.macs]));
    expect(macs).toEqual({
      'dense/MatMul': 2 * 3 * 4,
      'dense/Relu': 0,
      'dense/Neg': 0,
      'dense/Max': 0,
      'merge/AddN': 8 * 2,
      'merge/Mul': 8,
      'out/Softmax': 0,
    });
    model.dispose();
  });
});

describe('hooks are counted and removed', () => {
  it('activeHooks sees every hooked layer (nested too) while hooks are in place, 0 after', async () => {
    const { model } = models['nested model']!();
    const adapter = tfjsAdapter(model, { tf });
    expect(activeHooks(model)).toBe(0);
    const remove = await adapter.registerHooks(() => {});
    // inner, inner/dense, inner/dense, top
    expect(activeHooks(model)).toBe(4);
    await remove();
    expect(activeHooks(model)).toBe(0);
    expect(noOwnCall(model)).toBe(true);
    model.dispose();
  });
});
