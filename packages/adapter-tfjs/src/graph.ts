/**
 * tfjs-converter `GraphModel`: one row per node (Const / Placeholder skipped), scope rows from
 * names; nodes inside while-loop frames and `Switch` branches are rows too (conditional). Params:
 * the constants core's rule calls weights (`isParameterConstant`), with the bytes stored in the
 * manifest (quantized weights) beside the bytes in memory.
 */
import {
  elementCount,
  isParameterConstant,
  nestByScope,
  summaryError,
  tensorBytes,
  weightLedger,
  type ConstantRole,
  type InputSpec,
  type LayerEvent,
  type LayerRecord,
  type OutputSpec,
  type WeightFacts,
} from '@modelsummary/core';
import { analyzeControlFlow, CONTROL_FLOW_OPS } from './graph-control-flow.js';
import { graphMacs } from './graph-macs.js';
import { inputRole, PASS_THROUGH_OPS } from './graph-weight-roles.js';
import type { GraphModelLike, GraphNodeLike, Tensor } from './types.js';

const SKIPPED_OPS = new Set(['Const', 'Placeholder', 'NoOp']);

export interface GraphIndex {
  records: LayerRecord[];
  /** Nodes that become rows, in execution (topological) order. */
  nodes: GraphNodeLike[];
  /** How many outputs of each node are read (by other nodes or as model outputs). */
  outputCount: Map<string, number>;
  /** Row nodes one pass can return: root frame, not in a `Switch` branch, not control-flow ops. */
  fetchable: GraphNodeLike[];
  /** The graph has while loops or `Switch` / `Merge`: the pass runs with `executeAsync`. */
  controlFlow: boolean;
  /** Loop frame of each node inside one. */
  frameOf: Map<string, string>;
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

/** A weight as the manifest describes it: its dtype and, for quantized weights, the stored dtype. */
interface WeightSpecLike {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string };
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
  const flow = analyzeControlFlow(order, all);
  const inBranch = (n: GraphNodeLike) => flow.frameOf.has(n.name) || flow.conditional.has(n.name);
  const fetchable = nodes.filter((n) => !inBranch(n) && !CONTROL_FLOW_OPS.has(n.op));

  const outputCount = new Map<string, number>();
  const bump = (tensorName: string) => {
    const parsed = parseTensorName(tensorName);
    if (!parsed) return;
    const [name, index] = parsed;
    outputCount.set(name, Math.max(outputCount.get(name) ?? 1, index + 1));
  };
  for (const node of order) for (const input of node.inputNames ?? []) bump(input);
  for (const output of model.outputs ?? []) bump(output.name);

  // Params: the weights (Const nodes) core's rule counts, owned by their first reader in execution order.
  const weights = model.weights ?? {};
  const specs = new Map<string, WeightSpecLike>();
  for (const s of (model.artifacts?.weightSpecs ?? []) as WeightSpecLike[]) specs.set(s.name, s);
  const notParams = new Map<string, { elements: number; stored: number }>();
  const ledger = weightLedger((name: string) => {
    const facts = weightFacts(weights[name], specs.get(name));
    if (!facts) return undefined;
    const dtype = facts.dtype ?? 'float32';
    if (isParameterConstant({ dtype, elements: facts.elements, roles: constantRoles(all[name], dtype) })) return facts;
    notParams.set(name, { elements: facts.elements, stored: facts.storedBytes ?? facts.bytes });
    return undefined;
  });
  const leaves = nodes.map((node) => {
    const record: LayerRecord = { id: node.name, name: node.name, type: node.op, params: 0, paramBytes: 0 };
    for (const input of node.inputs ?? []) if (input.op === 'Const') ledger.use(record, input.name);
    const attributes = nodeAttributes(node, weights);
    const frame = flow.frameOf.get(node.name);
    // Control-flow ops run only when a branch or a loop needs them; so do the nodes they guard.
    if (frame !== undefined || flow.conditional.has(node.name) || CONTROL_FLOW_OPS.has(node.op)) record.conditional = true;
    if (frame !== undefined) record.attributes = { ...attributes, loopFrame: frame };
    else if (attributes) record.attributes = attributes;
    return record;
  });
  ledger.finish();
  if (notParams.size > 0) {
    let elements = 0;
    let stored = 0;
    for (const c of notParams.values()) {
      elements += c.elements;
      stored += c.stored;
    }
    warnings.push(
      `${notParams.size} constant tensor(s) are not counted as parameters (shape, axis, index and scalar constants: ${elements} elements, ${stored} B stored)`,
    );
  }
  if (flow.present) {
    const loops = new Set(flow.frameOf.values()).size;
    const inLoops = nodes.filter((n) => flow.frameOf.has(n.name)).length;
    const branched = nodes.filter((n) => flow.conditional.has(n.name)).length;
    const parts = [
      ...(loops > 0 ? [`${inLoops} node(s) inside ${loops} while-loop frame(s) (shapes of their first iteration)`] : []),
      ...(branched > 0 ? [`${branched} node(s) in Switch branches (the branch not taken is skipped)`] : []),
    ];
    if (parts.length > 0) warnings.push(`the graph has control flow: ${parts.join('; ')}`);
  }
  const records = nestByScope(leaves);
  return { records, nodes, outputCount, fetchable, controlFlow: flow.present, frameOf: flow.frameOf, warnings };
}

/**
 * What a constant is to the ops that read it, looking through pass-through ops (`Identity`,
 * `Enter` into a loop, `Switch` / `Merge`): one role per use.
 */
function constantRoles(constant: GraphNodeLike | undefined, dtype: string): ConstantRole[] {
  const roles: ConstantRole[] = [];
  if (!constant) return roles;
  const seen = new Set<string>();
  const stack: GraphNodeLike[] = [constant];
  while (stack.length > 0) {
    const node = stack.pop() as GraphNodeLike;
    if (seen.has(node.name)) continue;
    seen.add(node.name);
    for (const child of node.children ?? []) {
      if (PASS_THROUGH_OPS.has(child.op)) {
        stack.push(child);
        continue;
      }
      const data = (child.inputNames ?? []).filter((n) => !n.startsWith('^'));
      data.forEach((input, k) => {
        if (parseTensorName(input)?.[0] === node.name) roles.push(inputRole(child, k, dtype));
      });
    }
  }
  return roles;
}

/** Bytes of `elements` of a stored dtype; undefined for dtypes without a fixed size (string). */
function storedBytes(elements: number, dtype: string | undefined): number | undefined {
  if (dtype === undefined || dtype === 'string') return undefined;
  try {
    return tensorBytes(elements, dtype);
  } catch {
    return undefined;
  }
}

function weightFacts(tensors: readonly Tensor[] | undefined, spec: WeightSpecLike | undefined): WeightFacts | undefined {
  if (!tensors || tensors.length === 0) return undefined;
  let elements = 0;
  let bytes = 0;
  for (const t of tensors) {
    elements += t.size;
    bytes += tensorBytes(t.size, t.dtype);
  }
  const dtype = (tensors[0] as Tensor).dtype;
  const facts: WeightFacts = { elements, bytes, dtype };
  // As stored in the manifest: the quantization dtype (float16, uint8, uint16) or the weight's own.
  const storedDType = spec?.quantization?.dtype ?? spec?.dtype;
  const stored = spec ? storedBytes(elements, storedDType) : undefined;
  if (stored !== undefined && storedDType !== undefined) {
    facts.storedBytes = stored;
    facts.storedDType = storedDType;
  }
  return facts;
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

interface SignatureTensorLike {
  name?: string;
  tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}

/** The signature's entry for an input (keys and names may carry a `:0` suffix). */
function signatureInput(model: GraphModelLike, name: string): SignatureTensorLike | undefined {
  const inputs = (model.artifacts?.signature as { inputs?: Record<string, SignatureTensorLike> } | undefined)?.inputs;
  if (!inputs) return undefined;
  const bare = (s: string) => s.replace(/:0$/, '');
  return Object.entries(inputs).find(([key, t]) => bare(t.name ?? key) === name || bare(key) === name)?.[1];
}

/**
 * Declared inputs of the graph (-1 / unknown dims → null). `fromSignature` (default true): a dim
 * the placeholder leaves open takes the size the model's signature gives it, when it gives one.
 */
export function graphInputSpecs(model: GraphModelLike, fromSignature = true): InputSpec[] {
  return (model.inputs ?? []).map((input) => {
    const shape: (number | null)[] = (input.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : null));
    if (fromSignature) {
      const dims = signatureInput(model, input.name)?.tensorShape?.dim;
      if (dims && (input.shape === undefined || dims.length === shape.length)) {
        dims.forEach((d, axis) => {
          const size = Number(d.size);
          if (shape[axis] === null || shape[axis] === undefined) shape[axis] = Number.isInteger(size) && size >= 0 ? size : null;
        });
      }
    }
    return { name: input.name, shape, dtype: input.dtype };
  });
}

/**
 * The model's outputs: the signature's names (`output_0`) with the graph's (`Identity:0`), and the
 * shapes and dtypes this pass gave them (`events`), else what the graph declares.
 */
export function graphOutputSpecs(model: GraphModelLike, events: readonly LayerEvent[]): OutputSpec[] {
  const signature = (model.artifacts?.signature as { outputs?: Record<string, SignatureTensorLike> } | undefined)?.outputs ?? {};
  const seen = new Map<string, { shape: readonly (number | string | null)[]; dtype: string | undefined }>();
  for (const e of events) e.outputNames?.forEach((n, k) => seen.set(n, { shape: e.outputShapes[k] ?? [], dtype: e.outputDTypes?.[k] }));
  const withIndex = (n: string) => (/:\d+$/.test(n) ? n : `${n}:0`);
  return (model.outputs ?? []).map((o) => {
    const graphName = withIndex(o.name);
    const key = Object.entries(signature).find(([k, t]) => withIndex(t.name ?? k) === graphName)?.[0];
    const got = seen.get(graphName);
    const declared = o.shape?.every((d) => typeof d === 'number' && d >= 0) ? o.shape : undefined;
    const shape = got?.shape.every((d) => d !== null) ? (got.shape as (number | string)[]) : got ? undefined : declared;
    const dtype = got?.dtype ?? o.dtype;
    return { name: key ?? o.name, ...(key && key !== o.name ? { graphName: o.name } : {}), ...(shape ? { shape: [...shape] } : {}), ...(dtype ? { dtype } : {}) };
  });
}

/** Every output tensor name the pass asks for: `node` for output 0, `node:k` for the others, of the nodes one pass can return. */
export function requestedOutputs(index: GraphIndex): string[] {
  const names: string[] = [];
  for (const node of index.fetchable) {
    const n = index.outputCount.get(node.name) ?? 1;
    for (let k = 0; k < n; k++) names.push(k === 0 ? node.name : `${node.name}:${k}`);
  }
  return names;
}

/** Tensors by `node:output`: those one execute returned (in `requestedOutputs` order), the feeds, and TF.js's kept intermediates (loop bodies: the first iteration). */
export function producedTensors(
  index: GraphIndex,
  feeds: Record<string, Tensor>,
  returned: readonly (Tensor | undefined)[],
  intermediates?: Record<string, (Tensor | null | undefined)[] | null | undefined>,
): Map<string, Tensor> {
  const produced = new Map<string, Tensor>();
  let i = 0;
  for (const node of index.fetchable) {
    const n = index.outputCount.get(node.name) ?? 1;
    for (let k = 0; k < n; k++) {
      const t = returned[i++];
      if (t) produced.set(`${node.name}:${k}`, t);
    }
  }
  if (intermediates) {
    const rows = new Set(index.nodes.map((n) => n.name));
    const done = new Set<string>();
    // Keys: `node` in the root frame, `node-/frame-iteration...` inside loops, in execution order
    // (the first key of a loop node is its first iteration). They hold every output of a node,
    // also those no other node reads.
    for (const [key, tensors] of Object.entries(intermediates)) {
      const cut = key.indexOf('-/');
      const name = rows.has(key) ? key : cut > 0 ? key.slice(0, cut) : key;
      if (!rows.has(name) || done.has(name) || !tensors) continue;
      done.add(name);
      tensors.forEach((t, k) => {
        if (t && !t.isDisposed && !produced.has(`${name}:${k}`)) produced.set(`${name}:${k}`, t);
      });
    }
  }
  for (const [name, t] of Object.entries(feeds)) {
    const parsed = parseTensorName(name);
    if (parsed) produced.set(`${parsed[0]}:${parsed[1]}`, t);
  }
  return produced;
}

/** Builds the node events from the tensors of one pass (see {@link producedTensors}). */
export function graphEvents(index: GraphIndex, model: GraphModelLike, produced: ReadonlyMap<string, Tensor>): LayerEvent[] {
  const weights = model.weights ?? {};
  const events: LayerEvent[] = [];
  for (const node of index.nodes) {
    const n = index.outputCount.get(node.name) ?? 1;
    const outs: Tensor[] = [];
    const outNames: string[] = [];
    for (let k = 0; k < n || (k < 64 && produced.has(`${node.name}:${k}`)); k++) {
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
