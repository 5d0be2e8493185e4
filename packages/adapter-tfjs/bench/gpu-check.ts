// One-file GPU check for a machine without node_modules (a real NVIDIA GPU): bundle, carry, run.
//   npx esbuild packages/adapter-tfjs/bench/gpu-check.ts --bundle --platform=node --format=esm --target=node20 \
//     --conditions=@modelsummary/source --external:webgpu --outfile=artifacts/gpucheck/check.mjs \
//     --banner:js="import { createRequire } from 'module'; const require = createRequire(import.meta.url);"
//   node artifacts/gpucheck/check.mjs   (needs node_modules/webgpu beside it: index.js, package.json, dist/linux-x64)
import * as tf from '@tensorflow/tfjs';
import { summarize } from '@modelsummary/core';
import { tfjsAdapter } from '../src/index.ts';
import { setupNodeWebGPU } from '../src/node.ts';
// @ts-ignore
import modelJson from '../../../node_modules/nsfwjs/dist/esm/models/mobilenet_v2/model.min.js';
// @ts-ignore
import shard from '../../../node_modules/nsfwjs/dist/esm/models/mobilenet_v2/group1-shard1of1.min.js';

const gpu = await setupNodeWebGPU({ tf });
console.log('setup', JSON.stringify(gpu));
await tf.setBackend('cpu');
const buf = Buffer.from(shard, 'base64');
const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest.flatMap((g: any) => g.weights), weightData: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) }));
const rows = (s: any) => JSON.stringify(s.layers.map((r: any) => [r.id, r.outputShapes, r.params, r.macs]));
let t0 = performance.now();
const cpu = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
console.log('cpu summarize ms', (performance.now() - t0).toFixed(0), 'params', cpu.totals.params, 'macs', cpu.totals.macs);
const x0 = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 7);
const ycpu = await (tf.tidy(() => model.predict(x0)) as tf.Tensor).data();
if (gpu.available) {
  for (const batch of [1, 8]) {
    t0 = performance.now();
    const g = await summarize(tfjsAdapter(model, { tf }), { device: 'gpu', batchSize: batch });
    console.log(`gpu batch ${batch} summarize ms`, (performance.now() - t0).toFixed(0), 'device', g.device, 'backend after', tf.getBackend(), 'warnings', g.warnings);
    if (batch === 1) console.log('rows equal cpu:', rows(g) === rows(cpu));
  }
  await tf.setBackend('webgpu');
  const x = x0;
  const yc = await (tf.tidy(() => model.predict(x)) as tf.Tensor).data();
  for (let i = 0; i < 3; i++) { t0 = performance.now(); const y = model.predict(x) as tf.Tensor; await y.data(); y.dispose(); console.log('webgpu predict ms', (performance.now() - t0).toFixed(1)); }
  t0 = performance.now();
  await summarize(tfjsAdapter(model, { tf }), { device: 'gpu' });
  console.log('webgpu summarize ms (warm)', (performance.now() - t0).toFixed(1));
  console.log('max |webgpu - cpu| of outputs', Math.max(...[...yc].map((v, i) => Math.abs(v - ycpu[i]!))));
}
