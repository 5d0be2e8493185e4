/**
 * MACs (multiply-accumulate operations) per layer, shared by every adapter.
 *
 * Conventions: one multiply-add = 1 MAC (FLOPs = 2 × MACs); adding a bias costs 1 MAC per output
 * element (as torchinfo and onnx-tool); activations, pooling, reshapes and other data movement
 * cost 0 (softmax included). Every count covers the whole tensor, batch included. Inputs are
 * concrete shapes; a negative, fractional or non-finite number throws `INVALID_SHAPE`.
 *
 * These are pure formulas and name no runtime op: which op uses which formula, and which ops cost
 * 0, is each runtime's MACs table (one entry per op; see {@link defineMacsTable}).
 */
import { summaryError } from './errors.js';

export { defineMacsTable, macsFromTable } from './macs-table.js';
export type { MacsRule, MacsTable, MacsTableSpec } from './macs-table.js';

/** Parameters of {@link convMacs}. */
export interface ConvMacsParams {
  /** Output shape with batch and channel axes: `[N, Cout, ...spatial]`, or `[N, ...spatial, Cout]` when `channelsLast`. */
  outputShape: readonly number[];
  /** Input channels (all groups together). */
  inChannels: number;
  /** Kernel extent per spatial axis (1 to 3 of them, or more). */
  kernelSize: readonly number[];
  /** Groups (default 1); depthwise is `groups = inChannels`. */
  groups?: number;
  /** Adds 1 MAC per output element (default false). */
  bias?: boolean;
  /** Channel axis is the last one (TF.js `channelsLast`); default false (ONNX / PyTorch NCHW). */
  channelsLast?: boolean;
}

/** Parameters of {@link convTransposeMacs}. */
export interface ConvTransposeMacsParams {
  /** Input shape with batch and channel axes: `[N, Cin, ...spatial]`, or `[N, ...spatial, Cin]` when `channelsLast`. */
  inputShape: readonly number[];
  /** Output channels (all groups together). */
  outChannels: number;
  /** Kernel extent per spatial axis. */
  kernelSize: readonly number[];
  /** Groups (default 1). */
  groups?: number;
  /** Adds 1 MAC per output element (default false); needs `outputShape`. */
  bias?: boolean;
  /** Channel axis is the last one; default false. */
  channelsLast?: boolean;
  /** Output shape; required when `bias` is true. */
  outputShape?: readonly number[];
}

/** Parameters of {@link lstmMacs}, {@link gruMacs} and {@link rnnMacs}. */
export interface RecurrentMacsParams {
  /** Time steps. */
  seqLen: number;
  /** Batch size. */
  batch: number;
  /** Features of the input of the first layer. */
  inputSize: number;
  /** Hidden units. */
  hiddenSize: number;
  /** 1 (default) or 2 for bidirectional. */
  directions?: number;
  /** Bias vectors present (default true). */
  bias?: boolean;
  /**
   * How many bias vectors of `gates × hidden` each direction has (default 2): PyTorch (`b_ih`, `b_hh`)
   * and ONNX (`Wb`, `Rb` in `B`) have 2; TF.js LSTM, SimpleRNN and GRU without `resetAfter` have 1.
   */
  biasVectors?: number;
  /** Stacked layers (default 1); layers after the first read `directions × hiddenSize` features. */
  numLayers?: number;
}

/** Parameters of {@link attentionMacs}. */
export interface AttentionMacsParams {
  batch: number;
  queryLength: number;
  keyLength: number;
  /** Features of the query input (PyTorch `embed_dim`). */
  embedDim: number;
  numHeads: number;
  /** Per-head query/key size (default `embedDim / numHeads`, which must then divide evenly). */
  keyDim?: number;
  /** Per-head value size (default `keyDim`). */
  valueDim?: number;
  /** Count the Q, K, V and output projections (default true). */
  projections?: boolean;
  /** The projections have biases (default true). */
  bias?: boolean;
  /** Features of the key input (PyTorch `kdim`; default `embedDim`). */
  keyInputDim?: number;
  /** Features of the value input (PyTorch `vdim`; default `embedDim`). */
  valueInputDim?: number;
  /** Features of the output projection (TF.js `outputShape`; default `embedDim`). */
  outputDim?: number;
}

/**
 * Convolution (1-D, 2-D, 3-D, grouped, depthwise):
 * `out elements × (inChannels / groups) × Π kernelSize`, plus `out elements` with bias.
 * Equals torchinfo's Conv rows (`params × N × Π out spatial`).
 */
export function convMacs(p: ConvMacsParams): number {
  const fn = 'convMacs';
  const out = shape(fn, 'outputShape', p.outputShape);
  const kernel = positiveShape(fn, 'kernelSize', p.kernelSize);
  const inChannels = count(fn, 'inChannels', p.inChannels);
  const groups = positive(fn, 'groups', p.groups ?? 1);
  if (out.length !== kernel.length + 2) {
    fail(fn, `outputShape [${out.join(', ')}] needs batch, channel and ${kernel.length} spatial axes (kernelSize has ${kernel.length})`);
  }
  const outChannels = p.channelsLast === true ? out[out.length - 1]! : out[1]!;
  divisible(fn, 'inChannels', inChannels, groups);
  divisible(fn, 'output channels', outChannels, groups);
  const outElements = product(out);
  return outElements * (inChannels / groups) * product(kernel) + (p.bias === true ? outElements : 0);
}

/**
 * Transposed convolution: every input element is multiplied into a `(outChannels / groups) × Π kernel`
 * patch, so `input elements × (outChannels / groups) × Π kernelSize`, plus `output elements` with
 * bias (as onnx-tool; torchinfo instead multiplies the weight count by the output positions).
 */
export function convTransposeMacs(p: ConvTransposeMacsParams): number {
  const fn = 'convTransposeMacs';
  const input = shape(fn, 'inputShape', p.inputShape);
  const kernel = positiveShape(fn, 'kernelSize', p.kernelSize);
  const outChannels = count(fn, 'outChannels', p.outChannels);
  const groups = positive(fn, 'groups', p.groups ?? 1);
  if (input.length !== kernel.length + 2) {
    fail(fn, `inputShape [${input.join(', ')}] needs batch, channel and ${kernel.length} spatial axes (kernelSize has ${kernel.length})`);
  }
  const inChannels = p.channelsLast === true ? input[input.length - 1]! : input[1]!;
  divisible(fn, 'input channels', inChannels, groups);
  divisible(fn, 'outChannels', outChannels, groups);
  const output = p.outputShape === undefined ? undefined : shape(fn, 'outputShape', p.outputShape);
  if (p.bias === true && output === undefined) fail(fn, 'bias needs outputShape (1 MAC per output element)');
  const weightMacs = product(input) * (outChannels / groups) * product(kernel);
  return weightMacs + (p.bias === true && output !== undefined ? product(output) : 0);
}

/**
 * Dense / Linear / fully connected: `out elements × inFeatures`, plus `out elements` with bias.
 * For 2-D inputs this equals torchinfo; for `[N, T, F]` inputs torchinfo counts only `N × params`,
 * this counts every position.
 */
export function denseMacs(p: { outputShape: readonly number[]; inFeatures: number; bias?: boolean }): number {
  const fn = 'denseMacs';
  const outElements = product(shape(fn, 'outputShape', p.outputShape));
  return outElements * count(fn, 'inFeatures', p.inFeatures) + (p.bias === true ? outElements : 0);
}

/**
 * MatMul with numpy semantics: a 1-D `a` is `[1, K]`, a 1-D `b` is `[K, 1]`, batch axes broadcast.
 * Returns `Π broadcast batch × M × K × N`. Mismatched K or batch axes throw `INVALID_SHAPE`.
 */
export function matmulMacs(a: readonly number[], b: readonly number[]): number {
  const fn = 'matmulMacs';
  const sa = shape(fn, 'a', a);
  const sb = shape(fn, 'b', b);
  if (sa.length === 0 || sb.length === 0) fail(fn, 'operands must have at least one axis (matmul does not take scalars)');
  const am = sa.length === 1 ? [1, sa[0]!] : sa;
  const bm = sb.length === 1 ? [sb[0]!, 1] : sb;
  const m = am[am.length - 2]!;
  const k = am[am.length - 1]!;
  const kb = bm[bm.length - 2]!;
  const n = bm[bm.length - 1]!;
  if (k !== kb) fail(fn, `inner dimensions differ: a [${sa.join(', ')}] has K=${k}, b [${sb.join(', ')}] has K=${kb}`);
  const batch = broadcastBatch(fn, am.slice(0, -2), bm.slice(0, -2));
  return batch * m * k * n;
}

/** ONNX Gemm (`A[m,k] × B[k,n]`): `m × n × k`, plus `m × n` with a bias `C`. */
export function gemmMacs(p: { m: number; n: number; k: number; bias?: boolean }): number {
  const fn = 'gemmMacs';
  const m = count(fn, 'm', p.m);
  const n = count(fn, 'n', p.n);
  const k = count(fn, 'k', p.k);
  return m * n * k + (p.bias === true ? m * n : 0);
}

/**
 * LSTM (4 gates), torchinfo's formula: for each layer, direction, time step and batch item,
 * `4H × (I + H)` weight MACs plus `biasVectors × 4H` bias MACs (I = inputSize for layer 0, else
 * `directions × H`). Total `seqLen × batch × directions × Σ_layers (4H(I+H) + biasVectors·4H)`,
 * i.e. torchinfo's `prod(output_size[:2]) × params` for `nn.LSTM`. Gate products and the cell
 * update (elementwise) are not counted.
 */
export function lstmMacs(p: RecurrentMacsParams): number {
  return recurrentMacs('lstmMacs', 4, p);
}

/** GRU (3 gates): as {@link lstmMacs} with `3H` in place of `4H`. */
export function gruMacs(p: RecurrentMacsParams): number {
  return recurrentMacs('gruMacs', 3, p);
}

/** Simple RNN (1 gate): as {@link lstmMacs} with `H` in place of `4H`. */
export function rnnMacs(p: RecurrentMacsParams): number {
  return recurrentMacs('rnnMacs', 1, p);
}

/**
 * Multi-head attention, with h heads, dk = keyDim, dv = valueDim, B = batch, Lq / Lk = lengths:
 * projections (when `projections`) `B·Lq·E·h·dk` (Q) + `B·Lk·Ek·h·dk` (K) + `B·Lk·Ev·h·dv` (V)
 * + `B·Lq·h·dv·Eout` (output), each plus its output elements when `bias`; then `B·h·Lq·Lk·dk`
 * (Q·Kᵀ) + `B·h·Lq·Lk·dv` (weights·V). Scaling and softmax are not included (activations cost 0).
 */
export function attentionMacs(p: AttentionMacsParams): number {
  const fn = 'attentionMacs';
  const b = count(fn, 'batch', p.batch);
  const lq = count(fn, 'queryLength', p.queryLength);
  const lk = count(fn, 'keyLength', p.keyLength);
  const e = count(fn, 'embedDim', p.embedDim);
  const h = positive(fn, 'numHeads', p.numHeads);
  if (p.keyDim === undefined && e % h !== 0) fail(fn, `embedDim ${e} is not divisible by numHeads ${h}; pass keyDim`);
  const dk = p.keyDim === undefined ? e / h : count(fn, 'keyDim', p.keyDim);
  const dv = p.valueDim === undefined ? dk : count(fn, 'valueDim', p.valueDim);
  const ek = p.keyInputDim === undefined ? e : count(fn, 'keyInputDim', p.keyInputDim);
  const ev = p.valueInputDim === undefined ? e : count(fn, 'valueInputDim', p.valueInputDim);
  const eo = p.outputDim === undefined ? e : count(fn, 'outputDim', p.outputDim);
  const core = b * h * lq * lk * (dk + dv);
  if (p.projections === false) return core;
  const withBias = p.bias !== false;
  const proj = (rows: number, inF: number, outF: number): number => rows * outF * (inF + (withBias ? 1 : 0));
  return proj(b * lq, e, h * dk) + proj(b * lk, ek, h * dk) + proj(b * lk, ev, h * dv) + proj(b * lq, h * dv, eo) + core;
}

/**
 * BatchNorm, torchinfo's convention (checked against its rows): `N × params` where N =
 * `outputShape[0]` and params = `2 × C` (γ and β) when `affine`, else 0 — not per element
 * (BatchNorm2d [1, 32, 112, 112] → 64). Running statistics are buffers and do not count.
 * The channel axis is 1 by default (`channelsLast` or `axis` change it; negative axes count from the end).
 */
export function batchNormMacs(p: { outputShape: readonly number[]; affine?: boolean; axis?: number; channelsLast?: boolean }): number {
  const fn = 'batchNormMacs';
  const out = shape(fn, 'outputShape', p.outputShape);
  if (out.length < 2) fail(fn, `outputShape [${out.join(', ')}] needs batch and channel axes`);
  const axis = resolveAxis(fn, p.axis ?? (p.channelsLast === true ? -1 : 1), out.length);
  if (axis === 0) fail(fn, 'the channel axis cannot be the batch axis 0');
  return p.affine === false ? 0 : out[0]! * 2 * out[axis]!;
}

/**
 * LayerNorm, the same torchinfo convention as {@link batchNormMacs}: `N × params` where N =
 * `outputShape[0]` and params = `2 × Π outputShape[axis..]` (γ and β over the normalized trailing
 * axes; `axis` defaults to -1, as ONNX LayerNormalization / TF.js / PyTorch `normalized_shape`)
 * when `affine`, else 0.
 */
export function layerNormMacs(p: { outputShape: readonly number[]; affine?: boolean; axis?: number }): number {
  const fn = 'layerNormMacs';
  const out = shape(fn, 'outputShape', p.outputShape);
  if (out.length < 2) fail(fn, `outputShape [${out.join(', ')}] needs a batch axis and a normalized axis`);
  const axis = resolveAxis(fn, p.axis ?? -1, out.length);
  if (axis === 0) fail(fn, 'the normalized axes cannot include the batch axis 0');
  return p.affine === false ? 0 : out[0]! * 2 * product(out.slice(axis));
}

/** Elementwise op with a weight (Add / Mul / Sub / Div by a constant, PReLU, ...): 1 MAC per output element. */
export function elementwiseMacs(outputShape: readonly number[]): number {
  return product(shape('elementwiseMacs', 'outputShape', outputShape));
}

function recurrentMacs(fn: string, gates: number, p: RecurrentMacsParams): number {
  const t = count(fn, 'seqLen', p.seqLen);
  const b = count(fn, 'batch', p.batch);
  const i0 = count(fn, 'inputSize', p.inputSize);
  const h = count(fn, 'hiddenSize', p.hiddenSize);
  const d = positive(fn, 'directions', p.directions ?? 1);
  if (d > 2) fail(fn, `directions must be 1 or 2, got ${d}`);
  const layers = positive(fn, 'numLayers', p.numLayers ?? 1);
  const biasVectors = p.bias === false ? 0 : count(fn, 'biasVectors', p.biasVectors ?? 2);
  let perStep = 0;
  for (let l = 0; l < layers; l++) {
    const i = l === 0 ? i0 : d * h;
    perStep += gates * h * (i + h) + biasVectors * gates * h;
  }
  return t * b * d * perStep;
}

function broadcastBatch(fn: string, a: readonly number[], b: readonly number[]): number {
  const rank = Math.max(a.length, b.length);
  let total = 1;
  for (let r = 1; r <= rank; r++) {
    const x = a[a.length - r] ?? 1;
    const y = b[b.length - r] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      fail(fn, `batch axes do not broadcast: [${a.join(', ')}] vs [${b.join(', ')}] (${x} vs ${y})`);
    }
    total *= x === 1 ? y : x;
  }
  return total;
}

function resolveAxis(fn: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) fail(fn, `axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

function divisible(fn: string, name: string, value: number, groups: number): void {
  if (value % groups !== 0) fail(fn, `${name} (${value}) is not divisible by groups (${groups})`);
}

function product(dims: readonly number[]): number {
  return dims.reduce((acc, d) => acc * d, 1);
}

function shape(fn: string, name: string, dims: readonly number[]): readonly number[] {
  if (!Array.isArray(dims)) fail(fn, `${name} must be an array of dimensions, got ${String(dims)}`);
  dims.forEach((d, i) => count(fn, `${name}[${i}]`, d));
  return dims;
}

function positiveShape(fn: string, name: string, dims: readonly number[]): readonly number[] {
  shape(fn, name, dims);
  if (dims.length === 0) fail(fn, `${name} must have at least one axis`);
  dims.forEach((d, i) => positive(fn, `${name}[${i}]`, d));
  return dims;
}

function count(fn: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isInteger(value) || value < 0) {
    fail(fn, `${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function positive(fn: string, name: string, value: number): number {
  count(fn, name, value);
  if (value === 0) fail(fn, `${name} must be at least 1, got 0`);
  return value;
}

function fail(fn: string, message: string): never {
  throw summaryError('INVALID_SHAPE', `${fn}: ${message}`, { details: { function: fn } });
}
