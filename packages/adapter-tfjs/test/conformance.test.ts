import { testAdapter } from '@modelsummary/core/testing';
import { tfjsAdapter } from '../src/index.js';
import { activeHooks, tf, tinyGraphModel } from './helpers.js';

class Thrower extends tf.layers.Layer {
  static className = 'ConformanceThrower';
  override computeOutputShape(shape: tf.Shape | tf.Shape[]) {
    return shape;
  }
  override call(): tf.Tensor {
    throw new Error('conformance: thrown on purpose');
  }
}

await tf.setBackend('cpu');

const shared = () => {
  const dense = tf.layers.dense({ units: 4, name: 'shared_dense' });
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [3], name: 'b' });
  const out = tf.layers.add().apply([dense.apply(a) as tf.SymbolicTensor, dense.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 2 }).apply(out) as tf.SymbolicTensor, name: 'conformance' });
};

// One model each, made before the suite counts tensors: fresh adapters over the same models.
const model = shared();
const failing = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), new Thrower({})] });

await testAdapter({
  name: 'tfjs LayersModel',
  create: () => tfjsAdapter(model, { tf }),
  createFailing: () => tfjsAdapter(failing, { tf }),
  liveTensors: () => tf.memory().numTensors,
  activeHooks: () => activeHooks(model, failing),
  summarizeOptions: { device: 'cpu', batchSize: 2 },
  expect: { params: 16 + 10, trainableParams: 26, device: 'cpu', minLayers: 3 },
});

// A functional model with a Sequential inside it; the failing one throws inside the nested model.
const nestedModel = (thrower: boolean) => {
  const inner = tf.sequential({
    name: thrower ? 'inner_failing' : 'inner',
    layers: [tf.layers.dense({ units: 6, inputShape: [5] }), ...(thrower ? [new Thrower({})] : []), tf.layers.dense({ units: 4 })],
  });
  const x = tf.input({ shape: [5] });
  const y = tf.layers.dense({ units: 2, name: 'top' }).apply(inner.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y, name: thrower ? 'outer_failing' : 'outer' });
};
const nested = nestedModel(false);
const nestedFailing = nestedModel(true);

await testAdapter({
  name: 'tfjs nested LayersModel',
  create: () => tfjsAdapter(nested, { tf }),
  createFailing: () => tfjsAdapter(nestedFailing, { tf }),
  liveTensors: () => tf.memory().numTensors,
  activeHooks: () => activeHooks(nested, nestedFailing),
  summarizeOptions: { device: 'cpu', batchSize: 3 },
  expect: { params: 5 * 6 + 6 + 6 * 4 + 4 + 4 * 2 + 2, trainableParams: 74, device: 'cpu', minLayers: 4 },
});

// A GraphModel built in memory (tiny: loads in milliseconds); the failing one reshapes to an impossible shape.
const graph = await tinyGraphModel();
const graphFailing = await tinyGraphModel(true);

await testAdapter({
  name: 'tfjs GraphModel',
  create: () => tfjsAdapter(graph, { tf }),
  createFailing: () => tfjsAdapter(graphFailing, { tf }),
  liveTensors: () => tf.memory().numTensors,
  summarizeOptions: { device: 'cpu', batchSize: 2 },
  expect: { params: 12, device: 'cpu', minLayers: 7 },
});
