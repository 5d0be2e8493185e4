/** External-data files as they come: huge, hostile (a FIFO, a folder), short. Read only what is used, never block. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '@modelsummary/core';
import { describe, expect, test } from 'vitest';
import { loadOnnxFile, onnxAdapterFromFile } from '../src/node.js';
import { FLOAT, buildModel, externalTensor, vi } from './build.js';
import { ortNode } from './helpers.js';

/** x [2, 16] · Wᵀ (W [8, 16] from the external file) → y [2, 8]. */
function gemmModel(location: string): Uint8Array {
  return buildModel({
    nodes: [{ name: 'fc', opType: 'Gemm', input: ['x', 'W'], output: ['y'], attribute: [{ name: 'transB', type: 2, i: 1 }] }],
    inputs: [vi('x', FLOAT, [2, 16])],
    outputs: [vi('y', FLOAT, [2, 8])],
    initializers: [externalTensor('W', [8, 16], location)],
  });
}

function folderWith(location: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ms-ext-'));
  writeFileSync(join(dir, 'model.onnx'), gemmModel(location));
  return dir;
}

describe('external data files', () => {
  test('a 1.5 GB sparse data file: only the 512 bytes the model uses are read, and it runs', async () => {
    const dir = folderWith('w.bin');
    const fd = openSync(join(dir, 'w.bin'), 'w');
    writeSync(fd, new Uint8Array(new Float32Array(8 * 16).fill(0.25).buffer));
    ftruncateSync(fd, 1_500_000_000);
    closeSync(fd);
    const loaded = await loadOnnxFile(join(dir, 'model.onnx'));
    expect(loaded.externalData).toHaveLength(1);
    expect(loaded.externalData[0]!.data.byteLength).toBe(8 * 16 * 4);
    const model = await onnxAdapterFromFile(join(dir, 'model.onnx'), { ort: ortNode });
    const s = await summarize(model, { device: 'cpu' });
    expect(s.layers.find((l) => l.type === 'Gemm')!.outputShapes).toEqual([[2, 8]]);
    await model.dispose();
  });

  test('a FIFO as external data is refused at once (never opened, never blocks)', async () => {
    const dir = folderWith('w.bin');
    execFileSync('mkfifo', [join(dir, 'w.bin')]);
    await expect(loadOnnxFile(join(dir, 'model.onnx'))).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/not a regular file \(a FIFO/) });
  });

  test('a folder as external data, and a data file shorter than the model says: typed errors naming the file', async () => {
    const asFolder = folderWith('w.bin');
    mkdirSync(join(asFolder, 'w.bin'));
    await expect(loadOnnxFile(join(asFolder, 'model.onnx'))).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/model\.onnx: external data "w\.bin" is not a regular file \(a folder\)/) });
    const short = folderWith('w.bin');
    writeFileSync(join(short, 'w.bin'), new Uint8Array(100));
    await expect(loadOnnxFile(join(short, 'model.onnx'))).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/holds 100 bytes, the model reads up to byte 512/) });
  });
});

test('a 3 GB sparse .onnx is refused from its size, without reading it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-big-'));
  const fd = openSync(join(dir, 'big.onnx'), 'w');
  ftruncateSync(fd, 3_000_000_000);
  closeSync(fd);
  const started = process.memoryUsage().rss;
  await expect(loadOnnxFile(join(dir, 'big.onnx'))).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/big\.onnx: is 2\.8 GiB, more than a protobuf ONNX model can be/) });
  expect(process.memoryUsage().rss - started).toBeLessThan(500_000_000);
});
