import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { checkLayersTopology } from '../src/index.js';
import { readModelArtifacts } from '../src/node.js';

type Json = Record<string, any>;

/** A functional model's topology as TF.js writes it (Keras 2 inbound_nodes). */
function functionalTopology(): Json {
  const input = tf.input({ shape: [4], name: 'x' });
  const a = tf.layers.dense({ units: 3, name: 'a' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3, name: 'b' }).apply(a) as tf.SymbolicTensor;
  const shared = tf.layers.dense({ units: 3, name: 'shared' });
  const c = shared.apply(b) as tf.SymbolicTensor;
  const d = shared.apply(c) as tf.SymbolicTensor; // a layer called twice: call 1 reads call 0
  const model = tf.model({ inputs: input, outputs: tf.layers.add({ name: 'sum' }).apply([a, d]) as tf.SymbolicTensor });
  const topology = model.toJSON(null, false) as Json;
  model.dispose();
  return JSON.parse(JSON.stringify(topology));
}

const layer = (t: Json, name: string): Json => t.config.layers.find((l: Json) => l.name === name);

const mutations: [string, (t: Json) => void, RegExp][] = [
  ['an inbound layer that does not exist', (t) => (layer(t, 'b').inbound_nodes[0][0][0] = 'ghost'), /"b" reads from "ghost", which is not a layer/],
  ['a layer reading itself', (t) => (layer(t, 'b').inbound_nodes[0][0][0] = 'b'), /"b" call 0 reads its own output/],
  ['a cycle', (t) => (layer(t, 'a').inbound_nodes[0][0][0] = 'b'), /waits on "b", which waits on it in turn/],
  ['a call index that never comes', (t) => (layer(t, 'b').inbound_nodes[0][0][1] = 3), /reads call 3 of "a", which is called only 1 time/],
  ['a malformed reference', (t) => (layer(t, 'b').inbound_nodes[0][0] = 'a'), /not \[layer, node, tensor\]/],
  ['an output layer that does not exist', (t) => (t.config.output_layers[0][0] = 'nope'), /output_layers names "nope"/],
];

describe('layers topology check (hostile model.json files never reach TF.js)', () => {
  it('real topologies pass: a functional model with a shared layer, a sequential one', () => {
    expect(() => checkLayersTopology(functionalTopology(), 'f.json')).not.toThrow();
    const seq = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    expect(() => checkLayersTopology(seq.toJSON(null, false), 's.json')).not.toThrow();
    seq.dispose();
  });

  it.each(mutations)('%s: INVALID_MODEL naming the layer', (_what, mutate, message) => {
    const t = functionalTopology();
    mutate(t);
    let error: unknown;
    try {
      checkLayersTopology(t, 'hostile.json');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(message) });
    expect((error as Error).message).toContain('hostile.json');
  });

  it('readModelArtifacts refuses the hostile file before TF.js sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-topology-'));
    const t = functionalTopology();
    layer(t, 'a').inbound_nodes[0][0][0] = 'b';
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: t, weightsManifest: [] }));
    await expect(readModelArtifacts(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(/a cycle/) });
  });

  it('the hazard is real: TF.js itself never returns on the cycle (killed after 3 s in a worker)', async () => {
    const t = functionalTopology();
    layer(t, 'a').inbound_nodes[0][0][0] = 'b';
    const worker = new Worker(
      `const tf = require(${JSON.stringify(require.resolve('@tensorflow/tfjs'))});
       const { parentPort, workerData } = require('node:worker_threads');
       tf.models.modelFromJSON(workerData).then(() => parentPort.postMessage('built'), (e) => parentPort.postMessage('error: ' + e.message));`,
      { eval: true, workerData: t },
    );
    const outcome = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('hung'), 3000);
      worker.on('message', (m) => {
        clearTimeout(timer);
        resolve(String(m));
      });
    });
    await worker.terminate();
    expect(outcome).toBe('hung');
  }, 20_000);
});

describe('weight shards that are not files', () => {
  it.each([
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), /not a regular file \(a FIFO/],
    ['a folder', (p: string) => mkdirSync(p), /not a regular file \(a folder\)/],
  ])('%s as a shard is refused before it is opened', async (_what, make, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-shard-'));
    const seq = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ format: 'layers-model', modelTopology: seq.toJSON(null, false), weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [3, 2], dtype: 'float32' }] }] }),
    );
    seq.dispose();
    make(join(dir, 'w.bin'));
    await expect(readModelArtifacts(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringMatching(message) });
  });
});
