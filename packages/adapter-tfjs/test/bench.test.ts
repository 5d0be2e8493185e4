// Benchmark, not a timed test: runs only with MODELSUMMARY_BENCH=1
//   MODELSUMMARY_BENCH=1 npx vitest run --project adapter-tfjs test/bench.test.ts
// Hooked summarize time ÷ plain predict time on nsfwjs's MobileNetV2 LayersModel, per backend.
import '@tensorflow/tfjs-backend-wasm';
import { summarize } from '@modelsummary/core';
import { describe, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { setupNodeWebGPU } from '../src/node.js';
import { nsfwLayersModel, tf } from './helpers.js';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;

describe.runIf(process.env.MODELSUMMARY_BENCH === '1')('bench: summarize ÷ predict (MobileNetV2 layers)', () => {
  it('cpu, wasm, webgpu', { timeout: 600_000 }, async () => {
    const runs = Number(process.env.MODELSUMMARY_BENCH_RUNS ?? 5);
    const gpu = await setupNodeWebGPU({ tf });
    await tf.setBackend('cpu');
    const model = await nsfwLayersModel();
    const results: Record<string, unknown>[] = [];
    for (const backend of ['cpu', 'wasm', ...(gpu.available ? ['webgpu'] : [])]) {
      await tf.setBackend(backend);
      const x = tf.randomUniform([1, 224, 224, 3]);
      const predict = async () => {
        const t0 = performance.now();
        const y = model.predict(x) as tf.Tensor;
        await y.data();
        y.dispose();
        return performance.now() - t0;
      };
      const hooked = async (measureMemory: boolean) => {
        const t0 = performance.now();
        await summarize(tfjsAdapter(model, { tf, measureMemory }), { device: backend });
        return performance.now() - t0;
      };
      await predict();
      await hooked(true);
      const p: number[] = [];
      const s: number[] = [];
      const sNoProfile: number[] = [];
      for (let i = 0; i < runs; i++) {
        p.push(await predict());
        s.push(await hooked(true));
        sNoProfile.push(await hooked(false));
      }
      x.dispose();
      results.push({
        backend,
        'predict ms': median(p).toFixed(1),
        'summarize ms': median(s).toFixed(1),
        ratio: (median(s) / median(p)).toFixed(2),
        'ratio without tf.profile': (median(sNoProfile) / median(p)).toFixed(2),
      });
    }
    await tf.setBackend('cpu');
    console.log(`webgpu: ${JSON.stringify(gpu)}`);
    console.table(results);
    model.dispose();
  });
});
