/**
 * Models exported the way users get them (test/fixtures/real/, made by export.py beside them with
 * torch 1.13 / onnx 1.12): a GPT-2 style decoder with a KV cache named as optimum names its dims,
 * its merged If(use_cache_branch) variant, a BERT encoder (and an fp16 copy, one with external
 * data), an LSTM whose exporter adds a zero initial state, QDQ int8, MatMulInteger, MatMulNBits,
 * INT4 DequantizeLinear, and weights inside If and Loop bodies. Expected values come from torch
 * (truth.json, printed by the export), onnxruntime (the run's shapes) or a formula written here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ForwardPassError, summarize, type ModelSummary, type SummarizeOptions } from '@modelsummary/core';
import { onnxAdapterFromFile } from '../src/node.js';
import { decodeModel, type GraphProto, type TensorProto } from '../src/proto.js';
import { ortNode } from './helpers.js';

const DIR = join(dirname(new URL(import.meta.url).pathname), 'fixtures', 'real');
const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as {
  gpt2: { torch_params: number; heads: number; layers: number; head_dim: number; vocab: number; embd: number };
  bert: { torch_params: number };
  lstm: { torch_params: number };
  matmul_nbits: { K: number; N: number; block_size: number };
};

const nodeRows = (s: ModelSummary) => s.layers.filter((l) => l.type !== 'scope');

async function both(file: string, options: SummarizeOptions) {
  const model = await onnxAdapterFromFile(join(DIR, file), { ort: ortNode });
  const run = await summarize(model, { device: 'cpu', ...options });
  await model.dispose();
  const stat = await summarize(await onnxAdapterFromFile(join(DIR, file), { run: false }), options);
  return { run, stat };
}

/** Share of the rows that ran whose static (inferred) output shapes equal the run's. */
function staticMatch(run: ModelSummary, stat: ModelSummary): { matched: number; total: number; misses: string[] } {
  const byId = new Map(stat.layers.map((l) => [l.id, l]));
  const ran = nodeRows(run).filter((l) => l.executed);
  const misses = ran.filter((l) => JSON.stringify(byId.get(l.id)?.outputShapes) !== JSON.stringify(l.outputShapes)).map((l) => l.id);
  return { matched: ran.length - misses.length, total: ran.length, misses };
}

/** Every tensor of a graph and of its bodies, initializers and Constant values, read straight from the protobuf. */
function allTensors(g: GraphProto): TensorProto[] {
  const out: TensorProto[] = [...(g.initializer ?? [])];
  for (const n of g.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (n.opType === 'Constant' && a.t) out.push(a.t);
      if (a.g) out.push(...allTensors(a.g));
      for (const sg of a.graphs ?? []) out.push(...allTensors(sg));
    }
  }
  return out;
}
const elementsOf = (t: TensorProto) => (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
const FLOAT = 1;

const CASES: [string, SummarizeOptions][] = [
  ['gpt2_with_past.onnx', { batchSize: 2, dims: { sequence_length: 3, past_sequence_length: 5 } }],
  ['gpt2_merged.onnx', { batchSize: 2, dims: { sequence_length: 3, past_sequence_length: 5 }, inputs: [{ name: 'use_cache_branch', value: true }] }],
  // transformers.js's first step: an empty past (0 tokens), the no-cache branch
  ['gpt2_merged.onnx', { dims: { sequence_length: 3, past_sequence_length: 0 }, inputs: [{ name: 'use_cache_branch', value: false }] }],
  ['bert_tiny.onnx', { batchSize: 2, dims: { sequence_length: 7 } }],
  ['bert_tiny_fp16.onnx', { dims: { sequence_length: 7 } }],
  ['bert_external.onnx', { dims: { sequence_length: 7 } }],
  ['lstm_tagger.onnx', {}],
  ['qdq_int8.onnx', { batchSize: 2 }],
  ['matmul_integer.onnx', { dims: { sequence_length: 5 } }],
  ['matmul_nbits.onnx', { dims: { sequence_length: 5 } }],
  ['int4_dq.onnx', { batchSize: 3 }],
  ['control_flow.onnx', { batchSize: 2, inputs: [{ name: 'use_then', value: true }] }],
];

describe('exported models', () => {
  test.each(CASES)('%s: runs; --static with the same inputs gives every executed row the shape onnxruntime observed', async (file, options) => {
    const { run, stat } = await both(file, options);
    const rows = nodeRows(run);
    expect(rows.length).toBeGreaterThan(0);
    const m = staticMatch(run, stat);
    console.log(`${file}: static shapes = run shapes on ${m.matched}/${m.total} executed rows (${((100 * m.matched) / m.total).toFixed(1)}%)`);
    expect(m.misses).toEqual([]);
    expect(stat.totals.params).toBe(run.totals.params);
    expect(stat.totals.macs).toBe(run.totals.macs);
    // static mode: activation memory from the inferred shapes, as the run measures it
    expect(stat.memory.activationBytes).toBe(run.memory.activationBytes);
    expect(run.totals.unknownMacsLayers).toBe(0);
    expect(stat.totals.unknownMacsLayers).toBe(0);
    expect(run.warnings.join('\n')).not.toMatch(/never executed|not inspected|has no value/);
  });

  test("torch exports: params equal torch's parameter count (fp16 and external-data copies too); bytes by real dtype", async () => {
    const o = { dims: { sequence_length: 4 } };
    const gpt2 = (await both('gpt2_with_past.onnx', { dims: { sequence_length: 3, past_sequence_length: 5 } })).run;
    expect(gpt2.totals.params).toBe(truth.gpt2.torch_params);
    expect(gpt2.totals.paramBytes).toBe(4 * truth.gpt2.torch_params);
    for (const file of ['bert_tiny.onnx', 'bert_external.onnx', 'bert_tiny_fp16.onnx']) {
      const { run } = await both(file, o);
      expect(run.totals.params, file).toBe(truth.bert.torch_params);
      expect(run.totals.paramBytes, file).toBe((file.includes('fp16') ? 2 : 4) * truth.bert.torch_params);
    }
    // BERT's position_ids buffer (int64) is in the file but is not a parameter
    const bert = decodeModel(readFileSync(join(DIR, 'bert_tiny.onnx')), 'bert_tiny.onnx').graph as GraphProto;
    const floats = allTensors(bert).filter((t) => t.dataType === FLOAT && (t.dims ?? []).length > 0);
    expect(floats.reduce((a, t) => a + elementsOf(t), 0)).toBe(truth.bert.torch_params);
    expect(allTensors(bert).some((t) => t.dataType === 7 && elementsOf(t) >= 32)).toBe(true);
  });

  test("LSTM: the exporter's zero initial state is not a parameter; params equal torch's", async () => {
    const { run } = await both('lstm_tagger.onnx', {});
    expect(run.totals.params).toBe(truth.lstm.torch_params);
    const g = decodeModel(readFileSync(join(DIR, 'lstm_tagger.onnx')), 'lstm_tagger.onnx').graph as GraphProto;
    const lstm = (g.node ?? []).find((n) => n.opType === 'LSTM')!;
    // the initial states h0 / c0 the exporter feeds (inputs 5, 6) are float constants in the file
    const states = (lstm.input ?? []).slice(5, 7).filter((n) => n);
    expect(states.length).toBeGreaterThan(0);
    const raw = allTensors(g).filter((t) => t.dataType === FLOAT && elementsOf(t) > 1).reduce((a, t) => a + elementsOf(t), 0);
    expect(raw).toBeGreaterThan(truth.lstm.torch_params); // a count of every float tensor would be too high
  });

  test('merged decoder, --input use_cache_branch=true: summarizes like the plain decoder with cache', async () => {
    const o: SummarizeOptions = { batchSize: 2, dims: { sequence_length: 3, past_sequence_length: 5 } };
    const plain = (await both('gpt2_with_past.onnx', o)).run;
    const { run: merged, stat } = await both('gpt2_merged.onnx', { ...o, inputs: [{ name: 'use_cache_branch', value: true }] });
    expect(merged.totals.params).toBe(plain.totals.params);
    expect(merged.totals.paramBytes).toBe(plain.totals.paramBytes);
    expect(merged.totals.macs).toBe(plain.totals.macs);
    expect(merged.memory.kvCache).toEqual(plain.memory.kvCache);
    expect(stat.memory.kvCache).toEqual(plain.memory.kvCache);
    // every node of the plain decoder is a row of the taken branch, with the shapes onnxruntime observed in the plain one
    const mergedById = new Map(merged.layers.map((l) => [l.id, l]));
    for (const row of nodeRows(plain)) {
      const twin = mergedById.get(`optimum::if/then_branch/with_past/${row.id}`);
      expect(twin, row.id).toBeDefined();
      expect(twin!.executed, row.id).toBe(true);
      expect(twin!.outputShapes, row.id).toEqual(row.outputShapes);
      expect(twin!.macs, row.id).toBe(row.macs);
    }
    const untaken = merged.layers.filter((l) => l.id.startsWith('optimum::if/else_branch/') && l.type !== 'scope');
    expect(untaken.length).toBeGreaterThan(100);
    expect(untaken.every((l) => !l.executed && l.skipped && l.macs === undefined)).toBe(true);
    // static shapes shown; the no-cache branch cannot take a mask of past + new tokens, so from its
    // attention Add on (8 rows) the inference, like onnxruntime would, finds no shape
    const shown = untaken.filter((l) => l.outputShapes.length > 0);
    expect(untaken.length - shown.length).toBe(8);
    expect(untaken.filter((l) => l.outputShapes.length === 0).every((l) => /\/h\.[01]\/(Add|Softmax|MatMul_1|Transpose_4)$/.test(l.id))).toBe(true);
  });

  test('merged decoder without flags: fails naming the defaulted dims, the mock-fed inputs and the flags', async () => {
    const model = await onnxAdapterFromFile(join(DIR, 'gpt2_merged.onnx'), { ort: ortNode });
    const error = await summarize(model, { device: 'cpu' }).catch((e: unknown) => e);
    await model.dispose();
    expect(error).toBeInstanceOf(ForwardPassError);
    const message = (error as Error).message;
    expect(message).toContain('--dim sequence_length=N --dim past_sequence_length=N');
    expect(message).toContain('--input use_cache_branch=VALUE');
  });

  test.each([...new Set(CASES.map(([file]) => file))])('%s without flags: succeeds, or fails naming the dims / inputs to set and the flags that set them', async (file) => {
    const model = await onnxAdapterFromFile(join(DIR, file), { ort: ortNode });
    const result = await summarize(model, { device: 'cpu' }).catch((e: unknown) => e);
    await model.dispose();
    if (result instanceof Error) {
      expect(result).toBeInstanceOf(ForwardPassError);
      expect(result.message).toMatch(/--dim \S+=N|--input \S+=VALUE/);
    } else {
      expect(nodeRows(result as ModelSummary).some((l) => l.executed)).toBe(true);
    }
  });

  test('KV cache: per token and at the sequence length used, from the present shapes (static mode too)', async () => {
    const { heads, layers, head_dim: hd } = truth.gpt2;
    const batch = 2;
    const [past, seq] = [5, 3];
    const { run, stat } = await both('gpt2_with_past.onnx', { batchSize: batch, dims: { sequence_length: seq, past_sequence_length: past } });
    const perToken = layers * 2 * batch * heads * hd * 4; // key and value of every layer, float32
    expect(run.memory.kvCache).toEqual({ bytesPerToken: perToken, bytes: perToken * (past + seq), tokens: past + seq });
    expect(stat.memory.kvCache).toEqual(run.memory.kvCache);
    const bert = (await both('bert_tiny.onnx', { dims: { sequence_length: 4 } })).run;
    expect(bert.memory.kvCache).toBeUndefined();
  });

  test('MatMulNBits: one parameter per 4-bit weight (N × K), per scale and per 4-bit zero point; bytes as stored; MACs', async () => {
    const { K, N, block_size } = truth.matmul_nbits;
    const blocks = K / block_size;
    const { run } = await both('matmul_nbits.onnx', { batchSize: 2, dims: { sequence_length: 5 } });
    expect(run.totals.params).toBe(N * K + N * blocks + N * blocks);
    expect(run.totals.paramBytes).toBe(N * blocks * (block_size / 2) + N * blocks * 4 + N * Math.ceil(blocks / 2));
    const row = nodeRows(run)[0]!;
    expect(row.outputShapes).toEqual([[2, 5, N]]);
    expect(row.macs).toBe(2 * 5 * K * N);
  });

  test('INT4 DequantizeLinear: one parameter per int4 element, two per byte; MACs of the dequantize and the MatMul', async () => {
    const [K, N] = [64, 32];
    const { run } = await both('int4_dq.onnx', { batchSize: 3 });
    expect(run.totals.params).toBe(K * N + N);
    expect(run.totals.paramBytes).toBe((K * N) / 2 + N * 4);
    const dq = run.layers.find((l) => l.type === 'DequantizeLinear')!;
    expect(dq.macs).toBe(K * N);
    expect(run.layers.find((l) => l.type === 'MatMul')!.macs).toBe(3 * K * N);
  });

  test('QDQ int8: the quantized weight, its scale and zero point are parameters; activation scales and zero points are not', async () => {
    const [cin, cout] = [3, 8];
    const { run } = await both('qdq_int8.onnx', { batchSize: 2 });
    expect(run.totals.params).toBe(cout * cin * 9 + cout + cout + cout); // w, w_scale, w_zp, bias
    expect(run.totals.paramBytes).toBe(cout * cin * 9 + cout * 4 + cout + cout * 4);
    const conv = run.layers.find((l) => l.type === 'Conv')!;
    expect(conv.macs).toBe(2 * cout * 16 * 16 * cin * 9 + 2 * cout * 16 * 16);
    for (const l of run.layers.filter((r) => r.type === 'QuantizeLinear' || r.type === 'DequantizeLinear')) {
      expect(l.macs, l.id).toBe(l.outputShapes[0]!.reduce((a, d) => (a as number) * (d as number), 1));
    }
  });

  test('MatMulInteger after DynamicQuantizeLinear: MACs of both; the uint8 weight and its zero point are parameters', async () => {
    const [K, N] = [64, 48];
    const { run } = await both('matmul_integer.onnx', { batchSize: 2, dims: { sequence_length: 5 } });
    expect(run.totals.params).toBe(K * N + 1 + N); // w_q, w_zp, bias (the scalar scale is an operand)
    expect(run.layers.find((l) => l.type === 'DynamicQuantizeLinear')!.macs).toBe(2 * 5 * K);
    expect(run.layers.find((l) => l.type === 'MatMulInteger')!.macs).toBe(2 * 5 * K * N);
  });

  test('weights inside If and Loop bodies (and a nested If): counted once, the truth summed from every tensor of the file', async () => {
    const g = decodeModel(readFileSync(join(DIR, 'control_flow.onnx')), 'control_flow.onnx').graph as GraphProto;
    // every float tensor with more than one element, at every level (the trip count and the loop condition are not weights)
    const expected = allTensors(g)
      .filter((t) => t.dataType === FLOAT && elementsOf(t) > 1)
      .reduce((a, t) => a + elementsOf(t), 0);
    const F = 16;
    for (const useThen of [true, false]) {
      const { run, stat } = await both('control_flow.onnx', { batchSize: 2, inputs: [{ name: 'use_then', value: useThen }] });
      expect(run.totals.params).toBe(expected);
      expect(stat.totals.params).toBe(expected);
      const row = (id: string) => run.layers.find((l) => l.id === id)!;
      expect(row('/branch/If/then_branch//then/MatMul').executed).toBe(useThen);
      expect(row('/branch/If/else_branch//else/Gemm').executed).toBe(!useThen);
      // the Loop body runs 3 times, the If inside it takes its then branch (the loop condition holds inside the body)
      expect(row('/steps/Loop/body//loop/MatMul')).toMatchObject({ executed: true, outputShapes: [[2, F]], macs: 3 * 2 * F * F });
      expect(row('/steps/Loop/body//loop/If/then_branch//inner_then/Mul')).toMatchObject({ executed: true, macs: 3 * 2 * F });
      expect(row('/steps/Loop/body//loop/If/else_branch//inner_else/Identity')).toMatchObject({ executed: false, skipped: true });
      const branch = useThen ? 2 * F * F + 2 * F : 2 * F * F + 2 * F; // MatMul + Add, or Gemm with its bias
      expect(run.totals.macs).toBe(branch + 3 * (2 * F * F + 2 * F) + (2 * 4 * F + 2 * 4));
    }
  });
});

describe('the 7B synthetic decoder of the bench (static mode: weights in an external file never written)', () => {
  test('exact params (no shape or scalar constant counted), shapes on every row, MACs known', async () => {
    const specifier = new URL('../../../bench/lib/synthetic.mjs', import.meta.url).href;
    const { decoder7BModel } = (await import(/* @vite-ignore */ specifier)) as { decoder7BModel: () => Uint8Array };
    const { onnxAdapter } = await import('../src/index.js');
    const s = await summarize(await onnxAdapter(decoder7BModel(), { run: false }), { dims: { seq: 16 } });
    const [L, H, M, V] = [32, 4096, 11008, 32000];
    expect(s.totals.params).toBe(2 * V * H + L * (4 * H * H + 3 * H * M + 2 * H) + H); // Llama-2-7B: 6,738,415,616
    const rows = nodeRows(s);
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.every((l) => l.outputShapes.length > 0 && l.outputShapes.every((shape) => shape.every((d) => typeof d === 'number')))).toBe(true);
    expect(s.totals.unknownMacsLayers).toBe(0);
    // the seven matrix products of each layer and the head dominate: 2 × params-ish per token
    expect(s.totals.macs).toBeGreaterThan(16 * (L * (4 * H * H + 3 * H * M) + H * V));
  });
});
