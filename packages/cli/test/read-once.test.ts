/**
 * The CLI reads each file once: the model file (ONNX, model.json, or a saved summary) is read into
 * memory a single time, detected, and the same bytes go to the adapter. `node:fs/promises` is
 * wrapped to count every read of each file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readModelFile } from '../src/load.js';
import { exampleOnnx, exampleTfjs, run } from './helpers.js';

const reads = vi.hoisted(() => new Map<string, number>());

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const count = (path: unknown) => {
    if (typeof path === 'string') reads.set(resolve(path), (reads.get(resolve(path)) ?? 0) + 1);
  };
  const open: typeof real.open = (path, ...rest) => (count(path), real.open(path, ...rest));
  const readFile = ((path: Parameters<typeof real.readFile>[0], ...rest: unknown[]) => (count(path), (real.readFile as (...a: unknown[]) => unknown)(path, ...rest))) as typeof real.readFile;
  const wrapped = { ...real, open, readFile };
  return { ...wrapped, default: wrapped };
});

const shard = join(exampleTfjs, '..', 'group1-shard1of1.bin');
const readsOf = (path: string) => reads.get(resolve(path)) ?? 0;

beforeEach(() => reads.clear());

describe('each file is read once', () => {
  it('ONNX, run and --static', async () => {
    for (const extra of [['--device', 'cpu'], ['--static']]) {
      reads.clear();
      const r = await run([exampleOnnx, '--format', 'json', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).totals.params).toBe(9098);
      expect(readsOf(exampleOnnx), extra.join(' ')).toBe(1);
    }
  });

  it('TF.js model.json once, its shard once', async () => {
    const r = await run([exampleTfjs, '--format', 'json', '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(readsOf(exampleTfjs)).toBe(1);
    expect(readsOf(shard)).toBe(1);
  });

  it('diff: a saved summary once, a model once', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'ms-cli-once-')), 'saved.json');
    writeFileSync(saved, (await run([exampleOnnx, '--format', 'json', '--static'])).stdout);
    reads.clear();
    const r = await run(['diff', saved, exampleOnnx, '--static']);
    expect(r.code, r.stderr).toBe(0);
    expect(readsOf(saved)).toBe(1);
    expect(readsOf(exampleOnnx)).toBe(1);
  });

  it('readModelFile: the whole file in one buffer with room after it (the ONNX probes go there), and its kind', async () => {
    const file = await readModelFile(exampleOnnx);
    expect(Buffer.from(file.bytes).equals(readFileSync(exampleOnnx))).toBe(true);
    expect(file.bytes.byteOffset).toBe(0);
    expect(file.bytes.buffer.byteLength - file.bytes.byteLength).toBeGreaterThanOrEqual(1 << 20);
    expect(file.detected).toEqual({ kind: 'onnx' });
    expect((await readModelFile(exampleTfjs)).detected.kind).toBe('tfjs');
  });

  it('the count sees reads (the check above can fail)', async () => {
    const fs = await import('node:fs/promises');
    await fs.readFile(exampleOnnx);
    await (await fs.open(exampleOnnx, 'r')).close();
    expect(readsOf(exampleOnnx)).toBe(2);
  });
});
