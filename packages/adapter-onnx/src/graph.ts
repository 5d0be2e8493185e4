/**
 * Static analysis of an ONNX graph: layer rows (nodes + scope rows), parameter ownership,
 * declared inputs, value_info shapes, external-data checks. No runtime needed.
 */
import type { InputSpec, LayerRecord } from '@modelsummary/core';
import { readWeights, type Initializer } from './initializers.js';
import { readNodes, type GraphNode } from './nodes.js';
import { int64, type GraphProto, type ModelProto } from './proto.js';
import { buildRows } from './rows.js';
import { readInputs, readValueInfo, type ValueInfo } from './value-info.js';

export type { Initializer } from './initializers.js';
export { checkExternalLocation } from './initializers.js';
export type { GraphNode } from './nodes.js';
export type { ValueInfo } from './value-info.js';

export interface ParsedGraph {
  graphName: string;
  irVersion: number;
  opsets: Record<string, number>;
  /** Every node, in graph order, Constant nodes included. */
  nodes: GraphNode[];
  /** Nodes that are rows (Constant nodes excluded). */
  rowNodes: GraphNode[];
  layers: LayerRecord[];
  inputs: (InputSpec & { name: string })[];
  outputs: string[];
  initializers: Map<string, Initializer>;
  valueInfo: Map<string, ValueInfo>;
  warnings: string[];
  /** External-data file locations used by initializers (already checked to stay inside the model folder). */
  externalFiles: string[];
  /** Outputs of Constant nodes (weights for the MACs convention). */
  constantOutputs: Set<string>;
}

/** Parses a decoded model's main graph; every problem is an `INVALID_MODEL` / `UNSAFE_PATH` error naming `label`. */
export function parseGraph(model: ModelProto, label: string): ParsedGraph {
  const graph = model.graph as GraphProto;
  const warnings: string[] = [];
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[o.domain || 'ai.onnx'] = int64(o.version) ?? 0;

  const { initializers, externalFiles } = readWeights(graph, label, warnings);
  const isInitializer = (name: string): boolean => initializers.has(name);
  const valueInfo = readValueInfo(graph);
  const inputs = readInputs(graph, isInitializer, label);
  const nodes = readNodes(graph, isInitializer);
  const rowNodes = nodes.filter((n) => !n.isConstant);
  const constantOutputs = new Set(nodes.filter((n) => n.isConstant).flatMap((n) => n.outputs));
  const rows = buildRows({ rowNodes, initializers, valueInfo, constantOutputs });

  return {
    graphName: graph.name ?? '',
    irVersion: int64(model.irVersion) ?? 0,
    opsets,
    nodes,
    rowNodes,
    layers: rows.layers,
    inputs,
    outputs: (graph.output ?? []).map((o) => o.name ?? ''),
    initializers,
    valueInfo,
    warnings: [...warnings, ...rows.warnings],
    externalFiles,
    constantOutputs,
  };
}
