/**
 * The formulas of the tfjs-layers MACs table (`layer-macs-table.ts`): each reads one layer call's
 * class config and the shapes it saw, and calls core's helper.
 */
import {
  batchNormMacs,
  convMacs,
  convTransposeMacs,
  denseMacs,
  elementwiseMacs,
  gruMacs,
  layerNormMacs,
  lstmMacs,
  rnnMacs,
  type MacsRule,
} from '@modelsummary/core';
import type { LayerInfo } from './layer-macs.js';

type Shape = readonly number[];

/** What a layer formula sees: the layer, the shapes of its call, and `x` / `y`, the first input and output. */
export interface LayerCall {
  readonly info: LayerInfo;
  readonly inputs: readonly Shape[];
  readonly outputs: readonly Shape[];
  readonly x: Shape;
  readonly y: Shape;
}

type LayerRule = MacsRule<LayerCall>;

const last = (s: Shape): number => s[s.length - 1] as number;

function kernel(config: Record<string, unknown>, rank: number): number[] {
  const k = config.kernelSize;
  if (Array.isArray(k)) return k as number[];
  return Array.from({ length: rank }, () => k as number);
}

const channelsLast = (config: Record<string, unknown>): boolean => config.dataFormat !== 'channelsFirst';
const channels = (shape: Shape, cl: boolean): number => (cl ? last(shape) : (shape[1] as number));
const useBias = (config: Record<string, unknown>): boolean => config.useBias !== false;
const affine = (config: Record<string, unknown>): boolean => config.center !== false || config.scale !== false;

function withChannels(shape: Shape, c: number, cl: boolean): number[] {
  const out = [...shape];
  out[cl ? out.length - 1 : 1] = c;
  return out;
}

function normAxis(axis: unknown): number | undefined {
  if (typeof axis === 'number') return axis;
  if (Array.isArray(axis) && axis.length === 1 && typeof axis[0] === 'number') return axis[0];
  return undefined;
}

/** Dense: out elements × in features (+ bias). */
export const dense: LayerRule = ({ info, x, y }) => denseMacs({ outputShape: y, inFeatures: last(x), bias: useBias(info.config) });

/** Conv1D/2D/3D. */
export const conv: LayerRule = ({ info: { config }, x, y }) => {
  const cl = channelsLast(config);
  return convMacs({ outputShape: y, inChannels: channels(x, cl), kernelSize: kernel(config, y.length - 2), bias: useBias(config), channelsLast: cl });
};

/** Conv2DTranspose / Conv3DTranspose. */
export const convTranspose: LayerRule = ({ info: { config }, x, y }) => {
  const cl = channelsLast(config);
  return convTransposeMacs({ inputShape: x, outChannels: channels(y, cl), kernelSize: kernel(config, x.length - 2), bias: useBias(config), channelsLast: cl, outputShape: y });
};

/** DepthwiseConv2D: groups = input channels. */
export const depthwiseConv: LayerRule = ({ info: { config }, x, y }) => {
  const cl = channelsLast(config);
  const c = channels(x, cl);
  return convMacs({ outputShape: y, inChannels: c, kernelSize: kernel(config, y.length - 2), groups: c, bias: useBias(config), channelsLast: cl });
};

/** SeparableConv1D/2D: a depthwise conv (× `depthMultiplier`) then a 1×1 pointwise conv with the bias. */
export const separableConv: LayerRule = ({ info: { config }, x, y }) => {
  const cl = channelsLast(config);
  const c = channels(x, cl);
  const mid = c * ((config.depthMultiplier as number | undefined) ?? 1);
  const k = kernel(config, y.length - 2);
  const depthwise = convMacs({ outputShape: withChannels(y, mid, cl), inChannels: c, kernelSize: k, groups: c, channelsLast: cl });
  const pointwise = convMacs({ outputShape: y, inChannels: mid, kernelSize: k.map(() => 1), bias: useBias(config), channelsLast: cl });
  return depthwise + pointwise;
};

/** LSTM / GRU / SimpleRNN over `[batch, time, features]`; another class gives `undefined`. */
export function recurrentMacs(info: LayerInfo, input: Shape, directions: number): number | undefined {
  const cfg = info.config;
  const units = cfg.units as number;
  if (input.length !== 3 || typeof units !== 'number') return undefined;
  const p = {
    seqLen: input[1] as number,
    batch: input[0] as number,
    inputSize: input[2] as number,
    hiddenSize: units,
    directions,
    bias: useBias(cfg),
    biasVectors: info.className === 'GRU' && cfg.resetAfter === true ? 2 : 1,
  };
  if (info.className === 'LSTM') return lstmMacs(p);
  if (info.className === 'GRU') return gruMacs(p);
  if (info.className === 'SimpleRNN') return rnnMacs(p);
  return undefined;
}

/** LSTM / GRU / SimpleRNN, one direction. */
export const recurrent: LayerRule = ({ info, x }) => recurrentMacs(info, x, 1);

/** Bidirectional: the wrapped recurrent layer, both directions. */
export const bidirectional: LayerRule = ({ info, x }) => (info.inner ? recurrentMacs(info.inner, x, 2) : undefined);

/** BatchNormalization: N × 2C when centred or scaled. */
export const batchNorm: LayerRule = ({ info: { config }, y }) =>
  batchNormMacs({ outputShape: y, axis: normAxis(config.axis) ?? -1, affine: affine(config) });

/** LayerNormalization: N × 2 × Π normalized axes when centred or scaled (one axis only). */
export const layerNorm: LayerRule = ({ info: { config }, y }) => {
  const axis = normAxis(config.axis);
  return axis === undefined ? undefined : layerNormMacs({ outputShape: y, axis, affine: affine(config) });
};

/** Merges between activations (Add, Subtract, Multiply, Average): out elements × (inputs − 1), as the ONNX adapter. */
export const merge: LayerRule = ({ inputs, y }) => elementwiseMacs(y) * Math.max(0, inputs.length - 1);

/** Element-wise with a weight (PReLU, Rescaling): 1 per output element. */
export const weightedElementwise: LayerRule = ({ y }) => elementwiseMacs(y);
