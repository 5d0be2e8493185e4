// #region example
import { formatSummary, summarize } from '@modelsummary/core';
import { tinyMlpAdapter, type TinyMlp } from './custom-adapter.js';

const dense = (name: string, inFeatures: number, outFeatures: number) => ({
  name, inFeatures, outFeatures, weights: new Float32Array(inFeatures * outFeatures).fill(0.01),
});
export const mlp: TinyMlp = { name: 'tiny', inputSize: 8, layers: [dense('fc1', 8, 16), dense('fc2', 16, 4)] };

const summary = await summarize(tinyMlpAdapter(mlp), { batchSize: 2 });
console.log(formatSummary(summary));
// Total params: 192 (8·16 + 16·4), mult-adds 2·(8·16) + 2·(16·4) = 384, device cpu
// #endregion example
