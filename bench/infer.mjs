#!/usr/bin/env node
// Cost of the static shape inference (packages/adapter-onnx/src/infer) per node: synthetic chains of
// 1k / 10k / 100k nodes and the 7B decoder, inference only (the model is decoded before timing).
// Prints µs per node (median of runs, wall and CPU time) and the 100k ÷ 1k ratio: ≈ 1 is linear.
// A benchmark, not a test: nothing fails on a slow number. `node bench/infer.mjs` (no build needed:
// the sources are bundled with esbuild into a temp folder first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chainModel, decoder7BModel } from './lib/synthetic.mjs';
import { median } from './util.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ms-infer-bench-'));
try {
  await build({
    stdin: {
      contents: `export { inferShapes } from ${JSON.stringify(join(root, 'packages/adapter-onnx/src/infer/index.ts'))};
export { decodeModel } from ${JSON.stringify(join(root, 'packages/adapter-onnx/src/proto.ts'))};`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(dir, 'infer.mjs'),
    conditions: ['@modelsummary/source'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  const { inferShapes, decodeModel } = await import(pathToFileURL(join(dir, 'infer.mjs')).href);

  const measure = (label, bytes, runs) => {
    const graph = decodeModel(bytes, label).graph;
    const n = graph.node.length;
    for (let i = 0; i < (n >= 100_000 ? 1 : 5); i++) inferShapes(graph); // warm-up (JIT)
    const wall = [];
    const cpu = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      inferShapes(graph);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const row = { label, nodes: n, wallMs: median(wall), cpuMs: median(cpu) };
    row.usPerNode = (row.wallMs * 1000) / n;
    row.cpuUsPerNode = (row.cpuMs * 1000) / n;
    console.log(`${label.padEnd(28)} ${String(n).padStart(7)} nodes  ${row.wallMs.toFixed(1).padStart(8)} ms  ${row.usPerNode.toFixed(2).padStart(6)} µs/node (cpu ${row.cpuUsPerNode.toFixed(2)} µs/node)`);
    return row;
  };

  const rows = [];
  for (const n of [1_000, 10_000, 100_000]) rows.push(measure(`chain ${n}`, chainModel(n), n >= 100_000 ? 3 : 7));
  rows.push(measure('decoder 7B (value_info kept)', decoder7BModel(), 7));
  const ratio = rows[2].usPerNode / rows[0].usPerNode;
  const cpuRatio = rows[2].cpuUsPerNode / rows[0].cpuUsPerNode;
  console.log(`100k ÷ 1k µs/node: ${ratio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} cpu (1 = linear); goal ≤ 20 µs/node at 100k: ${rows[2].usPerNode <= 20 ? 'yes' : 'NO'}`);
  console.log(`BENCH_JSON ${JSON.stringify({ rows, ratio, cpuRatio })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
