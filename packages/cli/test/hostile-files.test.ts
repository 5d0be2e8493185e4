/** Odd files on the command line: one line naming the problem, exit 1, nothing read that need not be. */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

describe('hostile files', () => {
  it('a 3 GB sparse .onnx is refused from its size (exit 1), without reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-cli-big-'));
    const file = join(dir, 'big.onnx');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 3_000_000_000);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = await run([file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/big\.onnx: is 2\.8 GiB; no model file is that large/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(500_000_000);
  });

  it('a FIFO named as the model is refused without opening it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-cli-fifo-'));
    const file = join(dir, 'model.onnx');
    execFileSync('mkfifo', [file]);
    const r = await run([file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/model\.onnx: not a regular file/);
  });
});

describe('output', () => {
  it('--output naming the model file is refused (exit 2) and the model is left as it was', async () => {
    const { copyFileSync, readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'ms-cli-out-'));
    const model = join(dir, 'm.onnx');
    copyFileSync(join(import.meta.dirname, '../../../examples/models/mnist-cnn.onnx'), model);
    const before = readFileSync(model);
    const r = await run([model, '--device', 'cpu', '--output', model]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--output .*m\.onnx is the file being read/);
    expect(readFileSync(model).equals(before)).toBe(true);
  });
});

describe.runIf(existsSync(join(import.meta.dirname, '../dist/bin.js')))('write failures of the built CLI', () => {
  it('stdout on a full disk (> /dev/full): one modelsummary line, exit 1, no stack trace', () => {
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/modelsummary.js'), join(import.meta.dirname, '../../../examples/models/mnist-cnn.onnx'), '--device', 'cpu'], {
      stdio: ['ignore', full, 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, CI: '' },
    });
    closeSync(full);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^modelsummary: error: cannot write the output \(ENOSPC\)$/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
