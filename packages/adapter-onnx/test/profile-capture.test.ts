/**
 * The profiled capture (onnxruntime-node's profiler names every kernel with its output shapes; the
 * model runs as it is) against the shape-probe capture on the same models and inputs: the same
 * rows, shapes, dtypes, MACs and totals. The reference is the other capture, which fetches the
 * shapes as tensors from onnxruntime; the profile files are removed once read.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { summarize, type ModelSummary, type SummarizeOptions } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { nodeProfileStore } from '../src/node.js';
import { parseGraph } from '../src/graph.js';
import { readProfile, unobservedOutputs, type ProfileStore } from '../src/profile-capture.js';
import { decodeModel, onnx } from '../src/proto.js';
import { countingOrt, MODELS_DIR, OCR_DIR, ortNode } from './helpers.js';

// This file's own temporary folder (os.tmpdir() reads TMPDIR): other suites running beside it make profiles too.
process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'profile-capture-test-'));

const FIXTURES = join(new URL('.', import.meta.url).pathname, 'fixtures');
const onnxIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => join(dir, f)) : []);

/** Inputs the models need (dims, values); the rest run with their defaults. */
const OPTIONS: Record<string, SummarizeOptions> = {
  'gpt2_with_past.onnx': { dims: { sequence_length: 3, past_sequence_length: 5 } },
  'gpt2_merged.onnx': { dims: { sequence_length: 3, past_sequence_length: 5 }, inputs: [{ name: 'use_cache_branch', value: true }] },
  'bert_tiny.onnx': { dims: { sequence_length: 7 } },
  'bert_tiny_fp16.onnx': { dims: { sequence_length: 7 } },
  'matmul_integer.onnx': { dims: { sequence_length: 5 } },
  'matmul_nbits.onnx': { dims: { sequence_length: 5 } },
  'real/control_flow.onnx': { batchSize: 2, inputs: [{ name: 'use_then', value: true }] },
  'ops_onnx.onnx': { batchSize: 2, dims: { height: 17, width: 22, sequence_length: 5 } },
  'functions.onnx': { dims: { batch_size: 2, sequence_length: 5 } },
  'ch_PP-OCRv4_det_infer.onnx': { dims: { 'p2o.DynamicDimension.1': 160, 'p2o.DynamicDimension.2': 160 } },
  'ch_PP-OCRv4_rec_infer.onnx': { dims: { 'p2o.DynamicDimension.1': 320 } },
  'ch_ppocr_mobile_v2.0_cls_infer.onnx': { dims: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
};

const MODELS = [...onnxIn(MODELS_DIR), ...onnxIn(FIXTURES), ...onnxIn(join(FIXTURES, 'real')).filter((f) => !f.endsWith('bert_external.onnx')), ...onnxIn(OCR_DIR)];

/** A store that counts the profiles read back. */
function countingStore(): ProfileStore & { read: () => number } {
  const store = nodeProfileStore();
  let read = 0;
  return {
    prefix: () => store.prefix(),
    take(prefix) {
      const text = store.take(prefix);
      if (text !== undefined) read += 1;
      return text;
    },
    read: () => read,
  };
}

/** A model over a float [2] input `x` (the last node's output `out` is the graph's). */
function oneGraphModel(nodes: object[], out: string): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'g', input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } } }], output: [{ name: out }], node: nodes },
  }).finish();
}

/** A model onnxruntime cannot open: an op it does not know. */
const unknownOpModel = () => oneGraphModel([{ opType: 'NoSuchOp', input: ['x'], output: ['y'] }], 'y');

const facts = (s: ModelSummary) => ({
  rows: s.layers.map((l) => [l.id, l.callIndex, l.executed, l.outputShapes, l.outputDTypes, l.inputShapes, l.macs, l.provenance.shape]),
  totals: s.totals,
  activationBytes: s.memory.activationBytes,
  outputs: s.outputs,
});

describe('profiled capture = probed capture', () => {
  test.each(MODELS.map((f) => [f.split('/').slice(-2).join('/'), f]))('%s', async (_, file) => {
    const bytes = readFileSync(file);
    const name = file.split('/').pop()!;
    const options: SummarizeOptions = { device: 'cpu', ...(OPTIONS[file.split('/').slice(-2).join('/')] ?? OPTIONS[name] ?? {}) };
    const store = countingStore();
    const profiled = await onnxAdapter(bytes, { ort: ortNode, fileName: name, profiles: store });
    const probed = await onnxAdapter(bytes, { ort: ortNode, fileName: name });
    try {
      const a = await summarize(profiled, options);
      const b = await summarize(probed, options);
      expect(store.read(), 'the pass read a profile').toBeGreaterThanOrEqual(1);
      expect(facts(a)).toEqual(facts(b));
    } finally {
      await profiled.dispose();
      await probed.dispose();
    }
  }, 120_000);

  test('no profile file or folder is left behind (failed passes and retried dims included)', async () => {
    // a pass that fails with dims at 1 and is retried at 512 (core's retry), and one that fails for good
    const ops = readFileSync(join(FIXTURES, 'ops_onnx.onnx'));
    const m = await onnxAdapter(ops, { ort: ortNode, profiles: nodeProfileStore() });
    await summarize(m, { device: 'cpu' }).catch(() => undefined);
    await m.dispose();
    // a model onnxruntime cannot open (an op it does not know): every session fails to open
    const bad = await onnxAdapter(unknownOpModel(), { ort: ortNode, profiles: nodeProfileStore() });
    await expect(summarize(bad, { device: 'cpu' })).rejects.toThrow();
    await bad.dispose();
    expect(tmpdir()).toBe(process.env.TMPDIR);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('modelsummary-profile-'))).toEqual([]);
  });
});

/**
 * What a float16 conversion writes around an op kept in float32: x (float16) → Cast → Resize →
 * Cast → Sigmoid (float16). onnxruntime's CPU kernels lack float16 Sigmoid: it inserts Casts, and
 * drops the model's second Cast as the duplicate of one of them.
 */
function float16ResizeModel(): Uint8Array {
  const tensor = (name: string, elemType: number, dims: number[]) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } });
  const cast = (name: string, input: string, output: string, to: number) => ({ name, opType: 'Cast', input: [input], output: [output], attribute: [{ name: 'to', type: 2, i: to }] });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      input: [tensor('x', 10, [1, 2, 4, 4])],
      output: [tensor('y', 10, [1, 2, 8, 8])],
      initializer: [{ name: 'scales', dims: [4], dataType: 1, floatData: [1, 1, 2, 2] }],
      node: [
        cast('x_cast', 'x', 'x32', 1),
        { name: 'resize', opType: 'Resize', input: ['x32', '', 'scales'], output: ['r32'] },
        cast('r_cast', 'r32', 'r16', 10),
        { name: 'sig', opType: 'Sigmoid', input: ['r16'], output: ['y'] },
      ],
    },
  }).finish();
}

describe('nodes onnxruntime drops at load', () => {
  test('a Cast missing from the profile takes its input’s shape: one session, the probed capture’s rows', async () => {
    const bytes = float16ResizeModel();
    // onnxruntime's own profile of the model lacks the second Cast (the case this handles)
    const dir = mkdtempSync(join(tmpdir(), 'cast-profile-'));
    const session = await ortNode.InferenceSession.create(bytes, { enableProfiling: true, profileFilePrefix: join(dir, 'p'), graphOptimizationLevel: 'disabled', logSeverityLevel: 4 });
    await session.run({ x: new ortNode.Tensor('float16', new Uint16Array(32), [1, 2, 4, 4]) });
    await session.release();
    const profile = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    rmSync(dir, { recursive: true, force: true });
    expect(profile).toContain('"x_cast_kernel_time"');
    expect(profile).not.toContain('"r_cast_kernel_time"');

    const counting = countingOrt(ortNode);
    const profiled = await onnxAdapter(bytes, { ort: counting.ort, profiles: nodeProfileStore() });
    const probed = await onnxAdapter(bytes, { ort: ortNode });
    try {
      const a = await summarize(profiled, { device: 'cpu' });
      expect(counting.created(), 'no second run for the missing Cast').toBe(1);
      const row = a.layers.find((l) => l.name === 'r_cast')!;
      expect([row.outputShapes, row.outputDTypes, row.provenance.shape]).toEqual([[[1, 2, 8, 8]], ['float16'], 'observed']);
      expect(facts(a)).toEqual(facts(await summarize(probed, { device: 'cpu' })));
    } finally {
      await profiled.dispose();
      await probed.dispose();
    }
  });
});

describe('onnxruntime says nothing natively', () => {
  test('a model it cannot open, summarized through the built /node entry: the error is thrown, nothing is written to fd 2', () => {
    const dist = join(new URL('.', import.meta.url).pathname, '..', 'dist', 'node.js');
    const core = join(new URL('.', import.meta.url).pathname, '..', '..', 'core', 'dist', 'index.js');
    expect(existsSync(dist), `${dist}: build first (npx turbo run build)`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'unknown-op-'));
    const file = join(dir, 'unknown-op.onnx');
    writeFileSync(file, unknownOpModel());
    const script = `
      const { onnxAdapterFromFile } = await import(${JSON.stringify(dist)});
      const { summarize } = await import(${JSON.stringify(core)});
      const m = await onnxAdapterFromFile(${JSON.stringify(file)});
      try { await summarize(m, { device: 'cpu' }); } catch (e) { process.stdout.write('threw ' + e.code); }
      await m.dispose();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } });
    expect(r.stdout).toMatch(/^threw [A-Z_]+$/);
    expect(r.stderr).toBe('');
    expect(readdirSync(dir).filter((f) => f.startsWith('modelsummary-profile-'))).toEqual([]);
  });
});

describe('readProfile', () => {
  // Constant, unnamed Relu, named Add, unnamed Relu: onnxruntime names the unnamed ones by the index it keeps (Constants become initializers).
  const model = oneGraphModel(
    [
      { opType: 'Constant', output: ['c'], attribute: [{ name: 'value', type: 4, t: { dims: [2], dataType: 1, floatData: [1, 2] } }] },
      { opType: 'Relu', input: ['x'], output: ['r'] },
      { opType: 'Add', name: 'add', input: ['r', 'c'], output: ['y'] },
      { opType: 'Relu', input: ['y'], output: ['z'] },
    ],
    'z',
  );
  const graph = parseGraph(decodeModel(model, 'g'), 'g');
  const kernel = (name: string, op: string, shapes: Record<string, number[]>[]) => ({ cat: 'Node', name: `${name}_kernel_time`, args: { op_name: op, output_type_shape: shapes } });

  test('names, unnamed nodes by kept index, types as tensor types', () => {
    const json = JSON.stringify([{ cat: 'Session', name: 'model_run' }, kernel('Relu_0', 'Relu', [{ float: [2] }]), kernel('add', 'Add', [{ float: [2] }]), kernel('Relu_2', 'Relu', [{ double: [2] }])]);
    const observed = readProfile(json, graph);
    expect(Object.fromEntries(observed)).toEqual({ r: { dims: [2], type: 'float32' }, y: { dims: [2], type: 'float32' }, z: { dims: [2], type: 'float64' } });
    expect(unobservedOutputs(graph, observed)).toEqual([]);
  });

  test('a node shown twice, with another op or another output count is not observed (fetched instead)', () => {
    const json = JSON.stringify([kernel('Relu_0', 'Relu', [{ float: [2] }]), kernel('Relu_0', 'Relu', [{ float: [2] }]), kernel('add', 'Mul', [{ float: [2] }]), kernel('Relu_2', 'Relu', [])]);
    expect(unobservedOutputs(graph, readProfile(json, graph))).toEqual(['r', 'y', 'z']);
  });
});
