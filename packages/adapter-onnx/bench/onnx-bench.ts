/**
 * Ratios, not timed tests: summarize() time ÷ (session create + one run of the unmodified model),
 * on cpu (onnxruntime-node) and wasm (onnxruntime-web); decode + rewrite time per MB.
 * Run: npm run bench -w packages/adapter-onnx [-- model.onnx ...] (webgpu too with BENCH_WEBGPU=1).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { summarize } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { addGraphOutputs, decodeModel } from '../src/proto.js';
import { parseGraph } from '../src/graph.js';
import type { OrtModule } from '../src/runtime.js';

const require = createRequire(import.meta.url);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function plain(ort: OrtModule, bytes: Uint8Array, ep: string, inputs: { name: string; shape: number[] }[]): Promise<void> {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
  const feeds: Record<string, unknown> = {};
  for (const i of inputs) feeds[i.name] = new ort.Tensor('float32', new Float32Array(i.shape.reduce((a, b) => a * b, 1)), i.shape);
  await s.run(feeds as never);
  await s.release();
}

const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [new URL('../../../../shared/reference/models/mobilenet_v2.onnx', import.meta.url).pathname];
const node = require('onnxruntime-node') as OrtModule;
const web = (await import('onnxruntime-web')) as unknown as OrtModule;
const devices: [string, OrtModule, string][] = [
  ['cpu', node, 'cpu'],
  ['wasm', web, 'wasm'],
  ...(process.env.BENCH_WEBGPU ? ([['webgpu', node, 'webgpu']] as [string, OrtModule, string][]) : []),
];

for (const file of files) {
  const bytes = readFileSync(file);
  const mb = bytes.byteLength / 1e6;
  const decode: number[] = [];
  const rewrite: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    let g: ReturnType<typeof parseGraph> | undefined;
    decode.push(await time(() => (g = parseGraph(decodeModel(bytes, file), file))));
    rewrite.push(await time(() => addGraphOutputs(bytes, g!.nodes.flatMap((n) => n.outputs).filter((o) => o && !g!.outputs.includes(o)))));
  }
  console.log(`${file} (${mb.toFixed(2)} MB): decode+parse ${ms(median(decode))} (${(median(decode) / mb).toFixed(2)} ms/MB), rewrite ${ms(median(rewrite))} (${(median(rewrite) / mb).toFixed(2)} ms/MB)`);
  for (const [device, ort, ep] of devices) {
    const model0 = await onnxAdapter(bytes, { ort, fileName: file });
    const inputs = (await summarize(model0, { device: ep })).inputs.map((i) => ({ name: i.name, shape: i.shape.slice() }));
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      b.push(await time(() => plain(ort, bytes, ep, inputs)));
      a.push(
        await time(async () => {
          const m = await onnxAdapter(bytes, { ort, fileName: file });
          await summarize(m, { device: ep });
          await m.dispose?.();
        }),
      );
    }
    console.log(`  ${device}: summarize ${ms(median(a))}, plain create+run ${ms(median(b))}, ratio ${(median(a) / median(b)).toFixed(2)} (median of ${REPEAT})`);
  }
}
