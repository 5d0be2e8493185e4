/** The nodes of an ONNX graph as plain records: unique ids, decoded attributes, the weights each reads. */
import { dtypeName, int64, utf8, type AttributeProto, type GraphProto, type TensorProto } from './proto.js';

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
  /** If / Loop / Scan (any node with a graph attribute): its body is not inspected. */
  hasSubgraph: boolean;
  /** Initializers of the outer graph this node reads (inputs and, for control flow, its body). */
  initializerInputs: string[];
}

const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan']);

/** ONNX AttributeProto.AttributeType values. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 };

/** Every node of `graph` in order (Constant nodes included), with ids unique among themselves. */
export function readNodes(graph: GraphProto, isInitializer: (name: string) => boolean): GraphNode[] {
  const usedIds = new Set<string>();
  return (graph.node ?? []).map((n, index) => {
    const opType = n.opType ?? '';
    const id = uniqueId(n.name || `${opType}_${index}`, usedIds);
    const attributes: Record<string, unknown> = {};
    const outerNames = new Set<string>();
    let hasSubgraph = false;
    for (const a of n.attribute ?? []) {
      if (a.g || (a.graphs && a.graphs.length > 0)) {
        hasSubgraph = true;
        for (const g of a.g ? [a.g] : (a.graphs ?? [])) collectOuterNames(g, outerNames);
      }
      if (a.name) attributes[a.name] = attributeValue(a);
    }
    const inputs = (n.input ?? []).slice();
    return {
      index,
      id,
      name: n.name || id,
      opType,
      domain: n.domain ?? '',
      inputs,
      outputs: (n.output ?? []).slice(),
      attributes,
      isConstant: opType === 'Constant' && (n.domain ?? '') === '',
      hasSubgraph: hasSubgraph || CONTROL_FLOW.has(opType),
      initializerInputs: [...new Set([...inputs, ...outerNames].filter(isInitializer))],
    };
  });
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

/** Names a body reads from the graphs around it (its own inputs, initializers and outputs excluded). */
function collectOuterNames(g: GraphProto, into: Set<string>): void {
  const local = new Set<string>();
  for (const i of g.input ?? []) if (i.name) local.add(i.name);
  for (const t of g.initializer ?? []) if (t.name) local.add(t.name);
  for (const n of g.node ?? []) for (const o of n.output ?? []) local.add(o);
  for (const n of g.node ?? []) {
    for (const i of n.input ?? []) if (i && !local.has(i)) into.add(i);
    for (const a of n.attribute ?? []) for (const sg of a.g ? [a.g] : (a.graphs ?? [])) collectOuterNames(sg, into);
  }
}

const graphSummary = (g: GraphProto | null | undefined): string => `<graph ${g?.name ?? ''}: ${g?.node?.length ?? 0} nodes, not inspected>`;
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
  if (a.g) return `<graph: not inspected>`;
  if (a.t) return tensorSummary(a.t);
  if (a.s && a.s.length) return utf8(a.s);
  return undefined;
}

function tensorSummary(t: TensorProto | null | undefined): unknown {
  if (!t) return undefined;
  return { dims: (t.dims ?? []).map((d) => int64(d) ?? String(d)), dtype: dtypeName(t.dataType) };
}
