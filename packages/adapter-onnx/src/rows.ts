/** Layer rows of an ONNX graph: one per node (Constant nodes excluded) under scope rows, weights owned once. */
import { nestByScope, weightLedger, type DType, type LayerRecord, type Shape } from '@modelsummary/core';
import type { Initializer } from './initializers.js';
import { nodeMacs, type MacsContext } from './macs.js';
import type { GraphNode } from './nodes.js';
import type { ValueInfo } from './value-info.js';

/** What the rows are built from. */
export interface RowSources {
  rowNodes: readonly GraphNode[];
  initializers: ReadonlyMap<string, Initializer>;
  valueInfo: ReadonlyMap<string, ValueInfo>;
  constantOutputs: ReadonlySet<string>;
}

/** The rows, in pre-order, and the warnings they raise. */
export function buildRows(src: RowSources): { layers: LayerRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  const staticCtx: MacsContext = {
    initializers: src.initializers,
    shapeOf: (name) => src.valueInfo.get(name)?.shape ?? src.initializers.get(name)?.dims,
    isWeight: (name) => src.constantOutputs.has(name),
  };
  const ledger = weightLedger((name: string) => src.initializers.get(name));
  const leaves = src.rowNodes.map((node) => {
    const row = nodeRow(node, src.valueInfo, staticCtx);
    for (const weight of node.initializerInputs) ledger.use(row, weight);
    if (node.hasSubgraph) {
      warnings.push(`node "${node.name}" (${node.opType}): its body (subgraph) is not inspected; its rows, shapes and MACs are not included`);
    }
    return row;
  });
  const owners = ledger.finish();
  const unused = [...src.initializers.values()].filter((i) => !i.fromConstant && !owners.has(i.name)).map((i) => i.name);
  if (unused.length > 0) {
    warnings.push(`${unused.length} initializer(s) are not used by any node and are not counted as parameters: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}`);
  }
  return { layers: nestByScope(leaves), warnings };
}

function nodeRow(node: GraphNode, valueInfo: ReadonlyMap<string, ValueInfo>, ctx: MacsContext): LayerRecord {
  const row: LayerRecord = { id: node.id, name: node.name, type: node.opType, params: 0, paramBytes: 0 };
  const attrs = displayAttributes(node, ctx);
  if (Object.keys(attrs).length > 0) row.attributes = attrs;
  const outs = node.outputs.filter((o) => o !== '');
  const shapes = outs.map((o) => valueInfo.get(o)?.shape);
  if (outs.length > 0 && shapes.every((s) => s !== undefined)) {
    row.staticOutputShapes = shapes as Shape[];
    const dtypes = outs.map((o) => valueInfo.get(o)?.dtype);
    if (dtypes.every((d) => d !== undefined)) row.staticOutputDTypes = dtypes as DType[];
  }
  const macs = nodeMacs(node, ctx);
  if (macs !== undefined) row.macs = macs;
  return row;
}

/** Attributes kept on the row, plus `kernel` for the kernel column. */
function displayAttributes(node: GraphNode, ctx: MacsContext): Record<string, unknown> {
  const out: Record<string, unknown> = node.isConstant ? {} : { ...node.attributes };
  if (node.domain) out.domain = node.domain;
  let kernel = node.attributes.kernel_shape;
  if (kernel === undefined && (node.opType === 'Conv' || node.opType === 'ConvTranspose')) {
    const w = node.inputs[1] ? ctx.shapeOf(node.inputs[1]) : undefined;
    if (w && w.length > 2) kernel = w.slice(2);
  }
  if (Array.isArray(kernel)) out.kernel = kernel;
  return out;
}
