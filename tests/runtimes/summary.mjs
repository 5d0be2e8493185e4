// Runs under Node, Bun and Deno against the BUILT packages (what each runtime really loads) and
// prints the schema-v1 JSON of a mock model's summary. The vitest suite compares the three outputs.
import { formatSummary, summarize } from '@modelsummary/core';
import { createMockModel } from '@modelsummary/core/testing';

const model = createMockModel({
  name: 'RuntimeProbe',
  inputs: [{ name: 'x', shape: [null, 3, 8, 8], dtype: 'float32' }],
  layers: [
    { id: 'block', type: 'Sequential' },
    { id: 'conv', parentId: 'block', type: 'Conv2d', params: 224, trainableParams: 224, calls: [{ outputs: [{ shape: [null, 8, 8, 8] }], macs: 110_592 }] },
    { id: 'shared', type: 'Dense', params: 20, trainableParams: 20, calls: [{ outputs: [{ shape: [null, 4] }], macs: 20 }, { outputs: [{ shape: [null, 4] }], macs: 20 }] },
    { id: 'lstm', type: 'LSTM', params: 96, trainableParams: 0, outputs: [{ shape: [null, 4] }, { shape: [null, 4] }, { shape: [null, 4], dtype: 'float16' }] },
  ],
});
const summary = await summarize(model, { batchSize: 2 });
const format = (globalThis.process?.argv ?? []).includes('--table') ? 'table' : 'json';
console.log(formatSummary(summary, { format }));
