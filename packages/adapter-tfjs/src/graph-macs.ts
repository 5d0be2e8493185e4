/** MACs of one converted-graph node, from the TF.js graph-op MACs table (`graph-macs-table.ts`). */
import { macsFromTable } from '@modelsummary/core';
import { GRAPH_OP_MACS } from './graph-macs-table.js';
import type { GraphNodeLike } from './types.js';

type Shape = readonly number[];

/**
 * `inputs`: shapes of every input (data and weights) in the node's input order. `undefined` when
 * unknown: no output, an op the table does not know, or shapes its formula cannot use.
 */
export function graphMacs(node: GraphNodeLike, inputs: readonly (Shape | undefined)[], outputs: readonly Shape[]): number | undefined {
  const y = outputs[0];
  if (y === undefined) return undefined;
  return macsFromTable(GRAPH_OP_MACS, node.op, { node, inputs, outputs, y });
}
