import { summarize } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { activeHooks, tf } from './helpers.js';

describe('concurrent summaries of one tfjs model', () => {
  it('20 at once on one adapter equal the sequential ones; no hook or tensor left', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [8, 8, 1] }), tf.layers.flatten(), tf.layers.dense({ units: 3 })],
    });
    const adapter = tfjsAdapter(model, { tf });
    const before = tf.memory().numTensors;
    const batches = Array.from({ length: 20 }, (_, i) => 1 + (i % 3));
    const sequential = [];
    for (const batchSize of batches) sequential.push(await summarize(adapter, { device: 'cpu', batchSize }));
    const concurrent = await Promise.all(batches.map((batchSize) => summarize(adapter, { device: 'cpu', batchSize })));
    const rows = (s: Awaited<ReturnType<typeof summarize>>) => JSON.stringify(s.layers);
    expect(concurrent.map(rows)).toEqual(sequential.map(rows));
    expect(concurrent.map((s) => s.totals)).toEqual(sequential.map((s) => s.totals));
    expect(activeHooks(model)).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
