/**
 * Seeded, reproducible hostile inputs for the CLI, one family a generator: `makeCase(family, seed, dir)`
 * writes the files of one case under `dir` and returns the arguments to run. Plain JS so that the
 * fuzz worker can load it without a build.
 */
import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const onnxProto = require(require.resolve('onnx-proto', { paths: [new URL('../../../adapter-onnx/', import.meta.url).pathname] }));
const { onnx } = onnxProto.default ?? onnxProto;

/** mulberry32: a small seeded PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

const ODD_NUMBERS = [-1, 0, 1, 2, 3, 7, 255, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 40, -(2 ** 31)];

function flipBytes(bytes, r) {
  const out = new Uint8Array(bytes);
  const n = 1 + r.int(8);
  for (let i = 0; i < n; i++) out[r.int(out.length)] = r.int(256);
  return out;
}

/** Structure-aware ONNX mutations: decode, change one thing a hostile or broken exporter would, re-encode. */
function mutateOnnx(bytes, r) {
  const model = onnx.ModelProto.decode(bytes);
  const g = model.graph;
  const mutations = [
    () => (g.input[0].type.tensorType.elemType = r.pick([0, 8, 23, 99, -5, 17, 16])),
    () => (g.input[0].type.tensorType.shape.dim[r.int(g.input[0].type.tensorType.shape.dim.length)] = { dimValue: r.pick(ODD_NUMBERS) }),
    () => (g.input[0].type.tensorType.shape.dim[1] = { dimParam: r.pick(['', 'seq', 'a + b', 'x'.repeat(300)]) }),
    () => (g.node[r.int(g.node.length)].opType = r.pick(['Bogus', '', 'If', 'Loop', 'Conv', 'Reshape'])),
    () => (g.node[r.int(g.node.length)].input[0] = r.pick(['missing', '', g.node[g.node.length - 1].output[0]])),
    () => (g.node[r.int(g.node.length)].attribute = []),
    () => g.node.reverse(),
    () => (g.initializer[r.int(g.initializer.length)].dims = [r.pick(ODD_NUMBERS), r.pick(ODD_NUMBERS)]),
    () => (g.initializer[r.int(g.initializer.length)].dataType = r.pick([0, 23, 99, 8])),
    () => {
      const t = g.initializer[r.int(g.initializer.length)];
      t.dataLocation = 1;
      t.externalData = [{ key: 'location', value: r.pick(['../../etc/passwd', '/etc/passwd', 'missing.bin', '', 'C:\\x.bin', 'fifo.bin']) }];
    },
    () => (g.output = []),
    () => (g.input = []),
    () => (model.opsetImport = [{ domain: '', version: r.pick([0, 1, 4, 99, 2 ** 31]) }]),
    () => g.node.push({ opType: 'Identity', input: [g.node[0].output[0]], output: [g.node[0].output[0]], name: g.node[0].name }),
  ];
  r.pick(mutations)();
  return onnx.ModelProto.encode(model).finish();
}

function mutateJson(value, r, depth = 0) {
  if (depth > 6 || value === null || typeof value !== 'object') return r.pick([null, -1, 0, 1e12, 'x', [], {}, true, value]);
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const key = r.pick(keys);
  const copy = Array.isArray(value) ? value.slice() : { ...value };
  const op = r.int(4);
  if (op === 0) delete copy[key];
  else if (op === 1) copy[key] = mutateJson(copy[key], r, depth + 1);
  else if (op === 2) copy[key] = r.pick([null, -1, 'ghost', [], {}, 1e12]);
  else copy[key] = mutateJson(copy[key], r, depth + 1);
  return copy;
}

/** A TF.js model.json mutation that breaks the functional wiring (what hung TF.js) or the manifest. */
function mutateTfjs(json, r) {
  const m = structuredClone(json);
  const layers = m.modelTopology?.model_config?.config?.layers ?? m.modelTopology?.config?.layers;
  const choices = [
    () => mutateJson(m, r),
    () => {
      m.modelTopology.class_name = 'Model';
      const cfg = m.modelTopology.config;
      cfg.layers.forEach((l, i) => (l.inbound_nodes = i === 0 ? [] : [[[r.pick([cfg.layers[i - 1].name, l.name, 'ghost', cfg.layers[cfg.layers.length - 1].name]), r.pick([0, 0, 1, 5]), 0, {}]]]));
      cfg.input_layers = [[cfg.layers[0].name, 0, 0]];
      cfg.output_layers = [[cfg.layers[cfg.layers.length - 1].name, 0, 0]];
      return m;
    },
    () => {
      const w = m.weightsManifest[0].weights[r.int(m.weightsManifest[0].weights.length)];
      if (r.int(2)) w.dtype = r.pick(['float16', 'complex64', 'string', 'int64', 'bogus']);
      else w.shape = [r.pick(ODD_NUMBERS), 3];
      return m;
    },
    () => {
      m.weightsManifest[0].paths = [r.pick(['../escape.bin', '/etc/passwd', '%zz', 'sub', 'fifo.bin', 'missing.bin', 'link.bin'])];
      return m;
    },
    () => {
      m.weightsManifest[0].weights.push({ ...m.weightsManifest[0].weights[0] });
      return m;
    },
    () => {
      delete m.modelTopology;
      return m;
    },
  ];
  if (!layers) return mutateJson(m, r);
  return r.pick(choices)();
}

/** Writes one case; returns `{ args }` (paths inside `dir`). */
export function makeCase(family, seed, dir, sources) {
  const r = rng(seed * 7919 + family.length);
  mkdirSync(dir, { recursive: true });
  const onnxFile = join(dir, 'model.onnx');
  switch (family) {
    case 'onnx-bytes':
      writeFileSync(onnxFile, r.int(3) === 0 ? sources.onnx.subarray(0, r.int(sources.onnx.length)) : flipBytes(sources.onnx, r));
      return { args: [onnxFile, '--device', 'cpu'] };
    case 'onnx-structure': {
      let bytes;
      try {
        bytes = mutateOnnx(sources.onnx, r);
      } catch {
        bytes = flipBytes(sources.onnx, r);
      }
      writeFileSync(onnxFile, bytes);
      try {
        symlinkSync('/etc/hostname', join(dir, 'link.bin'));
      } catch {}
      return { args: [onnxFile, '--device', 'cpu', ...(r.int(4) === 0 ? ['--static'] : [])] };
    }
    case 'tfjs-json': {
      const folder = join(dir, 'tfjs');
      mkdirSync(folder, { recursive: true });
      const json = mutateTfjs(sources.tfjsJson, r);
      writeFileSync(join(folder, 'model.json'), typeof json === 'object' ? JSON.stringify(json) : String(json));
      writeFileSync(join(folder, 'group1-shard1of1.bin'), r.int(5) === 0 ? sources.tfjsShard.subarray(0, r.int(sources.tfjsShard.length)) : sources.tfjsShard);
      mkdirSync(join(folder, 'sub'), { recursive: true });
      return { args: [join(folder, 'model.json'), '--device', 'cpu'] };
    }
    case 'odd-files': {
      const kind = r.int(5);
      const file = join(dir, r.pick(['x.onnx', 'model.json', 'weird']));
      if (kind === 0) writeFileSync(file, new Uint8Array(0));
      else if (kind === 1) writeFileSync(file, Uint8Array.from({ length: 1 + r.int(4096) }, () => r.int(256)));
      else if (kind === 2) writeFileSync(file, `{"modelTopology": ${r.pick(['null', '1', '"x"', '{', '[]'])}`);
      else if (kind === 3) mkdirSync(file, { recursive: true });
      else writeFileSync(file, JSON.stringify({ schemaVersion: 1, layers: r.pick([[], null, 'x']) }));
      return { args: [file, '--device', 'cpu'] };
    }
    case 'huge-dims': {
      writeFileSync(onnxFile, sources.onnx);
      const dim = r.pick(['1000000000', '99999999999', '-3', '0', '1e9', 'abc', '4294967296']);
      return { args: [onnxFile, '--device', 'cpu', '--input', `image:float32:1,1,${dim},28`, ...(r.int(2) ? ['--max-input-bytes', r.pick(['10TB', '1', '0', '-1'])] : [])] };
    }
    default:
      throw new Error(`unknown family ${family}`);
  }
}

export const FAMILIES = ['onnx-bytes', 'onnx-structure', 'tfjs-json', 'odd-files', 'huge-dims'];
