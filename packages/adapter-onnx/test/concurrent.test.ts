import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize } from '@modelsummary/core';
import { describe, expect, test } from 'vitest';
import { onnxAdapter } from '../src/index.js';
import { countingOrt, ortNode } from './helpers.js';

const example = readFileSync(join(import.meta.dirname, '../../../examples/models/mnist-cnn.onnx'));

describe('concurrent summaries of one ONNX adapter', () => {
  test('20 at once equal the sequential ones; one session at a time; none left open', async () => {
    const counting = countingOrt(ortNode);
    const model = await onnxAdapter(example, { ort: counting.ort });
    const batches = Array.from({ length: 20 }, (_, i) => 1 + (i % 4));
    const sequential = [];
    for (const batchSize of batches) sequential.push(await summarize(model, { device: 'cpu', batchSize }));
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, counting.live())), 0);
    const concurrent = await Promise.all(batches.map((batchSize) => summarize(model, { device: 'cpu', batchSize })));
    clearInterval(watch);
    expect(concurrent.map((s) => JSON.stringify(s))).toEqual(sequential.map((s) => JSON.stringify(s)));
    expect(most).toBeLessThanOrEqual(1);
    expect(counting.live()).toBe(0);
    await model.dispose();
  });
});
