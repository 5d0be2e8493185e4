import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelSummaryError, summarize } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { tfjsAdapter, tfjsModelKind } from '../src/index.js';
import { loadLayersModelFromFiles, readModelArtifacts, tfjsModelKind as nodeModelKind } from '../src/node.js';
import { tf } from './helpers.js';

async function saveToFolder(model: tf.LayersModel): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-adapter-'));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsManifest = [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }];
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest }));
      writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return dir;
}

describe('@modelsummary/adapter-tfjs/node file loaders', () => {
  it('loads model.json + shards from disk and summarizes the same model', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [3] }), tf.layers.dense({ units: 2 })] });
    const dir = await saveToFolder(model);
    const loaded = (await loadLayersModelFromFiles(join(dir, 'model.json'), tf)) as tf.LayersModel;
    const s = await summarize(tfjsAdapter(loaded, { tf }), { device: 'cpu' });
    expect(s.totals.params).toBe(model.countParams());
    model.dispose();
    loaded.dispose();
  });

  it('refuses shards outside the folder and names the file on errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-adapter-bad-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] }));
    await expect(readModelArtifacts(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    const err = await readModelArtifacts(join(dir, 'broken.json')).catch((e: unknown) => e);
    expect(ModelSummaryError.isInstance(err) && err.code).toBe('INVALID_MODEL');
    expect(String((err as Error).message)).toContain('broken.json');
  });

  it('a malformed percent-encoded shard path is a typed INVALID_MODEL naming the file and the shard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-adapter-uri-'));
    const file = join(dir, 'model.json');
    writeFileSync(file, JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [{ paths: ['%E0%A4%A'], weights: [] }] }));
    const err = await readModelArtifacts(file).catch((e: unknown) => e);
    expect(ModelSummaryError.isInstance(err), String(err)).toBe(true);
    const e = err as ModelSummaryError;
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain(file);
    expect(e.message).toContain('"%E0%A4%A"');
    expect(e.details).toMatchObject({ file, shard: '%E0%A4%A' });
  });

  it("checks shard sizes with core's dtype sizes (float16, quantized uint8)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-adapter-dtype-'));
    const file = join(dir, 'model.json');
    const write = (weights: unknown[], bytes: number) => {
      writeFileSync(join(dir, 'w.bin'), new Uint8Array(bytes));
      writeFileSync(file, JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [{ paths: ['w.bin'], weights }] }));
    };
    write([{ name: 'a', shape: [3, 2], dtype: 'float16' }], 12);
    expect((await readModelArtifacts(file)).weightData?.byteLength).toBe(12);
    write([{ name: 'a', shape: [3, 2], dtype: 'float16' }], 24);
    await expect(readModelArtifacts(file)).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/describes 12 bytes/) });
    write([{ name: 'q', shape: [5], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } }], 5);
    expect((await readModelArtifacts(file)).weightData?.byteLength).toBe(5);
    write([{ name: 'c', shape: [2], dtype: 'complex64' }], 15);
    await expect(readModelArtifacts(file)).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/describes 16 bytes/) });
  });

  it('tfjsModelKind is on the main (runtime-neutral) entry and still on ./node', () => {
    expect(nodeModelKind).toBe(tfjsModelKind);
    expect(tfjsModelKind({ format: 'graph-model', modelTopology: {} })).toBe('graph');
    expect(tfjsModelKind({ modelTopology: { class_name: 'Sequential' } })).toBe('layers');
  });
});
