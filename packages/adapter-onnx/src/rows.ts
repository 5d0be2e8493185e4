/**
 * Layer rows of an ONNX graph: one per node (Constant nodes excluded) under scope rows; the nodes of
 * control-flow bodies under their control-flow row (a row per body: `then_branch`, `else_branch`,
 * `body`), at every level; weights owned once, by the first row that uses them, wherever they are.
 */
import { isParameterConstant, nestByScope, SCOPE_TYPE, weightLedger, type ConstantRole, type DType, type LayerRecord, type Shape } from '@modelsummary/core';
import type { Initializer } from './initializers.js';
import { nodeMacs, type MacsContext } from './macs.js';
import type { GraphBody, GraphNode } from './nodes.js';
import type { ValueInfo } from './value-info.js';
import { isBroadcastConstant, weightElements, weightRole } from './weights.js';

/** What the rows are built from. */
export interface RowSources {
  /** Every node of the main graph (Constant nodes included; their bodies hang on them). */
  nodes: readonly GraphNode[];
  /** Weight candidates of the main graph (initializers, Constant-held tensors), by name. */
  initializers: ReadonlyMap<string, Initializer>;
  valueInfo: ReadonlyMap<string, ValueInfo>;
}

/** Where a name used by a node resolves to: a weight candidate of its graph or of a graph around it. */
export function resolveConstant(name: string, body: GraphBody | undefined, main: ReadonlyMap<string, Initializer>): Initializer | undefined {
  for (let b = body; b; b = b.parent) {
    const w = b.weights.get(name);
    if (w) return w;
    if (b.locals.has(name)) return undefined;
  }
  return main.get(name);
}

/** Ops whose output a constant Add turns into "with a bias". */
const COMPUTE_OPS = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm', 'ConvInteger', 'MatMulInteger', 'QLinearConv', 'QLinearMatMul', 'MatMulNBits', 'FusedConv', 'FusedMatMul', 'Einsum']);

/** The weights of a model: which candidates are parameters, and how many each holds. */
export interface WeightAnalysis {
  /** Parameters per weight (one per 4-bit value of a packed weight). */
  elements: Map<Initializer, number>;
  /** Candidates read by some node (weights or not). */
  used: Set<Initializer>;
}

/** Visits every node at every level, a body right after its control-flow node. */
export function eachNode(nodes: readonly GraphNode[], visit: (node: GraphNode) => void): void {
  for (const node of nodes) {
    visit(node);
    for (const b of node.bodies) eachNode(b.nodes, visit);
  }
}

/**
 * Decides which constants are weights from how every node uses them: each use gets a role
 * (`weights.ts`), core's rule (`isParameterConstant`) decides.
 */
export function analyzeWeights(src: RowSources): WeightAnalysis {
  const elements = new Map<Initializer, number>();
  const used = new Set<Initializer>();
  const roles = new Map<Initializer, ConstantRole[]>();
  const producer = new Map<string, GraphNode>();
  eachNode(src.nodes, (node) => node.outputs.forEach((o) => o && producer.set(o, node)));
  /** Adds a constant to a compute op's output: a bias, whatever its shape (`[1, C, 1, 1]` after a ConvTranspose). */
  const isBiasAdd = (node: GraphNode, index: number): boolean =>
    (node.opType === 'Add' || node.opType === 'Sub') &&
    node.inputs.some((other, k) => k !== index && other !== '' && COMPUTE_OPS.has(producer.get(other)?.opType ?? ''));
  eachNode(src.nodes, (node) => {
    if (node.isConstant) return;
    const lookup = (name: string) => resolveConstant(name, node.body, src.initializers);
    node.inputs.forEach((name, index) => {
      if (!name) return;
      const w = lookup(name);
      if (!w) return;
      used.add(w);
      const role = weightRole(node, index, (n) => lookup(n) !== undefined);
      const list = roles.get(w) ?? [];
      if (!roles.has(w)) roles.set(w, list);
      if (role === 'weight') {
        list.push('weight');
        if (!elements.has(w)) elements.set(w, weightElements(w, node, index, lookup));
      } else if (role === 'operand') {
        // A broadcast constant ([1, 1, 1, 64] rotary table, [1, 3, 1, 1] mean) is data, not a weight.
        list.push(isBroadcastConstant(w) && !isBiasAdd(node, index) ? 'index' : 'operand');
      } else list.push('shape');
    });
  });
  for (const [w, list] of roles) {
    if (!isParameterConstant({ dtype: w.dtype, elements: w.elements, roles: list })) elements.delete(w);
    else if (!elements.has(w)) elements.set(w, w.elements);
  }
  return { elements, used };
}

/** The rows, in pre-order, the warnings they raise, and the row of each node. */
export function buildRows(src: RowSources): { layers: LayerRecord[]; warnings: string[]; analysis: WeightAnalysis } {
  const warnings: string[] = [];
  const analysis = analyzeWeights(src);
  const ledger = weightLedger((w: Initializer) => {
    const n = analysis.elements.get(w);
    return n === undefined ? undefined : { elements: n, bytes: w.bytes };
  });
  const layers = levelRows(src.nodes, undefined, src, ledger);
  const owners = ledger.finish();
  const all: Initializer[] = [...src.initializers.values()];
  eachNode(src.nodes, (n) => n.bodies.forEach((b) => all.push(...b.weights.values())));
  const unused = all.filter((i) => !i.fromConstant && !analysis.used.has(i)).map((i) => i.name);
  if (unused.length > 0) {
    warnings.push(`${unused.length} initializer(s) are not used by any node and are not counted as parameters: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}`);
  }
  let constantParams = 0;
  for (const [w, n] of analysis.elements) if (w.fromConstant && owners.has(w)) constantParams += n;
  if (constantParams > 0) {
    warnings.push(`${constantParams} parameters are stored in Constant nodes rather than initializers; they are counted as parameters of the nodes that consume them`);
  }
  return { layers, warnings, analysis };
}

type Ledger = ReturnType<typeof weightLedger<Initializer>>;

/** The rows of one graph level (the main graph or a body), each control-flow row followed by its bodies. */
function levelRows(nodes: readonly GraphNode[], body: GraphBody | undefined, src: RowSources, ledger: Ledger): LayerRecord[] {
  const leaves: LayerRecord[] = [];
  const byLeaf = new Map<LayerRecord, GraphNode>();
  for (const node of nodes) {
    if (node.isConstant) continue;
    const row: LayerRecord = { id: body ? node.name : node.id, name: node.name, type: node.opType, params: 0, paramBytes: 0 };
    const attrs = displayAttributes(node);
    if (Object.keys(attrs).length > 0) row.attributes = attrs;
    leaves.push(row);
    byLeaf.set(row, node);
  }
  const nested = nestByScope(leaves);
  if (body) {
    // Scope rows were nested by the local names: give every row its id under the body.
    const idOf = new Map<string, string>();
    for (const r of nested) {
      const node = byLeaf.get(r);
      const full = node ? node.id : `${body.id}/${r.id}`;
      idOf.set(r.id, full);
    }
    for (const r of nested) {
      r.parentId = r.parentId === undefined ? body.id : (idOf.get(r.parentId) as string);
      r.id = idOf.get(r.id) as string;
      r.conditional = true;
    }
  }
  const out: LayerRecord[] = [];
  for (const r of nested) {
    out.push(r);
    const node = byLeaf.get(r);
    if (!node) continue;
    for (const [index, name] of node.inputs.entries()) {
      if (!name) continue;
      const w = resolveConstant(name, node.body, src.initializers);
      if (w) ledger.use(r, w);
      void index;
    }
    for (const b of node.bodies) {
      out.push({ id: b.id, parentId: r.id, name: b.attribute, type: SCOPE_TYPE, params: 0, paramBytes: 0, conditional: true });
      out.push(...levelRows(b.nodes, b, src, ledger));
    }
  }
  return out;
}

/** Attributes kept on the row, plus `kernel` for the kernel column. */
function displayAttributes(node: GraphNode): Record<string, unknown> {
  const out: Record<string, unknown> = { ...node.attributes };
  if (node.domain) out.domain = node.domain;
  const kernel = node.attributes.kernel_shape;
  if (Array.isArray(kernel)) out.kernel = kernel;
  return out;
}

/** What is known of a value without observing it: shape, dtype, and its value when small. */
export interface StaticValue {
  shape?: Shape;
  dtype?: DType;
}

/** Static facts of one graph level: what each name is known to be. */
export type StaticLookup = (name: string, body: GraphBody | undefined) => StaticValue | undefined;

/**
 * Fills each node row's static facts — output shapes and dtypes, input shapes, MACs — from `lookup`
 * (declared value_info, or shape inference), and `executed: false` on the rows of untaken branches.
 * Returns new records (the given ones are not changed).
 */
export function withStaticFacts(
  layers: readonly LayerRecord[],
  nodes: readonly GraphNode[],
  initializers: ReadonlyMap<string, Initializer>,
  lookup: StaticLookup,
  notTaken: ReadonlySet<GraphBody> = new Set(),
  runs: (node: GraphNode) => number | undefined = () => 1,
): LayerRecord[] {
  const byId = new Map<string, GraphNode>();
  const skippedBodies = new Set<string>();
  eachNode(nodes, (n) => byId.set(n.id, n));
  const out: LayerRecord[] = [];
  const skipped = new Set<string>();
  eachNode(nodes, (n) => {
    for (const b of n.bodies) if (notTaken.has(b)) skippedBodies.add(b.id);
  });
  for (const layer of layers) {
    const node = byId.get(layer.id);
    let r: LayerRecord;
    if (node) {
      // the static facts replace the layer's MACs; a node inside a Loop / Scan body runs once per iteration
      // (copied key by key: object rest / spread with excluded keys is slow on 100k-node graphs)
      const facts = nodeFacts(node, initializers, lookup);
      const n = facts.macs === undefined ? undefined : runs(node);
      const record: Record<string, unknown> = {};
      for (const key in layer) if (key !== 'macs') record[key] = layer[key as keyof LayerRecord];
      for (const key in facts) if (key !== 'macs') record[key] = facts[key as keyof LayerRecord];
      if (facts.macs !== undefined && n !== undefined) record.macs = facts.macs * n;
      r = record as unknown as LayerRecord;
    } else {
      r = { ...layer };
    }
    if ((r.parentId !== undefined && skipped.has(r.parentId)) || skippedBodies.has(r.id)) {
      skipped.add(r.id);
      r.executed = false;
    }
    out.push(r);
  }
  return out;
}

/** A node's static facts from `lookup`. */
export function nodeFacts(node: GraphNode, initializers: ReadonlyMap<string, Initializer>, lookup: StaticLookup): Partial<LayerRecord> {
  const facts: Partial<LayerRecord> = {};
  const weightOf = (name: string) => resolveConstant(name, node.body, initializers);
  const shapeOf = (name: string): Shape | undefined => lookup(name, node.body)?.shape ?? weightOf(name)?.dims;
  const outs = node.outputs.filter((o) => o !== '');
  const shapes = outs.map((o) => lookup(o, node.body)?.shape);
  if (outs.length > 0 && shapes.every((s) => s !== undefined)) {
    facts.staticOutputShapes = shapes as Shape[];
    const dtypes = outs.map((o) => lookup(o, node.body)?.dtype);
    if (dtypes.every((d) => d !== undefined)) facts.staticOutputDTypes = dtypes as DType[];
  }
  const ins = node.inputs.filter((i) => i !== '' && !weightOf(i));
  const inShapes = ins.map((i) => lookup(i, node.body)?.shape);
  if (ins.length > 0 && inShapes.every((s) => s !== undefined)) facts.staticInputShapes = inShapes as Shape[];
  const ctx: MacsContext = { initializers: dimsMap(initializers), shapeOf, isWeight: (name) => weightOf(name) !== undefined };
  const macs = nodeMacs(node, ctx);
  if (macs !== undefined) facts.macs = macs;
  const kernel = node.attributes.kernel_shape;
  if (kernel === undefined && (node.opType === 'Conv' || node.opType === 'ConvTranspose') && node.inputs[1]) {
    const w = shapeOf(node.inputs[1]);
    if (w && w.length > 2) facts.attributes = { ...node.attributes, ...(node.domain ? { domain: node.domain } : {}), kernel: w.slice(2) };
  }
  return facts;
}

function dimsMap(initializers: ReadonlyMap<string, Initializer>): ReadonlyMap<string, { dims: number[] }> {
  return initializers;
}
