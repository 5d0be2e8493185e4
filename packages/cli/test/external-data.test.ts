import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOAT, attrInt, buildModel, externalTensor, tensor, vi } from '../../adapter-onnx/test/build.js';
import { run } from './helpers.js';

/** A Gemm whose weight lives in an external data file that is NOT written. */
function modelWithMissingData(location: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ms-cli-ext-'));
  const bytes = buildModel({
    inputs: [vi('x', FLOAT, ['batch', 16])],
    outputs: [vi('y', FLOAT, ['batch', 8])],
    initializers: [externalTensor('W', [8, 16], location), tensor('b', [8])],
    nodes: [{ name: '/fc/Gemm', opType: 'Gemm', input: ['x', 'W', 'b'], output: ['y'], attribute: [attrInt('transB', 1)] }],
  });
  const path = join(dir, 'model.onnx');
  writeFileSync(path, bytes);
  return path;
}

describe('external data that is not on disk', () => {
  it('--static counts parameters from dims without the data file', async () => {
    const r = await run([modelWithMissingData('weights/w.bin'), '--static', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { totals: { params: number; paramBytes: number }; device: string };
    expect(json.totals).toMatchObject({ params: 8 * 16 + 8, paramBytes: (8 * 16 + 8) * 4 });
    expect(json.device).toBe('none');
  });

  it('a run-based summary names the missing data file (exit 1, one line)', async () => {
    const r = await run([modelWithMissingData('weights/w.bin'), '--device', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/weights\/w\.bin/);
  });

  it('--static still refuses a location outside the model folder', async () => {
    const r = await run([modelWithMissingData('../outside.bin'), '--static']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/outside|\.\.\//);
  });
});
