// GPU check for TF.js: nsfwjs's MobileNetV2 LayersModel summarized on the webgpu backend (Dawn
// through the `webgpu` package: Vulkan on an NVIDIA machine) and on cpu; same rows? wall times.
// Usage: node bench/gpu-tfjs.mjs [outDir]   (writes tfjs-webgpu.json, tfjs-cpu.json, tfjs-gpu-check.json)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSummaries } from './lib/compare-summaries.mjs';
import { nsfwArtifacts } from './tfjs.mjs';

const out = process.argv[2] ?? '.';
const quiet = async (fn) => {
  const { log, warn } = console;
  console.log = () => {};
  console.warn = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
    console.warn = warn;
  }
};
const t0 = performance.now();
const tf = await quiet(() => import('@tensorflow/tfjs-core'));
await import('@tensorflow/tfjs-backend-cpu');
const layers = await import('@tensorflow/tfjs-layers');
const { summarize, toJSON } = await import('@modelsummary/core');
const { tfjsAdapter } = await import('@modelsummary/adapter-tfjs');
const { setupNodeWebGPU } = await import('@modelsummary/adapter-tfjs/node');
const gpu = await setupNodeWebGPU({ tf });
console.log(`webgpu: ${JSON.stringify(gpu)} (setup ${(performance.now() - t0).toFixed(0)} ms)`);
const artifacts = await nsfwArtifacts();
const report = { webgpu: gpu, runs: {} };
const summaries = {};
for (const backend of ['webgpu', 'cpu']) {
  if (backend === 'webgpu' && !gpu.available) {
    report.runs.webgpu = { error: gpu.reason };
    continue;
  }
  try {
    await quiet(() => tf.setBackend(backend));
    await tf.ready();
    const times = [];
    let summary;
    for (let i = 0; i < 3; i += 1) {
      const t = performance.now();
      const model = await quiet(() => layers.loadLayersModel(tf.io.fromMemory(artifacts)));
      summary = await summarize(tfjsAdapter(model, { tf }), { device: backend });
      model.dispose();
      times.push(performance.now() - t);
    }
    summaries[backend] = toJSON(summary);
    writeFileSync(join(out, `tfjs-${backend}.json`), JSON.stringify(summaries[backend], null, 1));
    report.runs[backend] = { device: summary.device, rows: summary.layers.length, firstMs: times[0], warmMs: Math.min(...times.slice(1)), warnings: summary.warnings };
    console.log(`tfjs ${backend}: device=${summary.device} rows=${summary.layers.length} load+summarize first ${times[0].toFixed(0)} ms, warm ${Math.min(...times.slice(1)).toFixed(0)} ms`);
  } catch (e) {
    report.runs[backend] = { error: String(e?.stack ?? e).slice(0, 2000) };
    console.log(`tfjs ${backend}: ERROR ${String(e?.message ?? e).slice(0, 500)}`);
  }
}
if (summaries.webgpu && summaries.cpu) {
  report.compare = compareSummaries(summaries.webgpu, summaries.cpu);
  console.log(`tfjs webgpu vs cpu: same-rows=${report.compare.same}${report.compare.diffs.length ? `\n  ${report.compare.diffs.join('\n  ')}` : ''}`);
}
writeFileSync(join(out, 'tfjs-gpu-check.json'), JSON.stringify(report, null, 1));
process.exit(0); // Dawn keeps the loop alive
