/**
 * MACs per ONNX node, through core's helpers. `undefined` means unknown (core shows "?" and warns);
 * 0 only where the convention says so (activations, pooling, data movement, ...).
 */
import type { Shape } from '@modelsummary/core';
import {
  ZERO_MAC_OPS,
  attentionMacs,
  batchNormMacs,
  convMacs,
  convTransposeMacs,
  elementwiseMacs,
  gemmMacs,
  gruMacs,
  isConcreteShape,
  layerNormMacs,
  lstmMacs,
  matmulMacs,
  rnnMacs,
} from '@modelsummary/core';

export interface MacsContext {
  /** Shape of a value by name (observed, declared or an initializer's dims). */
  shapeOf(name: string): Shape | undefined;
  /** Initializers by name (their dims). */
  initializers: ReadonlyMap<string, { dims: number[] }>;
  /** True when the value is a weight: an initializer or a Constant node's output. */
  isWeight?(name: string): boolean;
}

interface NodeLike {
  opType: string;
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Record<string, unknown>;
}

/**
 * Ops that are 0 here besides core's ZERO_MAC_OPS. Softmax / LogSoftmax are activations (0, as
 * torchinfo and the tfjs adapter), so the reference mnist_net total matches torchinfo's figure.
 */
const EXTRA_ZERO = new Set(['Softmax', 'LogSoftmax', 'Hardmax', 'Shrink', 'Bernoulli', 'RandomNormalLike', 'RandomUniformLike', 'EyeLike', 'SequenceConstruct', 'Compress', 'ReverseSequence', 'CenterCropPad', 'Col2Im', 'GridSample', 'RoiAlign', 'NonMaxSuppression', 'Det']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'PRelu', 'Mod', 'BitShift']);
/** Element-wise ops over any number of inputs: (inputs − 1) MACs per output element. */
const VARIADIC = new Set(['Sum', 'Mean']);

function concrete(ctx: MacsContext, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const s = ctx.shapeOf(name);
  return s && isConcreteShape(s) ? s.slice() : undefined;
}

function intAttr(node: NodeLike, name: string, fallback: number): number {
  const v = node.attributes[name];
  return typeof v === 'number' ? v : fallback;
}

/** MACs of one node from the shapes `ctx` knows; `undefined` when unknown. */
export function nodeMacs(node: NodeLike, ctx: MacsContext): number | undefined {
  try {
    return compute(node, ctx);
  } catch {
    return undefined; // inconsistent shapes: unknown, never a silent 0
  }
}

function compute(node: NodeLike, ctx: MacsContext): number | undefined {
  const op = node.opType;
  const domain = node.domain === 'ai.onnx' ? '' : node.domain;
  const out0 = concrete(ctx, node.outputs[0]);
  const has = (i: number): boolean => (node.inputs[i] ?? '') !== '';

  if (domain === '' || domain === 'com.microsoft') {
    if (ZERO_MAC_OPS.has(op) || EXTRA_ZERO.has(op)) return 0;
  }
  if (domain === '') {
    switch (op) {
      case 'Conv':
      case 'ConvInteger':
      case 'QLinearConv': {
        const q = op === 'QLinearConv';
        const x = concrete(ctx, node.inputs[0]);
        const w = concrete(ctx, node.inputs[q ? 3 : 1]);
        if (!x || !w || !out0) return undefined;
        return convMacs({ outputShape: out0, inChannels: x[1]!, kernelSize: w.slice(2), groups: intAttr(node, 'group', 1), bias: op === 'Conv' ? has(2) : q ? has(8) : false });
      }
      case 'ConvTranspose': {
        const x = concrete(ctx, node.inputs[0]);
        const w = concrete(ctx, node.inputs[1]);
        if (!x || !w) return undefined;
        const group = intAttr(node, 'group', 1);
        const bias = has(2);
        if (bias && !out0) return undefined;
        return convTransposeMacs({ inputShape: x, outChannels: w[1]! * group, kernelSize: w.slice(2), groups: group, bias, ...(out0 ? { outputShape: out0 } : {}) });
      }
      case 'Gemm': {
        const a = concrete(ctx, node.inputs[0]);
        if (!a || !out0 || a.length !== 2 || out0.length !== 2) return undefined;
        const k = intAttr(node, 'transA', 0) ? a[0]! : a[1]!;
        return gemmMacs({ m: out0[0]!, n: out0[1]!, k, bias: has(2) });
      }
      case 'MatMul':
      case 'MatMulInteger':
      case 'QLinearMatMul': {
        const q = op === 'QLinearMatMul';
        const a = concrete(ctx, node.inputs[0]);
        const b = concrete(ctx, node.inputs[q ? 3 : 1]);
        if (!a || !b) return undefined;
        return matmulMacs(a, b);
      }
      case 'LSTM':
      case 'GRU':
      case 'RNN': {
        const x = concrete(ctx, node.inputs[0]);
        const r = concrete(ctx, node.inputs[2]);
        if (!x || x.length !== 3) return undefined;
        const layout = intAttr(node, 'layout', 0);
        const seqLen = layout === 0 ? x[0]! : x[1]!;
        const batch = layout === 0 ? x[1]! : x[0]!;
        const hiddenSize = intAttr(node, 'hidden_size', r ? r[2]! : NaN);
        if (!Number.isFinite(hiddenSize)) return undefined;
        const directions = node.attributes.direction === 'bidirectional' ? 2 : 1;
        const p = { seqLen, batch, inputSize: x[2]!, hiddenSize, directions, bias: has(3) };
        return op === 'LSTM' ? lstmMacs(p) : op === 'GRU' ? gruMacs(p) : rnnMacs(p);
      }
      case 'BatchNormalization':
      case 'InstanceNormalization':
        return out0 ? batchNormMacs({ outputShape: out0 }) : undefined;
      case 'LayerNormalization':
        return out0 ? layerNormMacs({ outputShape: out0, axis: intAttr(node, 'axis', -1) }) : undefined;
      case 'Attention': {
        // ai.onnx Attention (opset 23): Q [B, Hq, S, d] / K [B, Hk, L, d] / V [B, Hk, L, dv], or 3-D with head counts.
        const q = concrete(ctx, node.inputs[0]);
        const k = concrete(ctx, node.inputs[1]);
        const v = concrete(ctx, node.inputs[2]);
        if (!q || !k || !v) return undefined;
        if (q.length === 4 && k.length === 4 && v.length === 4) {
          return attentionMacs({ batch: q[0]!, queryLength: q[2]!, keyLength: k[2]!, embedDim: q[1]! * q[3]!, numHeads: q[1]!, keyDim: q[3]!, valueDim: v[3]!, projections: false });
        }
        const hq = intAttr(node, 'q_num_heads', 0);
        if (q.length === 3 && k.length === 3 && v.length === 3 && hq > 0) {
          const hk = intAttr(node, 'kv_num_heads', hq);
          return attentionMacs({ batch: q[0]!, queryLength: q[1]!, keyLength: k[1]!, embedDim: q[2]!, numHeads: hq, keyDim: q[2]! / hq, valueDim: v[2]! / hk, projections: false });
        }
        return undefined;
      }
    }
  }
  if (domain === 'com.microsoft') {
    switch (op) {
      case 'Attention': {
        const x = concrete(ctx, node.inputs[0]);
        const w = concrete(ctx, node.inputs[1]);
        const heads = intAttr(node, 'num_heads', 0);
        if (!x || !w || x.length !== 3 || heads <= 0) return undefined;
        // Input projection to Q, K, V (w: [hidden, 3 × hidden]) plus the attention core; no output projection.
        const [b, s, hidden] = x as [number, number, number];
        const proj = b * s * w[1]! * hidden + (has(2) ? b * s * w[1]! : 0);
        const dk = w[1]! / 3 / heads;
        return proj + attentionMacs({ batch: b, queryLength: s, keyLength: s, embedDim: hidden, numHeads: heads, keyDim: dk, valueDim: dk, projections: false });
      }
      case 'MultiHeadAttention': {
        const q = concrete(ctx, node.inputs[0]);
        const k = concrete(ctx, node.inputs[1]);
        const v = concrete(ctx, node.inputs[2]);
        const heads = intAttr(node, 'num_heads', 0);
        if (!q || !k || !v || q.length !== 3 || k.length !== 3 || v.length !== 3 || heads <= 0) return undefined;
        return attentionMacs({ batch: q[0]!, queryLength: q[1]!, keyLength: k[1]!, embedDim: q[2]!, numHeads: heads, valueDim: v[2]! / heads, projections: false });
      }
      case 'FusedConv': {
        const x = concrete(ctx, node.inputs[0]);
        const w = concrete(ctx, node.inputs[1]);
        if (!x || !w || !out0) return undefined;
        return convMacs({ outputShape: out0, inChannels: x[1]!, kernelSize: w.slice(2), groups: intAttr(node, 'group', 1), bias: has(2) });
      }
      case 'FusedMatMul': {
        const a = concrete(ctx, node.inputs[0]);
        const b = concrete(ctx, node.inputs[1]);
        return a && b ? matmulMacs(a, b) : undefined;
      }
      case 'LayerNormalization':
      case 'SkipLayerNormalization':
      case 'SimplifiedLayerNormalization':
      case 'SkipSimplifiedLayerNormalization':
        return out0 ? layerNormMacs({ outputShape: out0, axis: intAttr(node, 'axis', -1) }) : undefined;
    }
  }
  if ((BINARY.has(op) || VARIADIC.has(op)) && domain === '') {
    // The DESIGN convention, shared with the tfjs adapter: element-wise = 1 MAC per output element
    // for each input after the first (a residual Add of two activations counts too).
    const operands = node.inputs.filter((i) => i !== '').length;
    return out0 ? elementwiseMacs(out0) * Math.max(1, operands - 1) : undefined;
  }
  return undefined;
}
