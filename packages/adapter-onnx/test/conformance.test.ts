import { readFileSync } from 'node:fs';
import { testAdapter } from '@modelsummary/core/testing';
import { onnxAdapter } from '../src/index.js';
import { failingModel } from './build.js';
import { MODELS_DIR, countingOrt, modelBytes, ocrModels, ortNode, ortWeb, referenceAvailable } from './helpers.js';

// Live onnxruntime sessions stand in for "live tensors": every path must release its session.
const node = countingOrt(ortNode);
const web = countingOrt(await ortWeb());

if (referenceAvailable('onnx conformance (onnxruntime-node, multi_input.onnx)', MODELS_DIR)) {
  await testAdapter({
    name: 'onnx (onnxruntime-node, multi_input.onnx)',
    create: () => onnxAdapter(modelBytes('multi_input'), { ort: node.ort, fileName: 'multi_input.onnx' }),
    createFailing: () => onnxAdapter(failingModel(), { ort: node.ort, fileName: 'failing.onnx' }),
    liveTensors: node.live,
    summarizeOptions: { device: 'cpu' },
    expect: { params: 10, device: 'cpu', minLayers: 4 },
  });
}

await testAdapter({
  name: 'onnx (onnxruntime-web wasm, PP-OCR cls)',
  create: () => onnxAdapter(readFileSync(ocrModels.cls), { ort: web.ort, fileName: 'cls.onnx' }),
  createFailing: () => onnxAdapter(failingModel(), { ort: web.ort, fileName: 'failing.onnx' }),
  liveTensors: web.live,
  summarizeOptions: { device: 'cpu', dims: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
  // the failing model has other dims: an unknown dim name is an error of its own
  failingSummarizeOptions: { device: 'cpu' },
  expect: { device: 'wasm', minLayers: 100 },
});
