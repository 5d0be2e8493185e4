/**
 * Static analysis of an ONNX graph: layer rows (nodes + scope rows), parameter ownership,
 * declared inputs, value_info shapes, external-data checks. No runtime needed.
 */
import type { InputSpec, LayerRecord } from '@modelsummary/core';
import { readWeights, type Initializer } from './initializers.js';
import { allBodies, readNodes, type GraphBody, type GraphNode } from './nodes.js';
import { int64, type GraphProto, type ModelProto } from './proto.js';
import { buildRows, withStaticFacts, type StaticLookup, type WeightAnalysis } from './rows.js';
import { readInputs, readValueInfo, type ValueInfo } from './value-info.js';

export type { Initializer } from './initializers.js';
export { checkExternalLocation } from './initializers.js';
export type { GraphBody, GraphNode } from './nodes.js';
export type { ValueInfo } from './value-info.js';

export interface ParsedGraph {
  graphName: string;
  /** The decoded main graph (its tensors' raw data stay views into the model bytes). */
  proto: GraphProto;
  /** The decoded model (to rewrite it: inlined If branches). */
  model: ModelProto;
  irVersion: number;
  opsets: Record<string, number>;
  /** Every node of the main graph, in graph order, Constant nodes included (bodies hang on their nodes). */
  nodes: GraphNode[];
  /** Nodes of the main graph that are rows (Constant nodes excluded). */
  rowNodes: GraphNode[];
  /** Every control-flow body, at every level, in pre-order. */
  bodies: GraphBody[];
  /** Rows with the static facts the file declares (value_info); made on first read. */
  readonly layers: LayerRecord[];
  /** Rows before any static fact: ids, nesting, params. */
  baseLayers: LayerRecord[];
  /** Which constants are parameters. */
  weights: WeightAnalysis;
  inputs: (InputSpec & { name: string })[];
  outputs: string[];
  initializers: Map<string, Initializer>;
  valueInfo: Map<string, ValueInfo>;
  warnings: string[];
  /** External-data file locations used by initializers (already checked to stay inside the model folder). */
  externalFiles: string[];
  /** Outputs of the main graph's Constant nodes. */
  constantOutputs: Set<string>;
}

/** Declared value_info, looked up from a body outwards to the main graph. */
export function declaredLookup(graph: Pick<ParsedGraph, 'valueInfo'>): StaticLookup {
  return (name, body) => {
    for (let b = body; b; b = b.parent) {
      const v = b.valueInfo.get(name);
      if (v) return v;
      if (b.locals.has(name)) return undefined;
    }
    return graph.valueInfo.get(name);
  };
}

/** Parses a decoded model's main graph; every problem is an `INVALID_MODEL` / `UNSAFE_PATH` error naming `label`. */
export function parseGraph(model: ModelProto, label: string): ParsedGraph {
  const graph = model.graph as GraphProto;
  const warnings: string[] = [];
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[o.domain || 'ai.onnx'] = int64(o.version) ?? 0;

  const { initializers, externalFiles } = readWeights(graph, label, warnings);
  const isInitializer = (name: string): boolean => initializers.has(name) && !initializers.get(name)?.fromConstant;
  const valueInfo = readValueInfo(graph);
  const inputs = readInputs(graph, isInitializer, label);
  const context = { label, warnings, usedIds: new Set<string>(), externalFiles: new Set(externalFiles) };
  const nodes = readNodes(graph, isInitializer, context);
  const rowNodes = nodes.filter((n) => !n.isConstant);
  const constantOutputs = new Set(nodes.filter((n) => n.isConstant).flatMap((n) => n.outputs));
  const rows = buildRows({ nodes, initializers, valueInfo });
  let layers: LayerRecord[] | undefined;

  return {
    graphName: graph.name ?? '',
    proto: graph,
    model,
    irVersion: int64(model.irVersion) ?? 0,
    opsets,
    nodes,
    rowNodes,
    bodies: allBodies(nodes),
    // Only a run without bodies (or no pass context) reads these: a static pass builds its own.
    get layers() {
      return (layers ??= withStaticFacts(rows.layers, nodes, initializers, declaredLookup({ valueInfo })));
    },
    baseLayers: rows.layers,
    weights: rows.analysis,
    inputs,
    outputs: (graph.output ?? []).map((o) => o.name ?? ''),
    initializers,
    valueInfo,
    warnings: [...warnings, ...rows.warnings],
    externalFiles: [...context.externalFiles],
    constantOutputs,
  };
}
