// #region example
import { testAdapter } from '@modelsummary/core/testing';
import { tinyMlpAdapter, type TinyMlp } from '../snippets/custom-adapter.js';

const dense = (name: string, inFeatures: number, outFeatures: number) => ({
  name, inFeatures, outFeatures, weights: new Float32Array(inFeatures * outFeatures).fill(0.01),
});
const good: TinyMlp = { name: 'tiny', inputSize: 8, layers: [dense('fc1', 8, 16), dense('fc2', 16, 4)] };
// fc2 expects 32 features but gets 16: run() throws, which the suite uses to check the cleanup.
const broken: TinyMlp = { name: 'broken', inputSize: 8, layers: [dense('fc1', 8, 16), dense('fc2', 32, 4)] };

await testAdapter({
  name: 'tiny-mlp',
  create: () => tinyMlpAdapter(good),
  createFailing: () => tinyMlpAdapter(broken),
  summarizeOptions: { batchSize: 2 },
  expect: { params: 8 * 16 + 16 * 4, trainableParams: 192, device: 'cpu', minLayers: 2 },
});
// #endregion example
