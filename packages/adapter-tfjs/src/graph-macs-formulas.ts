/**
 * The formulas of the TF.js graph-op MACs table (`graph-macs-table.ts`): each reads one converted
 * node's attributes and the shapes its call saw, and calls core's helper.
 */
import { batchNormMacs, convMacs, convTransposeMacs, elementwiseMacs, matmulMacs, type MacsRule } from '@modelsummary/core';
import type { GraphNodeLike } from './types.js';

type Shape = readonly number[];

/** What a graph-op formula sees: the node, the shape of every input (data and weights, in order), and its outputs. */
export interface GraphOpCall {
  readonly node: GraphNodeLike;
  readonly inputs: readonly (Shape | undefined)[];
  readonly outputs: readonly Shape[];
  /** The first output's shape. */
  readonly y: Shape;
}

type GraphRule = MacsRule<GraphOpCall>;

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

/** Conv1D/2D/3D and fused: filter `[...kernel, Cin, Cout]` at input 1. */
export const conv: GraphRule = ({ node, inputs, y }) => {
  const k = inputs[1];
  if (!k) return undefined;
  const spatial = k.length - 2;
  return convMacs({ outputShape: y, inChannels: k[spatial] as number, kernelSize: k.slice(0, spatial), bias: fusedBias(node), channelsLast: channelsLast(node) });
};

/** Depthwise: filter `[kh, kw, C, multiplier]` at input 1, groups = C. */
export const depthwiseConv: GraphRule = ({ node, inputs, y }) => {
  const k = inputs[1];
  if (!k || k.length !== 4) return undefined;
  const c = k[2] as number;
  return convMacs({ outputShape: y, inChannels: c, kernelSize: k.slice(0, 2), groups: c, bias: fusedBias(node), channelsLast: channelsLast(node) });
};

/** Conv2DBackpropInput (transposed conv): inputs are the output shape, the filter `[h, w, out, in]`, x. */
export const convTranspose: GraphRule = ({ node, inputs }) => {
  const k = inputs[1];
  const x = inputs[2];
  if (!k || !x) return undefined;
  return convTransposeMacs({ inputShape: x, outChannels: k[2] as number, kernelSize: k.slice(0, 2), channelsLast: channelsLast(node) });
};

/** MatMul / BatchMatMul (`transposeA` / `transposeB`), + out elements with a fused bias. */
export const matmul: GraphRule = ({ node, inputs, y }) => {
  const a = inputs[0];
  const b = inputs[1];
  if (!a || !b) return undefined;
  const ta = attr(node, 'transposeA') === true;
  const tb = attr(node, 'transposeB') === true;
  return matmulMacs(swapLast(a, ta), swapLast(b, tb)) + (fusedBias(node) ? elementwiseMacs(y) : 0);
};

/** FusedBatchNorm: N × 2C, channel axis from `dataFormat`. */
export const batchNorm: GraphRule = ({ node, y }) => batchNormMacs({ outputShape: y, channelsLast: channelsLast(node) });

/** Element-wise arithmetic: out elements × (inputs − 1), as the ONNX adapter. */
export const elementwise: GraphRule = ({ inputs, y }) => elementwiseMacs(y) * Math.max(0, inputs.length - 1);
