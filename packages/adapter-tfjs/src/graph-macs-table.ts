/**
 * The TF.js graph-op MACs table: every TensorFlow op (a converted GraphModel's `node.op`) the
 * adapter knows, one entry each — in a zero list (0 MACs by the convention) or with a formula from
 * `graph-macs-formulas.ts`. Grouped by tfjs-converter's op categories. An op not listed shows "?".
 *
 * To give an op its MACs, add it here: to a zero list, or under `formulas` with its rule.
 */
import { defineMacsTable } from '@modelsummary/core';
import { batchNorm, conv, convTranspose, depthwiseConv, elementwise, matmul, type GraphOpCall } from './graph-macs-formulas.js';

export const GRAPH_OP_MACS = defineMacsTable<GraphOpCall>({
  zero: {
    'basic math (activations, unary)': [
      'Relu', 'Relu6', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus', 'Erf', 'Exp', 'Log',
      'Sqrt', 'Rsqrt', 'Square', 'Reciprocal', 'Abs', 'Neg', 'Sign', 'Floor', 'Ceil', 'Round', 'Sin',
      'Cos', 'IsInf', 'Atan2',
    ],
    normalization: ['Softmax', 'LogSoftmax'],
    'convolution (pooling)': ['MaxPool', 'AvgPool', 'MaxPool3D', 'AvgPool3D'],
    reduction: ['ArgMax', 'ArgMin', 'Max', 'Min', 'Mean', 'Sum', 'Prod', 'All', 'Any'],
    // selection by comparisons (as ONNX's TopK and NonMaxSuppression): no multiply-adds
    evaluation: ['TopKV2', 'NonMaxSuppressionV2', 'NonMaxSuppressionV3', 'NonMaxSuppressionV4', 'NonMaxSuppressionV5'],
    logical: [
      'Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr',
      'LogicalNot', 'Select', 'SelectV2',
    ],
    'arithmetic (selection)': ['Maximum', 'Minimum'],
    dynamic: ['Where'],
    transformation: [
      'Reshape', 'Squeeze', 'ExpandDims', 'Pad', 'PadV2', 'MirrorPad', 'Cast', 'DepthToSpace',
      'SpaceToBatchND', 'BatchToSpaceND', 'BroadcastTo',
    ],
    matrices: ['Transpose'],
    slice_join: [
      'Concat', 'ConcatV2', 'Pack', 'Unpack', 'Split', 'SplitV', 'Slice', 'StridedSlice', 'Gather',
      'GatherV2', 'GatherNd', 'ScatterNd', 'Tile',
    ],
    graph: [
      'Placeholder', 'PlaceholderWithDefault', 'Const', 'Identity', 'IdentityN', 'StopGradient', 'NoOp',
      'Shape', 'ShapeN', 'Size', 'Rank',
    ],
    creation: ['Fill', 'ZerosLike', 'OnesLike', 'Range', 'OneHot'],
    image: ['ResizeBilinear', 'ResizeNearestNeighbor'],
    sparse: ['SparseToDense'],
    // Loops and branches move tensors between frames; the nodes inside the loop are rows of their own.
    control: [
      'Enter', 'Exit', 'Switch', 'Merge', 'NextIteration', 'LoopCond', 'TensorArrayV3', 'TensorArrayReadV3',
      'TensorArrayWriteV3', 'TensorArrayGatherV3', 'TensorArrayScatterV3', 'TensorArraySizeV3', 'TensorArraySplitV3',
      'TensorArrayConcatV3', 'TensorArrayCloseV3', 'TensorListReserve', 'TensorListFromTensor', 'TensorListStack',
      'TensorListGetItem', 'TensorListSetItem', 'TensorListLength', 'TensorListPushBack', 'TensorListPopBack',
      'TensorListConcatV2', 'TensorListElementShape', 'TensorListScatterV2', 'TensorListGather', 'TensorListSplit',
    ],
  },
  formulas: {
    convolution: {
      Conv1D: conv,
      Conv2D: conv,
      Conv3D: conv,
      _FusedConv2D: conv,
      _FusedConv3D: conv,
      DepthwiseConv2d: depthwiseConv,
      DepthwiseConv2dNative: depthwiseConv,
      FusedDepthwiseConv2dNative: depthwiseConv,
      Conv2DBackpropInput: convTranspose,
    },
    matrices: {
      MatMul: matmul,
      _FusedMatMul: matmul,
      BatchMatMul: matmul,
      BatchMatMulV2: matmul,
    },
    normalization: {
      FusedBatchNorm: batchNorm,
      FusedBatchNormV2: batchNorm,
      FusedBatchNormV3: batchNorm,
    },
    arithmetic: {
      BiasAdd: elementwise,
      Add: elementwise,
      AddV2: elementwise,
      AddN: elementwise,
      Sub: elementwise,
      Mul: elementwise,
      RealDiv: elementwise,
      Div: elementwise,
      DivNoNan: elementwise,
      FloorDiv: elementwise,
      FloorMod: elementwise,
      SquaredDifference: elementwise,
      Pow: elementwise,
      Prelu: elementwise,
    },
  },
});
