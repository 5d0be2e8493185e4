// #region example
import * as tf from '@tensorflow/tfjs';
import { formatSummary, summarize } from '@modelsummary/core';
import { tfjsAdapter } from '@modelsummary/adapter-tfjs';

const model = tf.sequential({
  name: 'mlp',
  layers: [
    tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu', name: 'hidden' }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.dense({ units: 10, activation: 'softmax', name: 'logits' }),
  ],
});

const summary = await summarize(tfjsAdapter(model, { tf }), { batchSize: 32 });
console.log(formatSummary(summary, { format: 'markdown' }));
console.log(`${summary.totals.params} params (${summary.totals.trainableParams} trainable) on ${summary.device}`);
// #endregion example
