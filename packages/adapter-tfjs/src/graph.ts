/** tfjs-converter `GraphModel`: one row per node (Const / Placeholder skipped), scope rows from names. */
import { elementCount, nestByScope, summaryError, tensorBytes, weightLedger, type InputSpec, type LayerEvent, type LayerRecord, type WeightFacts } from '@modelsummary/core';
import { graphMacs } from './graph-macs.js';
import type { GraphModelLike, GraphNodeLike, Tensor } from './types.js';

const SKIPPED_OPS = new Set(['Const', 'Placeholder', 'NoOp']);

export interface GraphIndex {
  records: LayerRecord[];
  /** Nodes that become rows, in execution (topological) order. */
  nodes: GraphNodeLike[];
  /** How many outputs of each node are read (by other nodes or as model outputs). */
  outputCount: Map<string, number>;
  warnings: string[];
}

export function isGraphModel(model: unknown): model is GraphModelLike {
  const m = model as Partial<GraphModelLike> & { layers?: unknown } | null;
  return typeof m === 'object' && m !== null && typeof m.execute === 'function' && typeof m.executeAsync === 'function' && !Array.isArray(m.layers);
}

/** `name`, `name:1`, `^name` → [node name, output index] (control inputs → undefined). */
export function parseTensorName(name: string): [string, number] | undefined {
  if (name.startsWith('^')) return undefined;
  const m = /^(.*):(\d+)$/.exec(name);
  return m ? [m[1] as string, Number(m[2])] : [name, 0];
}

function topologicalOrder(all: Record<string, GraphNodeLike>, rawOrder: readonly string[]): GraphNodeLike[] {
  const order: GraphNodeLike[] = [];
  const state = new Map<string, 1 | 2>();
  const names = [...new Set([...rawOrder.filter((n) => n in all), ...Object.keys(all)])];
  for (const start of names) {
    if (state.has(start)) continue;
    // Iterative DFS (graphs can be deep).
    const stack: [GraphNodeLike, number][] = [[all[start] as GraphNodeLike, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [GraphNodeLike, number];
      const [node, i] = top;
      const inputs = node.inputs ?? [];
      if (i < inputs.length) {
        top[1] = i + 1;
        const child = inputs[i] as GraphNodeLike;
        if (!state.has(child.name) && all[child.name] === child) {
          state.set(child.name, 1);
          stack.push([child, 0]);
        }
        continue;
      }
      stack.pop();
      state.set(node.name, 2);
      order.push(node);
    }
  }
  return order;
}

function rawNodeOrder(model: GraphModelLike): string[] {
  const topology = model.artifacts?.modelTopology as { node?: { name?: string }[] } | undefined;
  return (topology?.node ?? []).map((n) => n.name ?? '').filter((n) => n.length > 0);
}

/** Lists the graph's nodes as rows under scope rows, params from the weights each node reads. */
export function indexGraphModel(model: GraphModelLike): GraphIndex {
  const all = model.executor?.graph?.nodes;
  if (!all || Object.keys(all).length === 0) {
    throw summaryError('INVALID_MODEL', 'the graph model has no loaded topology (await tf.loadGraphModel / graphModel.load() first)');
  }
  const warnings: string[] = [];
  const functions = model.executor?.graph?.functions;
  if (functions && Object.keys(functions).length > 0) {
    warnings.push(`the graph has ${Object.keys(functions).length} function(s) (control flow bodies); their nodes are not listed`);
  }
  const order = topologicalOrder(all, rawNodeOrder(model));
  const nodes = order.filter((n) => !SKIPPED_OPS.has(n.op));

  const outputCount = new Map<string, number>();
  const bump = (tensorName: string) => {
    const parsed = parseTensorName(tensorName);
    if (!parsed) return;
    const [name, index] = parsed;
    outputCount.set(name, Math.max(outputCount.get(name) ?? 1, index + 1));
  };
  for (const node of order) for (const input of node.inputNames ?? []) bump(input);
  for (const output of model.outputs ?? []) bump(output.name);

  // Params: weights (Const nodes) read by each node; the first reader in execution order owns them.
  const weights = model.weights ?? {};
  const ledger = weightLedger((name: string) => weightFacts(weights[name]));
  const leaves = nodes.map((node) => {
    const record: LayerRecord = { id: node.name, name: node.name, type: node.op, params: 0, paramBytes: 0 };
    for (const input of node.inputs ?? []) if (input.op === 'Const') ledger.use(record, input.name);
    const attributes = nodeAttributes(node, weights);
    if (attributes) record.attributes = attributes;
    return record;
  });
  ledger.finish();
  const records = nestByScope(leaves);
  return { records, nodes, outputCount, warnings };
}

function weightFacts(tensors: readonly Tensor[] | undefined): WeightFacts | undefined {
  if (!tensors) return undefined;
  let elements = 0;
  let bytes = 0;
  for (const t of tensors) {
    elements += t.size;
    bytes += tensorBytes(t.size, t.dtype);
  }
  return { elements, bytes };
}

function nodeAttributes(node: GraphNodeLike, weights: Record<string, Tensor[]>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (/Conv/.test(node.op)) {
    const filter = node.inputs?.[1];
    const w = filter ? weights[filter.name]?.[0] : undefined;
    if (w && w.shape.length >= 3) out.kernelSize = w.shape.slice(0, w.shape.length - 2);
  }
  for (const key of ['strides', 'pad', 'dilations', 'dataFormat', 'fusedOps', 'transposeA', 'transposeB', 'ksize']) {
    const v = node.attrParams?.[key]?.value;
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    if (typeof v === 'object' && !Array.isArray(v)) continue;
    out[key === 'ksize' ? 'poolSize' : key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Declared inputs of the graph (-1 / unknown dims → null). */
export function graphInputSpecs(model: GraphModelLike): InputSpec[] {
  return (model.inputs ?? []).map((input) => ({
    name: input.name,
    shape: (input.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : null)),
    dtype: input.dtype,
  }));
}

/** Every output tensor name the pass asks for: `node` for output 0, `node:k` for the others. */
export function requestedOutputs(index: GraphIndex): string[] {
  const names: string[] = [];
  for (const node of index.nodes) {
    const n = index.outputCount.get(node.name) ?? 1;
    for (let k = 0; k < n; k++) names.push(k === 0 ? node.name : `${node.name}:${k}`);
  }
  return names;
}

type IdTensor = Tensor;

/** Builds the node events from the tensors one execute returned (in `requestedOutputs` order). */
export function graphEvents(
  index: GraphIndex,
  model: GraphModelLike,
  feeds: Record<string, Tensor>,
  returned: readonly (IdTensor | undefined)[],
): LayerEvent[] {
  const produced = new Map<string, IdTensor>();
  let i = 0;
  for (const node of index.nodes) {
    const n = index.outputCount.get(node.name) ?? 1;
    for (let k = 0; k < n; k++) {
      const t = returned[i++];
      if (t) produced.set(`${node.name}:${k}`, t);
    }
  }
  for (const [name, t] of Object.entries(feeds)) {
    const parsed = parseTensorName(name);
    if (parsed) produced.set(`${parsed[0]}:${parsed[1]}`, t);
  }
  const weights = model.weights ?? {};
  const events: LayerEvent[] = [];
  for (const node of index.nodes) {
    const n = index.outputCount.get(node.name) ?? 1;
    const outs: IdTensor[] = [];
    const outNames: string[] = [];
    for (let k = 0; k < n; k++) {
      const t = produced.get(`${node.name}:${k}`);
      if (t) {
        outs.push(t);
        outNames.push(`${node.name}:${k}`);
      }
    }
    if (outs.length === 0) continue;
    const inShapes: (number[] | undefined)[] = [];
    const inputShapes: number[][] = [];
    const inputDTypes: string[] = [];
    const inputNames: string[] = [];
    for (const raw of node.inputNames ?? []) {
      const parsed = parseTensorName(raw);
      if (!parsed) continue;
      const key = `${parsed[0]}:${parsed[1]}`;
      const t = produced.get(key) ?? weights[parsed[0]]?.[parsed[1]];
      inShapes.push(t ? [...t.shape] : undefined);
      if (!t) continue;
      inputShapes.push([...t.shape]);
      inputDTypes.push(t.dtype);
      inputNames.push(key);
    }
    let outputBytes = 0;
    for (const t of outs) outputBytes += tensorBytes(elementCount(t.shape) ?? 0, t.dtype);
    const macs = graphMacs(node, inShapes, outs.map((t) => t.shape));
    events.push({
      id: node.name,
      callIndex: 0,
      inputShapes,
      outputShapes: outs.map((t) => [...t.shape]),
      inputDTypes,
      outputDTypes: outs.map((t) => t.dtype),
      outputBytes,
      ...(macs === undefined ? {} : { macs }),
      inputNames,
      outputNames: outNames,
    });
  }
  return events;
}
