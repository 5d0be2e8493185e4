// Whole-process timing: wall time from spawn to exit, peak RSS from the preloaded lib/maxrss.cjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../util.mjs';

const preload = fileURLToPath(new URL('./maxrss.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ms-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let k = 0;

/**
 * Runs `command args` through sh (not exec'd) and times it: Linux keeps a process's peak RSS across
 * fork+exec, so a child forked straight from this (big) bench process would report at least our
 * own peak; a fork from sh does not.
 */
export function timedProcess(command, args, { cwd = process.cwd(), env = {}, timeoutMs = 120_000 } = {}) {
  const t0 = performance.now();
  const r = spawnSync('/bin/sh', ['-c', '"$@"; status=$?; exit $status', 'sh', command, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
  });
  return { ...r, ms: performance.now() - t0 };
}

/** Runs `node <args>` once; throws with its stderr when it fails. */
export function nodeProcess(args, { env = {}, node = process.execPath, ...options } = {}) {
  const rssFile = join(dir, `rss${k++}`);
  const r = timedProcess(node, ['--require', preload, ...args], { ...options, env: { ...env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || r.error?.message || '').slice(0, 800)}`);
  let rss;
  try {
    // one line per node process of the run (the CLI and its quiet child): their peaks together
    rss = readFileSync(rssFile, 'utf8').split('\n').filter(Boolean).reduce((sum, line) => sum + Number(line), 0);
  } catch {
    rss = undefined;
  }
  return { ms: r.ms, rss, stdout: r.stdout, stderr: r.stderr };
}

/** Medians of `runs` processes after `warmup` discarded ones. */
export function nodeProcessMedian(args, { runs = 5, warmup = 1, ...options } = {}) {
  for (let i = 0; i < warmup; i += 1) nodeProcess(args, options);
  const samples = [];
  for (let i = 0; i < runs; i += 1) samples.push(nodeProcess(args, options));
  return {
    ms: median(samples.map((s) => s.ms)),
    rss: median(samples.map((s) => s.rss ?? Number.NaN)),
    runs,
    last: samples[samples.length - 1],
  };
}

/** Medians of several commands run in turns (A, B, A, B, …) after one warm-up each: load on the machine falls on all alike. */
export function interleavedMedians(commands, { runs = 5, ...options } = {}) {
  for (const args of commands) nodeProcess(args, options);
  const samples = commands.map(() => []);
  for (let i = 0; i < runs; i += 1) commands.forEach((args, k) => samples[k].push(nodeProcess(args, options)));
  return samples.map((s) => ({ ms: median(s.map((x) => x.ms)), rss: median(s.map((x) => x.rss ?? Number.NaN)), runs, last: s[s.length - 1] }));
}
