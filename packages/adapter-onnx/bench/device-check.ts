/**
 * One-shot device check (run on a machine with a GPU): every model summarized with device 'auto'
 * (webgpu / cuda / cpu fallback), compared with cpu, plus summarize ÷ plain create+run on each.
 * Usage: node device-check.mjs <models dir>
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { summarize } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import type { OrtModule } from '../src/runtime.js';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node') as OrtModule;
const dir = process.argv[2] ?? '.';
const dims: Record<string, number> = { 'p2o.DynamicDimension.1': 160, 'p2o.DynamicDimension.2': 160 };
console.log('backends:', JSON.stringify(ort.listSupportedBackends?.()));
const t = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const s = performance.now();
  const r = await fn();
  return [r, performance.now() - s];
};
for (const f of readdirSync(dir).filter((x) => x.endsWith('.onnx')).sort()) {
  const bytes = readFileSync(join(dir, f));
  const model = await onnxAdapter(bytes, { ort, fileName: f });
  try {
    for (const device of ['auto', 'cuda']) {
      try {
        const [gpu, tg] = await t(() => summarize(model, { device, dims }));
        const [cpu, tc] = await t(() => summarize(model, { device: 'cpu', dims }));
        const same = JSON.stringify(gpu.layers) === JSON.stringify(cpu.layers);
        console.log(`${f} [${device}]: device=${gpu.device} rows=${gpu.layers.length} params=${gpu.totals.params} macs=${gpu.totals.macs} same-rows-as-cpu=${same} summarize ${tg.toFixed(0)} ms (cpu ${tc.toFixed(0)} ms)`);
        for (const w of gpu.warnings.filter((x) => /ran on|provider/.test(x))) console.log(`   warning: ${w}`);
        if (gpu.device !== 'cpu') {
          const ep = gpu.device;
          const plain = async () => {
            const s = await (ort.InferenceSession.create as (b: Uint8Array, o: object) => Promise<{ run(f: object): Promise<unknown>; release(): Promise<void> }>)(bytes, { executionProviders: [ep] });
            const feeds: Record<string, unknown> = {};
            for (const i of gpu.inputs) feeds[i.name] = new ort.Tensor('float32', new Float32Array(i.bytes / 4), i.shape);
            await s.run(feeds);
            await s.release();
          };
          const a: number[] = [];
          const b: number[] = [];
          for (let k = 0; k < 3; k++) {
            b.push((await t(plain))[1]);
            a.push((await t(() => summarize(model, { device: ep, dims })))[1]);
          }
          const med = (x: number[]) => [...x].sort((p, q) => p - q)[1]!;
          console.log(`   ${ep}: summarize ${med(a).toFixed(1)} ms vs plain create+run ${med(b).toFixed(1)} ms, ratio ${(med(a) / med(b)).toFixed(2)}`);
        }
      } catch (e) {
        console.log(`${f} [${device}]: ERROR ${(e as Error).message.slice(0, 400)}`);
      }
    }
  } finally {
    await model.dispose();
  }
}
