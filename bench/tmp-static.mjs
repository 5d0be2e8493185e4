import { onnxAdapter } from '@modelsummary/adapter-onnx';
import { summarize, formatSummary } from '@modelsummary/core';
import { chainModel } from './lib/synthetic.mjs';
const n = Number(process.argv[2] ?? 100000);
const bytes = chainModel(n);
const phases = {};
const lap = (k, t) => { phases[k] = (phases[k] ?? 0) + performance.now() - t; return performance.now(); };
for (let i = 0; i < 3; i++) {
  let t = performance.now(); const t0 = t;
  const model = await onnxAdapter(bytes, { run: false, fileName: `chain${n}.onnx` }); t = lap('adapter', t);
  const s = await summarize(model, { dims: { batch: 1 } }); t = lap('summarize', t);
  formatSummary(s, { format: 'table' }); t = lap('format', t);
  console.log(n, 'total', (performance.now() - t0).toFixed(0), 'ms', ((performance.now() - t0) * 1000 / n).toFixed(1), 'us/node');
}
console.log(Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, (v / 3).toFixed(0)])));
