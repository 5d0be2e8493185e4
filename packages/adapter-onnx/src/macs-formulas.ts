/**
 * The formulas of the ONNX MACs table (`macs-table.ts`): each reads one node's shapes and
 * attributes and calls core's helper. `undefined` when a shape it needs is unknown or symbolic.
 */
import {
  attentionMacs,
  batchNormMacs,
  convMacs,
  convTransposeMacs,
  elementwiseMacs,
  gemmMacs,
  isConcreteShape,
  layerNormMacs,
  matmulMacs,
  type MacsRule,
  type RecurrentMacsParams,
} from '@modelsummary/core';
import type { MacsContext, MacsNode } from './macs.js';

/** What an ONNX formula sees: the node and the shapes known around it. */
export interface OnnxCall {
  readonly node: MacsNode;
  readonly ctx: MacsContext;
}

type OnnxRule = MacsRule<OnnxCall>;

function concrete(c: OnnxCall, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const s = c.ctx.shapeOf(name);
  return s && isConcreteShape(s) ? s.slice() : undefined;
}

/** Concrete shape of input `i`. */
const input = (c: OnnxCall, i: number): number[] | undefined => concrete(c, c.node.inputs[i]);
/** Concrete shape of the first output. */
const output = (c: OnnxCall): number[] | undefined => concrete(c, c.node.outputs[0]);
/** The optional input `i` is given. */
const has = (c: OnnxCall, i: number | undefined): boolean => i !== undefined && (c.node.inputs[i] ?? '') !== '';

function intAttr(c: OnnxCall, name: string, fallback: number): number {
  const v = c.node.attributes[name];
  return typeof v === 'number' ? v : fallback;
}

/** Conv family (NCHW): data at 0, weight `[Cout, Cin/groups, ...kernel]` at `weight`, bias at `bias` when the op has one. */
export function conv(inputs: { weight: number; bias?: number }): OnnxRule {
  return (c) => {
    const x = input(c, 0);
    const w = input(c, inputs.weight);
    const y = output(c);
    if (!x || !w || !y) return undefined;
    return convMacs({ outputShape: y, inChannels: x[1]!, kernelSize: w.slice(2), groups: intAttr(c, 'group', 1), bias: has(c, inputs.bias) });
  };
}

/** ConvTranspose: weight `[Cin, Cout/groups, ...kernel]`; the bias needs the output shape. */
export const convTranspose: OnnxRule = (c) => {
  const x = input(c, 0);
  const w = input(c, 1);
  const y = output(c);
  if (!x || !w) return undefined;
  const group = intAttr(c, 'group', 1);
  const bias = has(c, 2);
  if (bias && !y) return undefined;
  return convTransposeMacs({ inputShape: x, outChannels: w[1]! * group, kernelSize: w.slice(2), groups: group, bias, ...(y ? { outputShape: y } : {}) });
};

/** Gemm: `A[m, k] × B[k, n] (+ C)`, k read from A (transposed when `transA`). */
export const gemm: OnnxRule = (c) => {
  const a = input(c, 0);
  const y = output(c);
  if (!a || !y || a.length !== 2 || y.length !== 2) return undefined;
  const k = intAttr(c, 'transA', 0) ? a[0]! : a[1]!;
  return gemmMacs({ m: y[0]!, n: y[1]!, k, bias: has(c, 2) });
};

/** MatMul family (numpy broadcasting): A at 0, B at `b`. */
export function matmul(b: number): OnnxRule {
  return (c) => {
    const x = input(c, 0);
    const w = input(c, b);
    return x && w ? matmulMacs(x, w) : undefined;
  };
}

/** LSTM / GRU / RNN: X `[seq, batch, input]` (`layout` 1: batch first), R `[dirs, gates·H, H]`, B at 3. */
export function recurrent(formula: (p: RecurrentMacsParams) => number): OnnxRule {
  return (c) => {
    const x = input(c, 0);
    const r = input(c, 2);
    if (!x || x.length !== 3) return undefined;
    const batchFirst = intAttr(c, 'layout', 0) !== 0;
    const hiddenSize = intAttr(c, 'hidden_size', r ? r[2]! : NaN);
    if (!Number.isFinite(hiddenSize)) return undefined;
    return formula({
      seqLen: batchFirst ? x[1]! : x[0]!,
      batch: batchFirst ? x[0]! : x[1]!,
      inputSize: x[2]!,
      hiddenSize,
      directions: c.node.attributes.direction === 'bidirectional' ? 2 : 1,
      bias: has(c, 3),
    });
  };
}

/** BatchNormalization / InstanceNormalization: N × 2C (torchinfo's convention). */
export const batchNorm: OnnxRule = (c) => {
  const y = output(c);
  return y ? batchNormMacs({ outputShape: y }) : undefined;
};

/** LayerNormalization and its ORT fusions: N × 2 × Π normalized axes (from `axis`, default -1). */
export const layerNorm: OnnxRule = (c) => {
  const y = output(c);
  return y ? layerNormMacs({ outputShape: y, axis: intAttr(c, 'axis', -1) }) : undefined;
};

/** ai.onnx Attention (opset 23): Q `[B, Hq, S, d]`, K `[B, Hk, L, d]`, V `[B, Hk, L, dv]`, or 3-D with head counts. */
export const attention: OnnxRule = (c) => {
  const q = input(c, 0);
  const k = input(c, 1);
  const v = input(c, 2);
  if (!q || !k || !v) return undefined;
  if (q.length === 4 && k.length === 4 && v.length === 4) {
    return attentionMacs({ batch: q[0]!, queryLength: q[2]!, keyLength: k[2]!, embedDim: q[1]! * q[3]!, numHeads: q[1]!, keyDim: q[3]!, valueDim: v[3]!, projections: false });
  }
  const hq = intAttr(c, 'q_num_heads', 0);
  if (q.length !== 3 || k.length !== 3 || v.length !== 3 || hq <= 0) return undefined;
  const hk = intAttr(c, 'kv_num_heads', hq);
  return attentionMacs({ batch: q[0]!, queryLength: q[1]!, keyLength: k[1]!, embedDim: q[2]!, numHeads: hq, keyDim: q[2]! / hq, valueDim: v[2]! / hk, projections: false });
};

/** com.microsoft Attention: the Q, K, V input projection (w `[hidden, 3 × hidden]`, bias at 2) + the attention core; no output projection. */
export const packedQkvAttention: OnnxRule = (c) => {
  const x = input(c, 0);
  const w = input(c, 1);
  const heads = intAttr(c, 'num_heads', 0);
  if (!x || !w || x.length !== 3 || heads <= 0) return undefined;
  const [b, s, hidden] = x as [number, number, number];
  const proj = b * s * w[1]! * hidden + (has(c, 2) ? b * s * w[1]! : 0);
  const dk = w[1]! / 3 / heads;
  return proj + attentionMacs({ batch: b, queryLength: s, keyLength: s, embedDim: hidden, numHeads: heads, keyDim: dk, valueDim: dk, projections: false });
};

/** com.microsoft MultiHeadAttention: Q `[B, S, D]`, K `[B, L, D]`, V `[B, L, Dv]`, already projected. */
export const multiHeadAttention: OnnxRule = (c) => {
  const q = input(c, 0);
  const k = input(c, 1);
  const v = input(c, 2);
  const heads = intAttr(c, 'num_heads', 0);
  if (!q || !k || !v || q.length !== 3 || k.length !== 3 || v.length !== 3 || heads <= 0) return undefined;
  return attentionMacs({ batch: q[0]!, queryLength: q[1]!, keyLength: k[1]!, embedDim: q[2]!, numHeads: heads, valueDim: v[2]! / heads, projections: false });
};

/**
 * Element-wise arithmetic (the convention shared with the TF.js adapter): 1 MAC per output element
 * for each input after the first — with a weight or between activations (a residual Add counts).
 */
export const elementwise: OnnxRule = (c) => {
  const y = output(c);
  const operands = c.node.inputs.filter((i) => i !== '').length;
  return y ? elementwiseMacs(y) * Math.max(1, operands - 1) : undefined;
};

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * com.microsoft MatMulNBits: `A[..., K] × B[K, N]` with B packed in `bits`-bit blocks:
 * Π A batch × K × N (as MatMul), + out elements with a bias (input 5). Dequantizing B is not counted.
 */
export const matmulNBits: OnnxRule = (c) => {
  const a = input(c, 0);
  const k = intAttr(c, 'K', a ? a[a.length - 1]! : NaN);
  const n = intAttr(c, 'N', NaN);
  if (!a || !Number.isFinite(k) || !Number.isFinite(n) || a.length === 0) return undefined;
  const rows = elements(a.slice(0, -1));
  return rows * k * n + (has(c, 5) ? rows * n : 0);
};

/** One multiply-add per output element: QuantizeLinear / DequantizeLinear (x / scale + zero point, (q − zp) × scale), GatherBlockQuantized. */
export const perOutputElement: OnnxRule = (c) => {
  const y = output(c);
  return y ? elements(y) : undefined;
};

/** DynamicQuantizeLinear: one multiply-add per input element (x / scale + zero point); finding min / max is not counted. */
export const perInputElement: OnnxRule = (c) => {
  const x = input(c, 0);
  return x ? elements(x) : undefined;
};

/**
 * com.microsoft GroupQueryAttention: the attention core over the whole context, with query heads
 * sharing key / value heads: `B·Hq·S·L·d` (Q·Kᵀ) + `B·Hq·S·L·d` (weights·V), L = the present
 * key length (past + new); d = hidden / Hq. Projections are outside the op; rotary (when
 * `do_rotary`) adds 2 per rotated element of Q and K.
 */
export const groupQueryAttention: OnnxRule = (c) => {
  const q = input(c, 0);
  const heads = intAttr(c, 'num_heads', 0);
  const kvHeads = intAttr(c, 'kv_num_heads', heads);
  if (!q || q.length !== 3 || heads <= 0) return undefined;
  const [b, s, width] = q as [number, number, number];
  const packed = !has(c, 1);
  const d = packed ? width / (heads + 2 * kvHeads) : width / heads;
  const present = concrete(c, c.node.outputs[1]);
  const past = input(c, 3);
  const length = present && present.length === 4 ? present[2]! : past && past.length === 4 ? past[2]! + s : s;
  if (!Number.isInteger(d)) return undefined;
  const core = attentionMacs({ batch: b, queryLength: s, keyLength: length, embedDim: heads * d, numHeads: heads, keyDim: d, valueDim: d, projections: false });
  const rotary = intAttr(c, 'do_rotary', 0) ? 2 * b * s * (heads + kvHeads) * d : 0;
  return core + rotary;
};

/**
 * com.microsoft SkipLayerNormalization: the layer norm (torchinfo's N × 2 × hidden convention) +
 * the skip Add (out elements) + the bias Add when a bias (input 4) is given.
 */
export const skipLayerNorm: OnnxRule = (c) => {
  const y = output(c);
  if (!y) return undefined;
  return layerNormMacs({ outputShape: y, axis: -1 }) + elements(y) + (has(c, 4) ? elements(y) : 0);
};

/** RMS norm (SimplifiedLayerNormalization): γ only, N × Π normalized axes (half of LayerNormalization's γ and β). */
export const simplifiedLayerNorm: OnnxRule = (c) => {
  const y = output(c);
  return y ? layerNormMacs({ outputShape: y, axis: intAttr(c, 'axis', -1) }) / 2 : undefined;
};

/** com.microsoft SkipSimplifiedLayerNormalization: the RMS norm + the skip Add (+ the bias Add, input 3). */
export const skipSimplifiedLayerNorm: OnnxRule = (c) => {
  const y = output(c);
  if (!y) return undefined;
  return layerNormMacs({ outputShape: y, axis: -1 }) / 2 + elements(y) + (has(c, 3) ? elements(y) : 0);
};

/**
 * RotaryEmbedding (com.microsoft, ONNX opset 23): x·cos + rotate(x)·sin, 2 per rotated element:
 * 2 × out elements, × rotary_embedding_dim / head size when only part of each head rotates.
 */
export const rotaryEmbedding: OnnxRule = (c) => {
  const y = output(c);
  if (!y) return undefined;
  const rotaryDim = intAttr(c, 'rotary_embedding_dim', 0);
  const heads = intAttr(c, 'num_heads', 0);
  if (rotaryDim > 0) {
    const last = y[y.length - 1]!;
    const head = y.length === 4 ? last : heads > 0 ? last / heads : NaN;
    if (!Number.isFinite(head) || head <= 0) return undefined;
    return (2 * elements(y) * rotaryDim) / head;
  }
  return 2 * elements(y);
};

/** Gelu variants with a bias input (FastGelu, BiasGelu): the activation 0, the bias Add 1 per out element. */
export const biasActivation: OnnxRule = (c) => {
  const y = output(c);
  return y ? (has(c, 1) ? elements(y) : 0) : undefined;
};
