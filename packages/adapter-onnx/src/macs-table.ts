/**
 * The ONNX MACs table: every op the ONNX adapter knows, one entry each — in a zero list (0 MACs by
 * the convention: activations, pooling, reductions, comparisons, data movement) or with a formula
 * from `macs-formulas.ts`. Keys are `op_type` for the default domain (`''` / `ai.onnx`) and
 * `domain:op_type` otherwise (`com.microsoft:Attention`). An op not listed here shows "?".
 *
 * To give an op its MACs, add it here: to a zero list, or under `formulas` with its rule.
 */
import { defineMacsTable, gruMacs, lstmMacs, rnnMacs } from '@modelsummary/core';
import {
  attention,
  batchNorm,
  biasActivation,
  conv,
  convTranspose,
  elementwise,
  gemm,
  groupQueryAttention,
  layerNorm,
  matmul,
  matmulNBits,
  multiHeadAttention,
  packedQkvAttention,
  perInputElement,
  perOutputElement,
  recurrent,
  rotaryEmbedding,
  simplifiedLayerNorm,
  skipLayerNorm,
  skipSimplifiedLayerNorm,
  type OnnxCall,
} from './macs-formulas.js';

/** Table key of an ONNX op: `op_type` in the default domain, else `domain:op_type`. */
export function onnxOpKey(domain: string, opType: string): string {
  return domain === '' || domain === 'ai.onnx' ? opType : `${domain}:${opType}`;
}

export const ONNX_MACS = defineMacsTable<OnnxCall>({
  zero: {
    activations: [
      'Relu', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh',
      'Softplus', 'Softsign', 'Mish', 'ThresholdedRelu', 'Clip', 'Shrink',
      'Softmax', 'LogSoftmax', 'Hardmax', // activations cost 0, as in torchinfo and the TF.js tables
    ],
    'unary math': [
      'Erf', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Abs', 'Neg', 'Sign', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos', 'Det',
    ],
    pooling: [
      'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'GlobalLpPool', 'MaxRoiPool', 'RoiAlign',
    ],
    reductions: [
      'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2',
      'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare', 'ArgMax', 'ArgMin', 'TopK',
    ],
    'comparison and logic': [
      'Max', 'Min', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor',
      'Not', 'Where', 'IsNaN', 'IsInf', 'NonMaxSuppression',
    ],
    'shape and data movement': [
      'Reshape', 'Flatten', 'Transpose', 'Concat', 'Split', 'Squeeze', 'Unsqueeze', 'Slice', 'Gather',
      'GatherElements', 'GatherND', 'ScatterND', 'ScatterElements', 'Expand', 'Tile', 'Pad', 'Shape',
      'Size', 'Identity', 'Cast', 'CastLike', 'NonZero', 'Compress', 'ReverseSequence', 'CenterCropPad',
      'Col2Im', 'DepthToSpace', 'SpaceToDepth', 'Trilu', 'SequenceConstruct',
    ],
    resampling: ['Resize', 'Upsample', 'GridSample'],
    generators: [
      'Constant', 'ConstantOfShape', 'Range', 'OneHot', 'EyeLike', 'RandomNormalLike', 'RandomUniformLike', 'Bernoulli',
    ],
    regularisation: ['Dropout'],
    'com.microsoft (ORT contrib versions of the ops above)': [
      'com.microsoft:Gelu', 'com.microsoft:GatherND', 'com.microsoft:GridSample', 'com.microsoft:Pad',
      'com.microsoft:Range', 'com.microsoft:ReverseSequence', 'com.microsoft:Trilu',
      'com.microsoft:QuickGelu', // x · sigmoid(αx): an activation
    ],
    'control flow (their bodies are rows of their own)': ['If', 'Loop', 'Scan'],
  },
  formulas: {
    convolution: {
      Conv: conv({ weight: 1, bias: 2 }),
      ConvInteger: conv({ weight: 1 }),
      QLinearConv: conv({ weight: 3, bias: 8 }),
      ConvTranspose: convTranspose,
      'com.microsoft:FusedConv': conv({ weight: 1, bias: 2 }),
    },
    'matrix products': {
      Gemm: gemm,
      MatMul: matmul(1),
      MatMulInteger: matmul(1),
      QLinearMatMul: matmul(3),
      'com.microsoft:FusedMatMul': matmul(1),
      'com.microsoft:MatMulNBits': matmulNBits,
    },
    quantization: {
      QuantizeLinear: perOutputElement,
      DequantizeLinear: perOutputElement,
      DynamicQuantizeLinear: perInputElement,
      'com.microsoft:GatherBlockQuantized': perOutputElement,
    },
    recurrent: {
      LSTM: recurrent(lstmMacs),
      GRU: recurrent(gruMacs),
      RNN: recurrent(rnnMacs),
    },
    normalisation: {
      BatchNormalization: batchNorm,
      InstanceNormalization: batchNorm,
      LayerNormalization: layerNorm,
      'com.microsoft:LayerNormalization': layerNorm,
      'com.microsoft:SkipLayerNormalization': skipLayerNorm,
      SimplifiedLayerNormalization: simplifiedLayerNorm,
      RMSNormalization: simplifiedLayerNorm,
      'com.microsoft:SimplifiedLayerNormalization': simplifiedLayerNorm,
      'com.microsoft:SkipSimplifiedLayerNormalization': skipSimplifiedLayerNorm,
    },
    attention: {
      Attention: attention,
      'com.microsoft:Attention': packedQkvAttention,
      'com.microsoft:MultiHeadAttention': multiHeadAttention,
      'com.microsoft:GroupQueryAttention': groupQueryAttention,
      RotaryEmbedding: rotaryEmbedding,
      'com.microsoft:RotaryEmbedding': rotaryEmbedding,
    },
    'fused activations with a bias': {
      'com.microsoft:FastGelu': biasActivation,
      'com.microsoft:BiasGelu': biasActivation,
    },
    'element-wise arithmetic': {
      Add: elementwise,
      Sub: elementwise,
      Mul: elementwise,
      Div: elementwise,
      Pow: elementwise,
      PRelu: elementwise,
      Mod: elementwise,
      BitShift: elementwise,
      Sum: elementwise,
      Mean: elementwise,
    },
  },
});
