/** Element types of an ONNX graph's values known without running it. */
import { isKnownDType } from '@modelsummary/core';
import type { ParsedGraph } from './graph.js';

/** Ops whose (first) output has the element type of their first input. */
const SAME_TYPE_AS_INPUT0 = new Set([
  'Abs', 'Add', 'AveragePool', 'BatchNormalization', 'Ceil', 'Clip', 'Concat', 'Conv', 'ConvTranspose', 'Cos', 'CumSum', 'DepthToSpace',
  'Div', 'Dropout', 'Elu', 'Erf', 'Exp', 'Expand', 'Flatten', 'Floor', 'Gather', 'GatherElements', 'GatherND', 'Gelu', 'Gemm',
  'GlobalAveragePool', 'GlobalMaxPool', 'GroupNormalization', 'HardSigmoid', 'HardSwish', 'Identity', 'InstanceNormalization',
  'LRN', 'LayerNormalization', 'LeakyRelu', 'Log', 'LogSoftmax', 'MatMul', 'Max', 'MaxPool', 'Mean', 'Min', 'Mish', 'Mul', 'Neg',
  'PRelu', 'Pad', 'Pow', 'Reciprocal', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin',
  'ReduceProd', 'ReduceSum', 'ReduceSumSquare', 'Relu', 'Reshape', 'Resize', 'Round', 'Selu', 'Sigmoid', 'Sign', 'Sin',
  'Slice', 'Softmax', 'Softplus', 'Softsign', 'SpaceToDepth', 'Split', 'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tan', 'Tanh',
  'ThresholdedRelu', 'Tile', 'Transpose', 'Unsqueeze', 'Upsample',
]);
/** Ops whose every output has the element type of their first input (others: the first output only). */
const ALL_OUTPUTS_SAME = new Set(['Split']);
const cache = new WeakMap<ParsedGraph, Map<string, string>>();

/**
 * Element types known without running: declared (value_info, graph inputs / outputs), initializers,
 * and propagated through ops that keep their first input's type. Only ops of the default domain.
 */
export function staticDTypes(graph: ParsedGraph): Map<string, string> {
  let out = cache.get(graph);
  if (out) return out;
  out = new Map();
  for (const [name, info] of graph.initializers) if (isKnownDType(info.dtype)) out.set(name, info.dtype);
  for (const i of graph.inputs) if (i.dtype && isKnownDType(i.dtype)) out.set(i.name, i.dtype);
  for (const [name, info] of graph.valueInfo) if (info.dtype && isKnownDType(info.dtype)) out.set(name, info.dtype);
  for (const node of graph.nodes) {
    if (node.domain !== '' && node.domain !== 'ai.onnx') continue;
    let t: string | undefined;
    if (node.opType === 'Shape' || node.opType === 'Size') t = 'int64';
    else if (SAME_TYPE_AS_INPUT0.has(node.opType) && node.inputs[0]) t = out.get(node.inputs[0]);
    if (t === undefined) continue;
    const outs = ALL_OUTPUTS_SAME.has(node.opType) ? node.outputs : node.outputs.slice(0, 1);
    for (const o of outs) if (o !== '' && !out.has(o)) out.set(o, t);
  }
  cache.set(graph, out);
  return out;
}
