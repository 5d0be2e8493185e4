/**
 * MACs per ONNX node, from the ONNX MACs table (`macs-table.ts`: one entry per op). `undefined`
 * means unknown (core shows "?" and warns): an op the table does not know, a shape it needs that is
 * not known, or shapes that contradict each other. 0 only where the table's zero lists say so.
 */
import { macsFromTable, type Shape } from '@modelsummary/core';
import { ONNX_MACS, onnxOpKey } from './macs-table.js';

export interface MacsContext {
  /** Shape of a value by name (observed, declared or an initializer's dims). */
  shapeOf(name: string): Shape | undefined;
  /** Initializers by name (their dims). */
  initializers: ReadonlyMap<string, { dims: number[] }>;
  /** True when the value is a weight: an initializer or a Constant node's output. */
  isWeight?(name: string): boolean;
}

/** The parts of a graph node the MACs formulas read. */
export interface MacsNode {
  opType: string;
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Record<string, unknown>;
}

/** MACs of one node from the shapes `ctx` knows; `undefined` when unknown. */
export function nodeMacs(node: MacsNode, ctx: MacsContext): number | undefined {
  return macsFromTable(ONNX_MACS, onnxOpKey(node.domain, node.opType), { node, ctx });
}
