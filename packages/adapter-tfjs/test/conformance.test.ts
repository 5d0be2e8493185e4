import { testAdapter } from '@modelsummary/core/testing';
import { tfjsAdapter } from '../src/index.js';
import { tf } from './helpers.js';

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
  summarizeOptions: { device: 'cpu', batchSize: 2 },
  expect: { params: 16 + 10, trainableParams: 26, device: 'cpu', minLayers: 5 },
});
