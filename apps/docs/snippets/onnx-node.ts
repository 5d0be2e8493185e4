// #region example
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { formatSummary, summarize } from '@modelsummary/core';
import { onnxAdapter } from '@modelsummary/adapter-onnx';

const bytes = await readFile('mnist-cnn.onnx');
const model = await onnxAdapter(bytes, { ort, fileName: 'mnist-cnn.onnx' });
try {
  const summary = await summarize(model, { batchSize: 1 }); // device: 'auto' = GPU when there is one
  console.log(formatSummary(summary)); // the torchinfo-like text table
  console.log(`${summary.totals.params} params, ${summary.totals.macs} MACs, ran on ${summary.device}`);
} finally {
  await model.dispose?.(); // releases the onnxruntime session
}
// #endregion example
