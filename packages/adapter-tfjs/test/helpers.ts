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

/** Layers of the tree (nested models too) whose `call` is a hook this adapter installed and left. */
export function activeHooks(...models: { layers: unknown[] }[]): number {
  const mark = Symbol.for('@modelsummary/adapter-tfjs/hook');
  let n = 0;
  const stack = models.flatMap((m) => [...m.layers]) as { layers?: unknown[]; call?: unknown }[];
  while (stack.length > 0) {
    const layer = stack.pop() as { layers?: unknown[]; call?: Record<symbol, unknown> };
    if (Object.prototype.hasOwnProperty.call(layer, 'call') && layer.call?.[mark] === true) n += 1;
    if (Array.isArray(layer.layers)) stack.push(...(layer.layers as { layers?: unknown[] }[]));
  }
  return n;
}

type GraphNodeDef = { name: string; op: string; input?: string[]; attr?: Record<string, unknown> };

/**
 * A tiny tfjs GraphModel built in memory (no converter run): `x` [-1, 3] float32 →
 * `dense/MatMul` (w [3, 4]) → `dense/Relu`, `dense/Neg`, `dense/Max` (Maximum of the two),
 * `merge/AddN` (3 inputs), `merge/Mul` (2 activations), `out/Softmax`. `failing`: a Reshape to [7]
 * that no batch can satisfy, so the pass throws.
 */
export async function tinyGraphModel(failing = false): Promise<tf.GraphModel> {
  const float = { type: 'DT_FLOAT' };
  const nodes: GraphNodeDef[] = [
    { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } } },
    { name: 'w', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }, { size: '4' }] } } } } },
    { name: 'dense/MatMul', op: 'MatMul', input: ['x', 'w'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'dense/Relu', op: 'Relu', input: ['dense/MatMul'], attr: { T: float } },
    { name: 'dense/Neg', op: 'Neg', input: ['dense/MatMul'], attr: { T: float } },
    { name: 'dense/Max', op: 'Maximum', input: ['dense/Relu', 'dense/Neg'], attr: { T: float } },
    { name: 'merge/AddN', op: 'AddN', input: ['dense/Relu', 'dense/Neg', 'dense/Max'], attr: { T: float, N: { i: '3' } } },
    { name: 'merge/Mul', op: 'Mul', input: ['merge/AddN', 'dense/Relu'], attr: { T: float } },
    { name: 'out/Softmax', op: 'Softmax', input: ['merge/Mul'], attr: { T: float } },
  ];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [{ name: 'w', shape: [3, 4], dtype: 'float32' }];
  const values: number[] = Array.from({ length: 12 }, (_, i) => (i - 6) / 10);
  if (failing) {
    nodes.push(
      { name: 'bad/shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: '1' }] } } } } },
      { name: 'bad/Reshape', op: 'Reshape', input: ['out/Softmax', 'bad/shape'], attr: { T: float, Tshape: { type: 'DT_INT32' } } },
    );
    weightSpecs.push({ name: 'bad/shape', shape: [1], dtype: 'int32' });
  }
  const data = new ArrayBuffer(values.length * 4 + (failing ? 4 : 0));
  new Float32Array(data, 0, values.length).set(values);
  if (failing) new Int32Array(data, values.length * 4, 1).set([7]);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    format: 'graph-model',
    weightSpecs,
    weightData: data,
  };
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}
