/**
 * The nodes of an ONNX graph as plain records: unique ids, decoded attributes, and the bodies of
 * control-flow nodes (If / Loop / Scan, any graph attribute) read the same way, at every level.
 */
import { readWeights, type Initializer } from './initializers.js';
import { dtypeName, int64, utf8, type AttributeProto, type GraphProto, type TensorProto } from './proto.js';
import { readValueInfo, type ValueInfo } from './value-info.js';

/** A graph inside a node attribute (an If branch, a Loop / Scan body), read like the main graph. */
export interface GraphBody {
  /** The attribute that holds it: `then_branch`, `else_branch`, `body`. */
  attribute: string;
  /** Row id of the body: `<control-flow node id>/<attribute>`. */
  id: string;
  /** The control-flow node it belongs to. */
  owner: GraphNode;
  /** The body around this one; undefined when the owner is in the main graph. */
  parent?: GraphBody;
  graph: GraphProto;
  /** Every node of the body, in order, Constant nodes included. */
  nodes: GraphNode[];
  /** Its initializers and Constant-held tensors (weight candidates), by name. */
  weights: Map<string, Initializer>;
  /** Names defined inside it (its inputs and node outputs): they hide outer names. */
  locals: Set<string>;
  inputs: string[];
  outputs: string[];
  valueInfo: Map<string, ValueInfo>;
}

export interface GraphNode {
  index: number;
  /** Row id (node name, or `op_type_index` when unnamed; made unique). */
  id: string;
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, unknown>;
  /** Constant nodes are fetched (their outputs feed shapes) but are not rows. */
  isConstant: boolean;
  /** If / Loop / Scan (any node with a graph attribute). */
  hasSubgraph: boolean;
  /** Initializers of its own graph this node reads as inputs (names). */
  initializerInputs: string[];
  /** The graphs in its attributes (an If's two branches, a Loop's body), read as rows too. */
  bodies: GraphBody[];
  /** The body this node is in; undefined in the main graph. */
  body?: GraphBody;
}

/** What reading a body needs. */
export interface ReadContext {
  label: string;
  warnings: string[];
  /** Every row id taken so far (ids are unique across every level). */
  usedIds: Set<string>;
  /** External-data locations found in bodies. */
  externalFiles: Set<string>;
}

const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan']);

/** ONNX AttributeProto.AttributeType values. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 };

/**
 * Every node of `graph` in order (Constant nodes included), with unique ids; the bodies of
 * control-flow nodes are read too (`ctx`), their nodes' ids prefixed by the body's id
 * (`If_3/then_branch/Mul_0`). Without `ctx` the bodies are read with a fresh context.
 */
export function readNodes(graph: GraphProto, isInitializer: (name: string) => boolean, ctx?: ReadContext, body?: GraphBody): GraphNode[] {
  const context: ReadContext = ctx ?? { label: 'ONNX model', warnings: [], usedIds: new Set(), externalFiles: new Set() };
  const localIds = new Set<string>();
  return (graph.node ?? []).map((n, index) => {
    const opType = n.opType ?? '';
    const local = uniqueId(n.name || `${opType}_${index}`, localIds);
    const id = body ? uniqueId(`${body.id}/${local}`, context.usedIds) : uniqueId(local, context.usedIds);
    const attributes: Record<string, unknown> = {};
    const graphs: [string, GraphProto][] = [];
    for (const a of n.attribute ?? []) {
      if (a.g) graphs.push([a.name ?? 'body', a.g]);
      else if (a.graphs) a.graphs.forEach((g, k) => graphs.push([`${a.name ?? 'graphs'}[${k}]`, g]));
      if (a.name) attributes[a.name] = attributeValue(a);
    }
    const inputs = (n.input ?? []).slice();
    const node: GraphNode = {
      index,
      id,
      name: body ? local : n.name || id,
      opType,
      domain: n.domain ?? '',
      inputs,
      outputs: (n.output ?? []).slice(),
      attributes,
      isConstant: opType === 'Constant' && (n.domain ?? '') === '',
      hasSubgraph: graphs.length > 0 || CONTROL_FLOW.has(opType),
      initializerInputs: [...new Set(inputs.filter(isInitializer))],
      bodies: [],
      ...(body ? { body } : {}),
    };
    for (const [attribute, g] of graphs) node.bodies.push(readBody(node, attribute, g, context, body));
    return node;
  });
}

/** One body of a control-flow node: its weights, its names and its nodes (recursively). */
function readBody(owner: GraphNode, attribute: string, graph: GraphProto, ctx: ReadContext, parent: GraphBody | undefined): GraphBody {
  const id = uniqueId(`${owner.id}/${attribute}`, ctx.usedIds);
  const { initializers, externalFiles } = readWeights(graph, ctx.label, ctx.warnings, id);
  for (const f of externalFiles) ctx.externalFiles.add(f);
  const locals = new Set<string>();
  for (const i of graph.input ?? []) if (i.name) locals.add(i.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) locals.add(o);
  const body: GraphBody = {
    attribute,
    id,
    owner,
    ...(parent ? { parent } : {}),
    graph,
    nodes: [],
    weights: initializers,
    locals,
    inputs: (graph.input ?? []).map((i) => i.name ?? ''),
    outputs: (graph.output ?? []).map((o) => o.name ?? ''),
    valueInfo: readValueInfo(graph),
  };
  body.nodes = readNodes(graph, (name) => initializers.has(name), ctx, body);
  return body;
}

/** Every body under `nodes`, at every level, in pre-order (a body before the bodies inside it). */
export function allBodies(nodes: readonly GraphNode[]): GraphBody[] {
  const out: GraphBody[] = [];
  const walk = (list: readonly GraphNode[]): void => {
    for (const n of list) {
      for (const b of n.bodies) {
        out.push(b);
        walk(b.nodes);
      }
    }
  };
  walk(nodes);
  return out;
}

function uniqueId(wanted: string, used: Set<string>): string {
  let id = wanted;
  if (used.has(id)) {
    let k = 2;
    while (used.has(`${wanted}#${k}`)) k++;
    id = `${wanted}#${k}`;
  }
  used.add(id);
  return id;
}

const graphSummary = (g: GraphProto | null | undefined): string => `<graph ${g?.name ?? ''}: ${g?.node?.length ?? 0} nodes>`;
const ints = (xs: AttributeProto['ints']): unknown[] => (xs ?? []).map((x) => int64(x) ?? String(x));

/** Decoders by AttributeProto.AttributeType. */
const DECODE: Record<number, (a: AttributeProto) => unknown> = {
  [ATTR.FLOAT]: (a) => a.f ?? 0,
  [ATTR.INT]: (a) => int64(a.i) ?? String(a.i),
  [ATTR.STRING]: (a) => utf8(a.s),
  [ATTR.TENSOR]: (a) => tensorSummary(a.t),
  [ATTR.GRAPH]: (a) => graphSummary(a.g),
  [ATTR.FLOATS]: (a) => (a.floats ?? []).slice(),
  [ATTR.INTS]: (a) => ints(a.ints),
  [ATTR.STRINGS]: (a) => (a.strings ?? []).map((s) => utf8(s)),
  [ATTR.TENSORS]: (a) => (a.tensors ?? []).map(tensorSummary),
  [ATTR.GRAPHS]: (a) => (a.graphs ?? []).map(graphSummary),
};

function attributeValue(a: AttributeProto): unknown {
  const decode = DECODE[a.type ?? 0];
  if (decode) return decode(a);
  // Old models may omit `type`: fall back on whichever field is set.
  if (a.ints && a.ints.length) return ints(a.ints);
  if (a.floats && a.floats.length) return a.floats.slice();
  if (a.g) return graphSummary(a.g);
  if (a.t) return tensorSummary(a.t);
  if (a.s && a.s.length) return utf8(a.s);
  return undefined;
}

function tensorSummary(t: TensorProto | null | undefined): unknown {
  if (!t) return undefined;
  return { dims: (t.dims ?? []).map((d) => int64(d) ?? String(d)), dtype: dtypeName(t.dataType) };
}
