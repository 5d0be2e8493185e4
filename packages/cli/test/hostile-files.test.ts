/** Odd files on the command line: one line naming the problem, exit 1, nothing read that need not be. */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync } from 'node:fs';
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
