#!/usr/bin/env node
/**
 * Builds the small example models with the project's own toolchain, deterministically:
 *   models/mnist-cnn.onnx         an ONNX CNN (opset 13) encoded with the onnx-proto package:
 *                                 Conv → Relu → MaxPool → Conv → Relu → MaxPool → Flatten → Gemm
 *   models/tfjs-cnn/model.json    a TF.js layers model (same shape of network) saved with
 *   models/tfjs-cnn/*.bin         tf.io.withSaveHandler, artifacts written here
 * Weights come from a seeded generator, so a rebuild reproduces the committed files byte for byte.
 *
 *   node examples/build.mjs            write into examples/models
 *   node examples/build.mjs --out DIR  write into DIR (the tests compare DIR with examples/models)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? resolve(process.argv[outFlag + 1] ?? '') : join(here, 'models');

/** Deterministic floats in [-scale, scale): a 32-bit LCG. */
function seeded(seed) {
  let x = seed >>> 0;
  return (n, scale) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      a[i] = ((x / 4294967296) * 2 - 1) * scale;
    }
    return a;
  };
}

// ---------------------------------------------------------------------------------------------
// ONNX CNN

async function buildOnnx() {
  const { onnx } = (await import('onnx-proto')).default;
  const FLOAT = 1;
  const INT = 2;
  const INTS = 7;
  const rand = seeded(13);
  const dims = (shape) => ({ dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) });
  const valueInfo = (name, shape) => ({ name, type: { tensorType: { elemType: FLOAT, shape: dims(shape) } } });
  const weight = (name, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? n / shape[0] : 1;
    const data = rand(n, 1 / Math.sqrt(fanIn));
    return { name, dims: shape, dataType: FLOAT, rawData: new Uint8Array(data.buffer) };
  };
  const ints = (name, values) => ({ name, type: INTS, ints: values });
  const int = (name, value) => ({ name, type: INT, i: value });
  const conv = (scope, x, w, b, y) => ({
    name: `/${scope}/Conv`, opType: 'Conv', input: [x, w, b], output: [y],
    attribute: [ints('dilations', [1, 1]), int('group', 1), ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [1, 1])],
  });
  const pool = (scope, x, y) => ({
    name: `/${scope}/MaxPool`, opType: 'MaxPool', input: [x], output: [y],
    attribute: [ints('kernel_shape', [2, 2]), ints('pads', [0, 0, 0, 0]), ints('strides', [2, 2])],
  });
  const model = {
    irVersion: 7,
    producerName: 'modelsummary-examples',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'mnist_cnn',
      input: [valueInfo('image', ['batch', 1, 28, 28])],
      output: [valueInfo('logits', ['batch', 10])],
      initializer: [
        weight('features.conv1.weight', [8, 1, 3, 3]),
        weight('features.conv1.bias', [8]),
        weight('features.conv2.weight', [16, 8, 3, 3]),
        weight('features.conv2.bias', [16]),
        weight('classifier.weight', [10, 784]),
        weight('classifier.bias', [10]),
      ],
      node: [
        conv('features/conv1', 'image', 'features.conv1.weight', 'features.conv1.bias', '/features/conv1/Conv_output_0'),
        { name: '/features/relu1/Relu', opType: 'Relu', input: ['/features/conv1/Conv_output_0'], output: ['/features/relu1/Relu_output_0'] },
        pool('features/pool1', '/features/relu1/Relu_output_0', '/features/pool1/MaxPool_output_0'),
        conv('features/conv2', '/features/pool1/MaxPool_output_0', 'features.conv2.weight', 'features.conv2.bias', '/features/conv2/Conv_output_0'),
        { name: '/features/relu2/Relu', opType: 'Relu', input: ['/features/conv2/Conv_output_0'], output: ['/features/relu2/Relu_output_0'] },
        pool('features/pool2', '/features/relu2/Relu_output_0', '/features/pool2/MaxPool_output_0'),
        { name: '/Flatten', opType: 'Flatten', input: ['/features/pool2/MaxPool_output_0'], output: ['/Flatten_output_0'], attribute: [int('axis', 1)] },
        {
          name: '/classifier/Gemm', opType: 'Gemm', input: ['/Flatten_output_0', 'classifier.weight', 'classifier.bias'], output: ['logits'],
          attribute: [{ name: 'alpha', type: 1, f: 1 }, { name: 'beta', type: 1, f: 1 }, int('transB', 1)],
        },
      ],
    },
  };
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`ONNX model does not verify: ${err}`);
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

// ---------------------------------------------------------------------------------------------
// TF.js layers model

async function buildTfjs() {
  const warn = console.warn;
  // tfjs's CPU backend greets Node users on its first tensor; keep the build quiet.
  console.warn = (...args) => (String(args[0]).includes('running TensorFlow.js in Node.js') ? undefined : warn(...args));
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const rand = seeded(7);
  const model = tf.sequential({ name: 'tfjs_cnn' });
  model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dropout({ name: 'dropout', rate: 0.25 }));
  model.add(tf.layers.dense({ name: 'dense', units: 10, activation: 'softmax' }));
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const fresh = weights.map((w) => tf.tensor(rand(w.size, 1 / Math.sqrt(Math.max(1, w.size / w.shape[w.shape.length - 1]))), w.shape, 'float32'));
    layer.setWeights(fresh);
    fresh.forEach((t) => t.dispose());
  }
  let saved;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const shard = 'group1-shard1of1.bin';
  const modelJson = {
    format: saved.format,
    generatedBy: saved.generatedBy,
    convertedBy: saved.convertedBy ?? null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [shard], weights: saved.weightSpecs }],
  };
  const data = saved.weightData instanceof ArrayBuffer ? new Uint8Array(saved.weightData) : new Uint8Array(tf.io.concatenateArrayBuffers(saved.weightData));
  model.dispose();
  return { json: `${JSON.stringify(modelJson, null, 2)}\n`, shard, data };
}

const onnxBytes = await buildOnnx();
const tfjs = await buildTfjs();
mkdirSync(join(out, 'tfjs-cnn'), { recursive: true });
writeFileSync(join(out, 'mnist-cnn.onnx'), onnxBytes);
writeFileSync(join(out, 'tfjs-cnn', 'model.json'), tfjs.json);
writeFileSync(join(out, 'tfjs-cnn', tfjs.shard), tfjs.data);
console.log(`wrote ${out}: mnist-cnn.onnx (${onnxBytes.byteLength} B), tfjs-cnn/model.json + ${tfjs.shard} (${tfjs.data.byteLength} B)`);
