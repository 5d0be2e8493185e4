/**
 * The tfjs-layers MACs table: every layer class (`getClassName()`) the adapter knows, one entry
 * each — in a zero list (0 MACs by the convention) or with a formula from `layer-macs-formulas.ts`.
 * Grouped as the tfjs-layers / Keras layer catalogue. A class not listed shows "?".
 *
 * To give a layer class its MACs, add it here: to a zero list, or under `formulas` with its rule.
 */
import { defineMacsTable, macsFromTable, type MacsRule } from '@modelsummary/core';
import {
  batchNorm,
  bidirectional,
  conv,
  convTranspose,
  dense,
  depthwiseConv,
  layerNorm,
  merge,
  recurrent,
  separableConv,
  weightedElementwise,
  type LayerCall,
} from './layer-macs-formulas.js';

/** TimeDistributed: the wrapped layer's entry, over the whole `[batch, time, ...]` call. */
const timeDistributed: MacsRule<LayerCall> = (call) =>
  call.info.inner ? macsFromTable(LAYER_MACS, call.info.inner.className, { ...call, info: call.info.inner }) : undefined;

export const LAYER_MACS = defineMacsTable<LayerCall>({
  zero: {
    activations: ['ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Activation'],
    pooling: [
      'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D',
      'AveragePooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D',
      'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D',
    ],
    'merging (selection, concatenation)': ['Concatenate', 'Maximum', 'Minimum'],
    'reshaping and padding': [
      'InputLayer', 'Identity', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Cropping1D', 'Cropping2D',
      'Cropping3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'UpSampling1D', 'UpSampling2D',
      'UpSampling3D',
    ],
    'regularisation and noise': ['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'],
    'lookup and masking': ['Embedding', 'Masking'],
    preprocessing: ['CenterCrop', 'Resizing', 'CategoryEncoding', 'RandomWidth', 'RandomHeight'],
  },
  formulas: {
    core: { Dense: dense },
    convolutional: {
      Conv1D: conv,
      Conv2D: conv,
      Conv3D: conv,
      Conv2DTranspose: convTranspose,
      Conv3DTranspose: convTranspose,
      DepthwiseConv2D: depthwiseConv,
      SeparableConv1D: separableConv,
      SeparableConv2D: separableConv,
    },
    recurrent: { LSTM: recurrent, GRU: recurrent, SimpleRNN: recurrent },
    wrappers: { Bidirectional: bidirectional, TimeDistributed: timeDistributed },
    normalization: { BatchNormalization: batchNorm, LayerNormalization: layerNorm },
    'merging (arithmetic)': { Add: merge, Subtract: merge, Multiply: merge, Average: merge },
    'element-wise with a weight': { PReLU: weightedElementwise, Rescaling: weightedElementwise },
  },
});
