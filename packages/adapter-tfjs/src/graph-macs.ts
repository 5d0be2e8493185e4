/** MACs of one converted-graph node from its op, attributes and observed shapes (core's formulas). */
import { ZERO_MAC_OPS, batchNormMacs, convMacs, convTransposeMacs, elementwiseMacs, matmulMacs } from '@modelsummary/core';
import type { GraphNodeLike } from './types.js';

type Shape = readonly number[];

/**
 * TensorFlow op names that cost 0 MACs by core's convention (activations, pooling, reductions, data
 * movement) and that core's {@link ZERO_MAC_OPS} does not already list (shared names come from core).
 */
const TF_ZERO = new Set([
  'Softmax', 'LogSoftmax', 'Relu6', 'Rsqrt', 'Square', 'AvgPool', 'MaxPool3D', 'AvgPool3D',
  'Mean', 'Sum', 'Prod', 'All', 'Any', 'TopKV2', 'NotEqual', 'LessEqual', 'GreaterEqual',
  'LogicalAnd', 'LogicalOr', 'LogicalNot', 'Select', 'SelectV2',
  'IdentityN', 'StopGradient', 'NoOp', 'ExpandDims', 'ConcatV2', 'Pack', 'Unpack', 'SplitV', 'StridedSlice',
  'PadV2', 'MirrorPad', 'ShapeN', 'Rank', 'Fill', 'ZerosLike', 'OnesLike', 'GatherV2', 'GatherNd', 'ScatterNd',
  'ResizeBilinear', 'ResizeNearestNeighbor', 'SpaceToBatchND', 'BatchToSpaceND', 'BroadcastTo',
  'Placeholder', 'PlaceholderWithDefault', 'Const',
]);
/** Elementwise arithmetic: `elementwiseMacs(output) × (inputs − 1)`; a name core's ZERO_MAC_OPS lists (Maximum, Minimum) is 0. */
const ELEMENTWISE = new Set(['BiasAdd', 'Add', 'AddV2', 'AddN', 'Sub', 'Mul', 'RealDiv', 'Div', 'DivNoNan', 'FloorDiv',
  'Maximum', 'Minimum', 'SquaredDifference', 'Prelu', 'Pow']);

function attr(node: GraphNodeLike, name: string): unknown {
  return node.attrParams?.[name]?.value;
}

function fusedBias(node: GraphNodeLike): boolean {
  const ops = attr(node, 'fusedOps');
  return Array.isArray(ops) && ops.some((o) => String(o).toLowerCase() === 'biasadd');
}

function channelsLast(node: GraphNodeLike): boolean {
  const f = attr(node, 'dataFormat');
  return typeof f !== 'string' || !f.toUpperCase().startsWith('NC');
}

function swapLast(s: Shape, swap: boolean): number[] {
  const out = [...s];
  if (swap && out.length >= 2) [out[out.length - 2], out[out.length - 1]] = [out[out.length - 1] as number, out[out.length - 2] as number];
  return out;
}

/** `inputs`: shapes of every input (data and weights) in the node's input order. */
export function graphMacs(node: GraphNodeLike, inputs: readonly (Shape | undefined)[], outputs: readonly Shape[]): number | undefined {
  try {
    return compute(node, inputs, outputs);
  } catch {
    return undefined;
  }
}

function compute(node: GraphNodeLike, inputs: readonly (Shape | undefined)[], outputs: readonly Shape[]): number | undefined {
  const op = node.op;
  const y = outputs[0];
  if (y === undefined) return undefined;
  switch (op) {
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case '_FusedConv2D':
    case '_FusedConv3D': {
      const k = inputs[1];
      if (!k) return undefined;
      const spatial = k.length - 2;
      return convMacs({
        outputShape: y,
        inChannels: k[spatial] as number,
        kernelSize: k.slice(0, spatial),
        bias: fusedBias(node),
        channelsLast: channelsLast(node),
      });
    }
    case 'DepthwiseConv2d':
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2dNative': {
      const k = inputs[1];
      if (!k || k.length !== 4) return undefined;
      const c = k[2] as number;
      return convMacs({ outputShape: y, inChannels: c, kernelSize: k.slice(0, 2), groups: c, bias: fusedBias(node), channelsLast: channelsLast(node) });
    }
    case 'Conv2DBackpropInput': {
      // inputs: output shape, filter [h, w, out, in], x
      const k = inputs[1];
      const x = inputs[2];
      if (!k || !x) return undefined;
      return convTransposeMacs({ inputShape: x, outChannels: k[2] as number, kernelSize: k.slice(0, 2), channelsLast: channelsLast(node) });
    }
    case 'MatMul':
    case '_FusedMatMul':
    case 'BatchMatMul':
    case 'BatchMatMulV2': {
      const a = inputs[0];
      const b = inputs[1];
      if (!a || !b) return undefined;
      const ta = attr(node, 'transposeA') === true;
      const tb = attr(node, 'transposeB') === true;
      return matmulMacs(swapLast(a, ta), swapLast(b, tb)) + (fusedBias(node) ? elementwiseMacs(y) : 0);
    }
    case 'FusedBatchNorm':
    case 'FusedBatchNormV2':
    case 'FusedBatchNormV3':
      return batchNormMacs({ outputShape: y, channelsLast: channelsLast(node) });
    default:
      break;
  }
  if (ZERO_MAC_OPS.has(op) || TF_ZERO.has(op)) return 0;
  if (ELEMENTWISE.has(op)) return elementwiseMacs(y) * Math.max(0, inputs.length - 1);
  return undefined;
}
