// ONNX benchmarks, in process: summarize() ÷ (load + one plain forward) on onnxruntime-node cpu and
// onnxruntime-web wasm (mobilenet_v2), and scale on synthetic graphs (1k / 10k / 100k nodes,
// static and run-based): µs per node. Uses the built packages (dist).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatSummary, summarize } from '@modelsummary/core';
import { onnxAdapter } from '@modelsummary/adapter-onnx';
import { nodeProfileStore } from '@modelsummary/adapter-onnx/node';
import { chainModel } from './lib/synthetic.mjs';
import { median } from './util.mjs';

const require = createRequire(import.meta.url);
export const MOBILENET = process.env.BENCH_MOBILENET ?? new URL('../../shared/reference/models/mobilenet_v2.onnx', import.meta.url).pathname;

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function runtimes() {
  const node = require('onnxruntime-node');
  const web = await import('onnxruntime-web');
  web.env.wasm.numThreads = 1; // as the CLI does: same on Node, Bun, Deno
  return [
    ['onnxruntime-node cpu', node, 'cpu'],
    ['onnxruntime-web wasm', web, 'wasm'],
  ];
}

async function plainPass(ort, bytes, ep) {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
  const feeds = {};
  for (const m of s.inputMetadata) {
    const shape = m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    feeds[m.name] = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  }
  const out = await s.run(feeds);
  for (const t of Object.values(out)) t.dispose?.();
  await s.release();
}

/** A summary as the CLI makes it: with onnxruntime-node, observed through its profiler (`/node`'s store). */
async function summaryPass(ort, bytes, ep, options = {}) {
  const model = await onnxAdapter(bytes, { ort, fileName: 'model.onnx', ...(ort === require('onnxruntime-node') ? { profiles: nodeProfileStore() } : {}) });
  try {
    return await summarize(model, { device: ep, ...options });
  } finally {
    await model.dispose();
  }
}

/** Interleaved samples (plain, ours) so that machine noise hits both alike. */
async function ratio(plain, ours, runs) {
  await plain();
  await ours();
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i += 1) {
    a.push(await time(plain));
    b.push(await time(ours));
  }
  return { plainMs: median(a), oursMs: median(b) };
}

export async function benchOnnxOverhead({ runs = 9 } = {}) {
  if (!existsSync(MOBILENET)) return { skipped: `no ${MOBILENET} (reference models absent)` };
  const bytes = readFileSync(MOBILENET);
  const rows = [];
  for (const [label, ort, ep] of await runtimes()) {
    const r = await ratio(() => plainPass(ort, bytes, ep), () => summaryPass(ort, bytes, ep), runs);
    rows.push({ name: `onnx mobilenet_v2 summarize ÷ load+run, ${label}`, ...r, ratio: r.oursMs / r.plainMs, runs });
  }
  return { rows };
}

export async function benchOnnxScale({ sizes = [1_000, 10_000, 100_000], runBasedMax = 100_000 } = {}) {
  const node = require('onnxruntime-node');
  const rows = [];
  for (const n of sizes) {
    const bytes = chainModel(n);
    const runs = n >= 100_000 ? 3 : 5;
    // static: decode + parse + summarize + format the table (what `--static` does, minus the process)
    const stat = async () => {
      const model = await onnxAdapter(bytes, { run: false, fileName: `chain${n}.onnx` });
      const s = await summarize(model, { dims: { batch: 1 } });
      formatSummary(s, { format: 'table' });
    };
    await stat();
    const st = [];
    for (let i = 0; i < runs; i += 1) st.push(await time(stat));
    rows.push({ name: `onnx scale static ${n} nodes`, nodes: n, mode: 'static', ms: median(st), usPerNode: (median(st) * 1000) / n, runs });
    if (n <= runBasedMax) {
      const runRuns = n >= 100_000 ? 1 : n >= 10_000 ? 2 : 3;
      const run = async () => {
        const s = await summaryPass(node, bytes, 'cpu', { dims: { batch: 1 } });
        formatSummary(s, { format: 'table' });
      };
      const plain = () => plainPass(node, bytes, 'cpu');
      if (n < 100_000) {
        await run();
        await plain();
      }
      const rt = [];
      const pt = [];
      for (let i = 0; i < runRuns; i += 1) {
        pt.push(await time(plain));
        rt.push(await time(run));
      }
      rows.push({
        name: `onnx scale run-based ${n} nodes (ort-node cpu)`,
        nodes: n,
        mode: 'run',
        ms: median(rt),
        usPerNode: (median(rt) * 1000) / n,
        plainMs: median(pt),
        ratio: median(rt) / median(pt),
        runs: runRuns,
      });
    }
  }
  return { rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchOnnxOverhead(), null, 1));
  console.log(JSON.stringify(await benchOnnxScale({ sizes: (process.argv[2] ?? '1000,10000').split(',').map(Number) }), null, 1));
}
