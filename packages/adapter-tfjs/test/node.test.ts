import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelSummaryError, summarize } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { loadLayersModelFromFiles, readModelArtifacts } from '../src/node.js';
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
});
