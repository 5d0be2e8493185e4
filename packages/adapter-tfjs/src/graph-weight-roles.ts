/**
 * What a constant is to the TF.js op input it feeds, for core's parameter rule
 * (`isParameterConstant`): weight inputs of compute ops, shape / axis / index inputs, and the
 * rest (`operand`). One entry per op: the input positions of each role.
 */
import type { ConstantRole } from '@modelsummary/core';
import type { GraphNodeLike } from './types.js';

type Positions = readonly number[] | 'all' | 'last' | 'from1';

const WEIGHT: Record<string, Positions> = {
  Conv1D: [1],
  Conv2D: [1],
  Conv3D: [1],
  Conv2DBackpropInput: [1],
  Conv3DBackpropInputV2: [1],
  DepthwiseConv2d: [1],
  DepthwiseConv2dNative: [1],
  Dilation2D: [1],
  _FusedConv2D: 'from1',
  FusedDepthwiseConv2dNative: 'from1',
  MatMul: 'all',
  BatchMatMul: 'all',
  BatchMatMulV2: 'all',
  _FusedMatMul: 'all',
  Einsum: 'all',
  BiasAdd: [1],
  FusedBatchNorm: [1, 2, 3, 4],
  FusedBatchNormV2: [1, 2, 3, 4],
  FusedBatchNormV3: [1, 2, 3, 4],
  Prelu: [1],
  Gather: [0],
  GatherV2: [0],
  ResourceGather: [0],
  LSTMBlockCell: [1, 2, 3, 4, 5, 6, 7],
};

const SHAPE: Record<string, Positions> = {
  Reshape: [1],
  Fill: [0],
  BroadcastTo: [1],
  BroadcastArgs: 'all',
  Tile: [1],
  Pad: [1],
  PadV2: [1],
  MirrorPad: [1],
  ResizeBilinear: [1],
  ResizeNearestNeighbor: [1],
  CropAndResize: [3],
  Slice: [1, 2],
  StridedSlice: [1, 2, 3],
  Conv2DBackpropInput: [0],
  SpaceToBatchND: [1, 2],
  BatchToSpaceND: [1, 2],
  Range: 'all',
  ScatterNd: [2],
  SparseToDense: [1],
  SparseReshape: [1, 2],
  RandomUniform: [0],
  RandomStandardNormal: [0],
  TruncatedNormal: [0],
  Zeros: [0],
  Ones: [0],
  EnsureShape: [1],
  TensorListReserve: [0, 1],
  TensorListFromTensor: [1],
  TensorListStack: [1],
  TensorListGetItem: [2],
  TensorListSetItem: [],
  TensorArrayV3: [0],
  TensorArrayGatherV3: [],
  Multinomial: [1],
};

const AXIS: Record<string, Positions> = {
  ConcatV2: 'last',
  Concat: [0],
  Mean: [1],
  Sum: [1],
  Max: [1],
  Min: [1],
  Prod: [1],
  All: [1],
  Any: [1],
  ArgMax: [1],
  ArgMin: [1],
  ExpandDims: [1],
  Transpose: [1],
  Split: [0],
  SplitV: [1, 2],
  Cumsum: [1],
  Cumprod: [1],
  ReverseV2: [1],
  GatherV2: [2],
  EuclideanNorm: [1],
};

const INDEX: Record<string, Positions> = {
  Gather: [1],
  GatherV2: [1],
  ResourceGather: [1],
  GatherNd: [1],
  ScatterNd: [0],
  TensorScatterUpdate: [1],
  SparseToDense: [0],
  TopKV2: [1],
  NonMaxSuppressionV2: [2],
  NonMaxSuppressionV3: [2],
  NonMaxSuppressionV4: [2],
  NonMaxSuppressionV5: [2],
  OneHot: [0, 1],
  TensorListGetItem: [1],
  TensorListSetItem: [1],
  TensorArrayReadV3: [1],
  TensorArrayWriteV3: [1],
  TensorArrayGatherV3: [1],
  TensorArrayScatterV3: [1],
  UnsortedSegmentSum: [1, 2],
  Bincount: [1],
  DenseBincount: [1],
};

function has(positions: Positions | undefined, index: number, count: number): boolean {
  if (positions === undefined) return false;
  if (positions === 'all') return true;
  if (positions === 'last') return index === count - 1;
  if (positions === 'from1') return index >= 1;
  return positions.includes(index);
}

/**
 * The role of input `index` of `node` for a constant of `dtype`. TF.js has no integer weights
 * (quantized weights are dequantized to float when loaded): an integer or bool constant is never
 * in a `weight` role (an int32 `MatMul` operand is index arithmetic).
 */
export function inputRole(node: GraphNodeLike, index: number, dtype: string): ConstantRole {
  const count = (node.inputNames ?? []).filter((n) => !n.startsWith('^')).length;
  const float = dtype === 'float32' || dtype === 'complex64';
  if (float && has(WEIGHT[node.op], index, count)) return 'weight';
  if (has(SHAPE[node.op], index, count)) return 'shape';
  if (has(AXIS[node.op], index, count)) return 'axis';
  if (has(INDEX[node.op], index, count)) return 'index';
  return 'operand';
}

/** Ops that hand their input on unchanged: a constant's role is what their readers make of it. */
export const PASS_THROUGH_OPS = new Set(['Identity', 'IdentityN', 'Enter', 'Exit', 'Switch', 'Merge', 'NextIteration', 'StopGradient', 'Snapshot', 'PreventGradient']);
