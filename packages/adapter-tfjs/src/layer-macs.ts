/** MACs of one tfjs-layers call from its class, config and observed shapes (core's formulas). */
import {
  ZERO_MAC_OPS,
  batchNormMacs,
  convMacs,
  convTransposeMacs,
  denseMacs,
  elementwiseMacs,
  gruMacs,
  layerNormMacs,
  lstmMacs,
  rnnMacs,
} from '@modelsummary/core';

/** tfjs-layers classes that cost 0 MACs by the same convention, beyond core's {@link ZERO_MAC_OPS}. */
const EXTRA_ZERO = new Set([
  'Softmax', // activations cost 0 (as torchinfo and the ONNX adapter)
  'ZeroPadding1D', 'ZeroPadding3D', 'Cropping1D', 'Cropping3D', 'UpSampling1D', 'UpSampling3D',
  'GlobalMaxPooling3D', 'GlobalAveragePooling3D', 'CenterCrop', 'Resizing', 'CategoryEncoding',
  'RandomWidth', 'RandomHeight', 'Identity',
]);
/**
 * Merges between activations: `elementwiseMacs(output) × (inputs − 1)`, as the ONNX adapter — unless
 * core's ZERO_MAC_OPS lists the name (it does Maximum / Minimum: then 0), which is checked first.
 */
const MERGE_ARITHMETIC = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);
const ELEMENTWISE_WEIGHTED = new Set(['PReLU', 'Rescaling']);

export interface LayerInfo {
  className: string;
  config: Record<string, unknown>;
  /** The wrapped layer of `Bidirectional` / `TimeDistributed`. */
  inner?: LayerInfo;
}

type Shape = readonly number[];
const last = (s: Shape): number => s[s.length - 1] as number;

function kernel(config: Record<string, unknown>, rank: number): number[] {
  const k = config.kernelSize;
  if (Array.isArray(k)) return k as number[];
  return Array.from({ length: rank }, () => k as number);
}

function channelsLast(config: Record<string, unknown>): boolean {
  return config.dataFormat !== 'channelsFirst';
}

function channels(shape: Shape, cl: boolean): number {
  return cl ? last(shape) : (shape[1] as number);
}

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

function recurrent(info: LayerInfo, input: Shape, directions: number): number | undefined {
  const cfg = info.config;
  const units = cfg.units as number;
  if (input.length !== 3 || typeof units !== 'number') return undefined;
  const p = {
    seqLen: input[1] as number,
    batch: input[0] as number,
    inputSize: input[2] as number,
    hiddenSize: units,
    directions,
    bias: cfg.useBias !== false,
    biasVectors: info.className === 'GRU' && cfg.resetAfter === true ? 2 : 1,
  };
  if (info.className === 'LSTM') return lstmMacs(p);
  if (info.className === 'GRU') return gruMacs(p);
  if (info.className === 'SimpleRNN') return rnnMacs(p);
  return undefined;
}

/** MACs of one call, or `undefined` when the class has no formula (core shows "?"). */
export function layerMacs(info: LayerInfo, inputs: readonly Shape[], outputs: readonly Shape[]): number | undefined {
  try {
    return compute(info, inputs, outputs);
  } catch {
    return undefined;
  }
}

function compute(info: LayerInfo, inputs: readonly Shape[], outputs: readonly Shape[]): number | undefined {
  const cls = info.className;
  const cfg = info.config;
  const x = inputs[0];
  const y = outputs[0];
  if (x === undefined || y === undefined) return undefined;
  const bias = cfg.useBias !== false;
  switch (cls) {
    case 'Dense':
      return denseMacs({ outputShape: y, inFeatures: last(x), bias });
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      const cl = channelsLast(cfg);
      return convMacs({ outputShape: y, inChannels: channels(x, cl), kernelSize: kernel(cfg, y.length - 2), bias, channelsLast: cl });
    }
    case 'Conv2DTranspose':
    case 'Conv3DTranspose': {
      const cl = channelsLast(cfg);
      return convTransposeMacs({
        inputShape: x,
        outChannels: channels(y, cl),
        kernelSize: kernel(cfg, x.length - 2),
        bias,
        channelsLast: cl,
        outputShape: y,
      });
    }
    case 'DepthwiseConv2D': {
      const cl = channelsLast(cfg);
      const c = channels(x, cl);
      return convMacs({ outputShape: y, inChannels: c, kernelSize: kernel(cfg, y.length - 2), groups: c, bias, channelsLast: cl });
    }
    case 'SeparableConv1D':
    case 'SeparableConv2D': {
      const cl = channelsLast(cfg);
      const c = channels(x, cl);
      const mid = c * ((cfg.depthMultiplier as number | undefined) ?? 1);
      const k = kernel(cfg, y.length - 2);
      const depthwise = convMacs({ outputShape: withChannels(y, mid, cl), inChannels: c, kernelSize: k, groups: c, channelsLast: cl });
      const pointwise = convMacs({ outputShape: y, inChannels: mid, kernelSize: k.map(() => 1), bias, channelsLast: cl });
      return depthwise + pointwise;
    }
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN':
      return recurrent(info, x, 1);
    case 'Bidirectional':
      return info.inner ? recurrent(info.inner, x, 2) : undefined;
    case 'TimeDistributed':
      return info.inner ? compute(info.inner, inputs, outputs) : undefined;
    case 'BatchNormalization':
      return batchNormMacs({ outputShape: y, axis: normAxis(cfg.axis) ?? -1, affine: cfg.center !== false || cfg.scale !== false });
    case 'LayerNormalization': {
      const axis = normAxis(cfg.axis);
      if (axis === undefined) return undefined;
      return layerNormMacs({ outputShape: y, axis, affine: cfg.center !== false || cfg.scale !== false });
    }
    default:
      break;
  }
  if (ZERO_MAC_OPS.has(cls) || EXTRA_ZERO.has(cls)) return 0;
  if (MERGE_ARITHMETIC.has(cls)) return elementwiseMacs(y) * Math.max(0, inputs.length - 1);
  if (ELEMENTWISE_WEIGHTED.has(cls)) return elementwiseMacs(y);
  return undefined;
}
