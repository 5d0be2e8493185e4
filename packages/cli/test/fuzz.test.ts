/**
 * The fuzz suite (issue 13): seeded, reproducible hostile inputs in five families run through the
 * built CLI in a worker thread with a watchdog — a case that makes no progress for 15 s is a hang
 * (a worker can be stopped even in a synchronous loop). Every case must end with a documented exit
 * code, one tool-made error line (no stack trace), no tensor left and no file written.
 * `FUZZ_CASES=N` sets the cases per family (default 400); `FUZZ_SEED=K` shifts the seeds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './helpers.js';

const CASES = Number(process.env.FUZZ_CASES ?? 400);
const OFFSET = Number(process.env.FUZZ_SEED ?? 0);
const cliDist = join(root, 'packages/cli/dist/index.js');
const tmp = mkdtempSync(join(tmpdir(), 'ms-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Exit codes each family may end with (0 where a mutation can leave a valid model). */
const ALLOWED: Record<string, number[]> = {
  'onnx-bytes': [0, 1],
  'onnx-structure': [0, 1],
  'tfjs-json': [0, 1],
  'odd-files': [1, 2],
  'huge-dims': [0, 1, 2],
};
/** Seeds that once failed, kept as regression cases (family → seeds). */
const REGRESSIONS: Record<string, number[]> = JSON.parse(readFileSync(new URL('./fuzz/regressions.json', import.meta.url), 'utf8'));

interface Outcome {
  seed: number;
  args: string[];
  code?: number;
  threw?: string;
  stderr: string;
  tensorsLeft: number;
  filesChanged: boolean;
}

function runFamily(family: string, seeds: number[]): Promise<{ outcomes: Outcome[]; hung?: number }> {
  return new Promise((resolve, reject) => {
    // The built CLI as a user runs it: no `@modelsummary/source` condition (vitest's) in the worker.
    const worker = new Worker(new URL('./fuzz/worker.mjs', import.meta.url), { workerData: { cliDist, root, family, seeds, tmp }, execArgv: [] });
    const outcomes: Outcome[] = [];
    let current: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        resolve({ outcomes, ...(current === undefined ? {} : { hung: current }) });
      }, 15_000);
    };
    arm();
    worker.on('message', (m: Outcome & { started?: boolean; done?: boolean }) => {
      arm();
      if (m.done) {
        clearTimeout(timer);
        void worker.terminate();
        resolve({ outcomes });
      } else if (m.started) current = m.seed;
      else outcomes.push(m);
    });
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe.runIf(existsSync(cliDist))(`fuzz: ${CASES} seeded cases per family through the built CLI`, () => {
  for (const family of Object.keys(ALLOWED)) {
    it(`${family}: no hang, documented exit codes, no stack trace, nothing left behind`, async () => {
      const seeds = [...new Set([...(REGRESSIONS[family] ?? []), ...Array.from({ length: CASES }, (_, i) => OFFSET + i)])];
      const { outcomes, hung } = await runFamily(family, seeds);
      expect(hung, `seed ${hung} made no progress for 15 s`).toBeUndefined();
      expect(outcomes).toHaveLength(seeds.length);
      const bad = outcomes
        .map((o) => {
          const problems: string[] = [];
          if (o.threw) problems.push(`main() threw: ${o.threw.split('\n')[0]}`);
          if (!ALLOWED[family]!.includes(o.code as number)) problems.push(`exit ${o.code}`);
          if (/^\s+at\s/m.test(o.stderr) || /^(?:Type|Range|Reference|Syntax)Error\b/m.test(o.stderr)) problems.push('stack trace or raw error on stderr');
          if (o.code !== 0 && !/^modelsummary: /m.test(o.stderr)) problems.push('no modelsummary: line on stderr');
          if (o.tensorsLeft !== 0) problems.push(`${o.tensorsLeft} tensors left`);
          if (o.filesChanged) problems.push('files written');
          return problems.length > 0 ? `seed ${o.seed} (${o.args.slice(1).join(' ')}): ${problems.join('; ')} — ${o.stderr.trim().split('\n')[0]?.slice(0, 200)}` : undefined;
        })
        .filter((x) => x !== undefined);
      expect(bad.slice(0, 10), `${bad.length} of ${outcomes.length} cases failed`).toEqual([]);
      const messages = countBy(outcomes.map((o) => o.stderr.split('\n')[0]!.replace(/\/[^\s:]*\//g, '…/').slice(0, 90)));
      const common = Object.entries(messages).sort((a, b) => b[1] - a[1]).slice(0, 3);
      console.log(`fuzz ${family}: ${outcomes.length} cases, exit codes ${JSON.stringify(countBy(outcomes.map((o) => o.code)))}; most common: ${JSON.stringify(common)}`);
    }, 600_000);
  }
});

function countBy(xs: unknown[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[String(x)] = (out[String(x)] ?? 0) + 1;
  return out;
}
