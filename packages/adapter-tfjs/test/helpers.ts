import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';

export { tf };

/** Totals printed by TF.js's own `model.summary()`. */
export function tfjsSummaryTotals(model: { summary(lineLength?: number, positions?: number[], printFn?: (m: string) => void): void }) {
  const lines: string[] = [];
  model.summary(120, undefined, (line: string) => lines.push(line));
  const num = (label: string) => {
    const line = lines.find((l) => l.startsWith(label));
    if (!line) throw new Error(`no "${label}" in summary`);
    return Number(line.slice(label.length).replace(/[^0-9]/g, ''));
  };
  return { params: num('Total params:'), trainableParams: num('Trainable params:'), nonTrainableParams: num('Non-trainable params:') };
}

const require = createRequire(import.meta.url);
// nsfwjs's exports map has only "." (dist/cjs/index.js): its models sit in dist/esm/models.
const nsfwDir = () => join(dirname(require.resolve('nsfwjs')), '..', 'esm', 'models');

/** nsfwjs ships its models as ES modules: model.min.js (artifacts) and shards (base64 strings). */
export async function nsfwArtifacts(name: 'mobilenet_v2' | 'mobilenet_v2_mid'): Promise<tf.io.ModelArtifacts> {
  const dir = join(nsfwDir(), name);
  const model = (await import(pathToFileURL(join(dir, 'model.min.js')).href)).default as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    userDefinedMetadata?: object;
  };
  const buffers: Buffer[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of model.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      // paths in the manifest are "group1-shard1of1"; the shipped module is "<path>.min.js"
      const base64 = (await import(pathToFileURL(join(dir, `${p.replace(/\.bin$/, '')}.min.js`)).href)).default as string;
      buffers.push(Buffer.from(base64, 'base64'));
    }
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: model.modelTopology,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    ...(model.format ? { format: model.format } : {}),
    ...(model.generatedBy ? { generatedBy: model.generatedBy } : {}),
    ...(model.convertedBy ? { convertedBy: model.convertedBy } : {}),
    ...(model.userDefinedMetadata ? { userDefinedMetadata: model.userDefinedMetadata as Record<string, unknown> } : {}),
  } as tf.io.ModelArtifacts;
}

export async function nsfwLayersModel(): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await nsfwArtifacts('mobilenet_v2')));
}

export async function nsfwGraphModel(): Promise<tf.GraphModel> {
  return tf.loadGraphModel(tf.io.fromMemory(await nsfwArtifacts('mobilenet_v2_mid')));
}

/** True when no layer of the tree still has an own `call` property (our hooks are gone). */
export function noOwnCall(model: { layers: unknown[] }): boolean {
  const stack = [...model.layers] as { layers?: unknown[] }[];
  while (stack.length > 0) {
    const layer = stack.pop() as { layers?: unknown[] };
    if (Object.prototype.hasOwnProperty.call(layer, 'call')) return false;
    if (Array.isArray(layer.layers)) stack.push(...(layer.layers as { layers?: unknown[] }[]));
  }
  return true;
}
