/**
 * The parameter rule of the ONNX adapter: which constants (initializers, Constant-node tensors) are
 * weights, and how many parameters a weight holds.
 *
 * A constant is a parameter only when it is a weight: it feeds a weight input of a compute op
 * (Conv / Gemm / MatMul / LSTM / GRU / RNN weights and biases, normalization scale, bias and
 * statistics, Gather's data, the quantized weight of a DequantizeLinear, its scale and zero point,
 * the packed weight, scales and zero points of MatMulNBits, ...). A shape, an axis, an index, a pad,
 * a scalar, a bound, an initial state or a rotary cos / sin cache is not. Where the op does not say
 * (the operand of an element-wise Add / Mul, a Concat input, a Transpose or Cast on the way to a
 * weight input), a floating-point tensor counts when it has more than one element and is not a
 * broadcast constant (rank ≥ 2 with a single axis over 1, such as a `[1, 1, 1, 64]` rotary table or
 * a `[1, 3, 1, 1]` normalization mean): a bias or norm scale `[C]`, a position embedding
 * `[1, N, D]` count; integer and boolean tensors (shapes, masks) do not.
 *
 * Packed 4-bit weights count one parameter per 4-bit value: MatMulNBits' `B` counts N × K, its
 * packed zero points N × blocks; GatherBlockQuantized's uint8 data and zero points two per byte
 * (INT4 / UINT4 tensors already count one element per value). Bytes stay the bytes stored.
 */
import type { Initializer } from './initializers.js';

/** How one node input uses a constant. */
export type WeightRole = 'weight' | 'other' | 'operand';

/** The parts of a node the rule reads. */
export interface WeightNode {
  opType: string;
  domain: string;
  inputs: readonly string[];
  attributes: Record<string, unknown>;
}

type Positions = readonly number[] | 'all';

const MS = 'com.microsoft:';

/** Inputs that hold weights, by op key (`op_type`, `com.microsoft:op_type`). */
const WEIGHT_INPUTS: Record<string, Positions> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  ConvInteger: [1, 3],
  QLinearConv: [3, 4, 5, 8],
  Gemm: [0, 1, 2],
  MatMul: [0, 1],
  MatMulInteger: [0, 1, 3],
  QLinearMatMul: [0, 3, 4, 5],
  Einsum: 'all',
  LSTM: [1, 2, 3, 7],
  GRU: [1, 2, 3],
  RNN: [1, 2, 3],
  BatchNormalization: [1, 2, 3, 4],
  InstanceNormalization: [1, 2],
  LayerNormalization: [1, 2],
  GroupNormalization: [1, 2],
  RMSNormalization: [1],
  SimplifiedLayerNormalization: [1],
  Gather: [0],
  GatherElements: [0],
  GatherND: [0],
  PRelu: [1],
  Embedding: [0],
  [`${MS}FusedConv`]: [1, 2],
  [`${MS}FusedGemm`]: [0, 1, 2],
  [`${MS}FusedMatMul`]: [0, 1],
  [`${MS}MatMulNBits`]: [1, 2, 3, 5],
  [`${MS}MatMulIntegerToFloat`]: [1, 3, 5, 6],
  [`${MS}DynamicQuantizeMatMul`]: [1, 2, 3, 4],
  [`${MS}GatherBlockQuantized`]: [0, 2, 3],
  [`${MS}LayerNormalization`]: [1, 2],
  [`${MS}SimplifiedLayerNormalization`]: [1],
  [`${MS}SkipLayerNormalization`]: [2, 3, 4],
  [`${MS}SkipSimplifiedLayerNormalization`]: [2, 3],
  [`${MS}EmbedLayerNormalization`]: [2, 3, 4, 5, 6],
  [`${MS}Attention`]: [1, 2],
  [`${MS}MultiHeadAttention`]: [3],
  [`${MS}FastGelu`]: [1],
  [`${MS}BiasGelu`]: [1],
  [`${MS}BiasAdd`]: [1],
  [`${MS}BiasSplitGelu`]: [1],
  [`${MS}Gelu`]: [],
  [`${MS}QuickGelu`]: [],
};

/** Inputs that never hold weights (shapes, axes, indices, bounds, states, caches), by op key. */
const OTHER_INPUTS: Record<string, Positions> = {
  Reshape: [1],
  Expand: [1],
  Tile: [1],
  Slice: [1, 2, 3, 4],
  Squeeze: [1],
  Unsqueeze: [1],
  Pad: [1, 2, 3],
  Resize: [1, 2, 3],
  Upsample: [1],
  ConstantOfShape: 'all',
  Range: 'all',
  Shape: 'all',
  Size: 'all',
  TopK: [1],
  Split: [1],
  ReduceSum: [1],
  ReduceMean: [1],
  ReduceMax: [1],
  ReduceMin: [1],
  ReduceProd: [1],
  ReduceL1: [1],
  ReduceL2: [1],
  ReduceLogSum: [1],
  ReduceLogSumExp: [1],
  ReduceSumSquare: [1],
  Clip: [1, 2],
  CumSum: [1],
  OneHot: [1, 2],
  Trilu: [1],
  Gather: [1],
  GatherElements: [1],
  GatherND: [1],
  ScatterND: [1],
  ScatterElements: [1],
  NonMaxSuppression: [2, 3, 4],
  Dropout: [1, 2],
  Where: [0],
  LSTM: [4, 5, 6],
  GRU: [4, 5],
  RNN: [4, 5],
  QuantizeLinear: [1, 2],
  DequantizeLinear: [1, 2],
  DynamicQuantizeLinear: 'all',
  If: 'all',
  Loop: 'all',
  Scan: 'all',
  Attention: [3, 4, 5],
  RotaryEmbedding: [1, 2, 3],
  [`${MS}RotaryEmbedding`]: [1, 2, 3],
  [`${MS}GroupQueryAttention`]: [3, 4, 5, 6, 7, 8, 9, 10],
  [`${MS}MultiHeadAttention`]: [4, 5, 6, 7, 8, 9],
  [`${MS}Attention`]: [3, 4, 5, 6],
  [`${MS}MatMulNBits`]: [4],
  [`${MS}GatherBlockQuantized`]: [1],
  [`${MS}SkipLayerNormalization`]: [1],
  [`${MS}SkipSimplifiedLayerNormalization`]: [1],
  [`${MS}EmbedLayerNormalization`]: [0, 1, 7, 8],
};

/** Table key of a node's op. */
export function opKey(node: Pick<WeightNode, 'domain' | 'opType'>): string {
  return node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}:${node.opType}`;
}

const has = (p: Positions | undefined, i: number): boolean => p !== undefined && (p === 'all' || p.includes(i));

/**
 * How input `index` of `node` uses a constant. `isConstant(name)` tells whether another input is a
 * constant too (a DequantizeLinear's scale is a weight only when its data is).
 */
export function weightRole(node: WeightNode, index: number, isConstant: (name: string) => boolean): WeightRole {
  const key = opKey(node);
  if (key === 'DequantizeLinear') {
    // Weight quantization: the quantized data, its scale and zero point. Activation quantization: none.
    const data = node.inputs[0];
    return data !== undefined && data !== '' && isConstant(data) ? 'weight' : 'other';
  }
  if (key === 'QuantizeLinear') return index === 0 ? 'operand' : 'other';
  if (has(WEIGHT_INPUTS[key], index)) return 'weight';
  if (has(OTHER_INPUTS[key], index)) return 'other';
  if (key in WEIGHT_INPUTS) return 'other'; // an op that lists its weights: its other inputs are not
  return 'operand';
}

/**
 * A broadcast constant: rank ≥ 2 with at most one axis over 1 (`[1, 1, 1, 64]`, `[1, 3, 1, 1]`).
 * As the operand of an element-wise op it is data (a rotary table, a normalization mean), not a
 * weight — unless it is added to a compute op's output (a bias, `[1, C, 1, 1]` after a
 * ConvTranspose); core's rule (`isParameterConstant`) then decides the rest (float, more than one element).
 */
export function isBroadcastConstant(w: Initializer): boolean {
  return w.dims.length >= 2 && w.dims.filter((d) => d !== 1).length <= 1;
}

const intAttr = (node: WeightNode, name: string): number | undefined => {
  const v = node.attributes[name];
  return typeof v === 'number' ? v : undefined;
};

/**
 * Parameters a weight holds, read through the use that makes it a weight: one per 4-bit value of a
 * packed tensor (MatMulNBits, GatherBlockQuantized), else one per element.
 */
export function weightElements(w: Initializer, node: WeightNode, index: number, lookup: (name: string) => Initializer | undefined = () => undefined): number {
  const key = opKey(node);
  if (key === `${MS}MatMulNBits` && w.dtype === 'uint8') {
    const n = intAttr(node, 'N');
    const k = intAttr(node, 'K');
    const block = intAttr(node, 'block_size');
    if (n === undefined || k === undefined) return w.elements;
    if (index === 1) return n * k;
    if (index === 3 && block !== undefined && block > 0) return n * Math.ceil(k / block); // one zero point per block
    return w.elements;
  }
  if (key === `${MS}GatherBlockQuantized` && w.dtype === 'uint8' && (index === 0 || index === 3)) {
    const bits = intAttr(node, 'bits') ?? 4;
    if (!(bits > 0 && bits < 8)) return w.elements;
    // zero points: one per scale (packed two per byte, the last byte maybe half used)
    const scales = index === 3 && node.inputs[2] ? lookup(node.inputs[2]) : undefined;
    return scales ? scales.elements : w.elements * Math.floor(8 / bits);
  }
  return w.elements;
}
