/**
 * The inference pass over one graph (and, through control-flow rules, its bodies): values of
 * initializers and inputs, then every node in topological order through its op rule. A rule that
 * throws (invalid input, an expression too large) leaves its outputs unknown; declared value_info
 * fills what a rule could not know. Work is bounded: a node budget over all bodies, a depth limit.
 */
import type { onnx as OnnxTypes } from 'onnx-proto';
import { dtypeName, int64, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../proto.js';
import { attrs, freshDim, type Ctx, type Rule } from './context.js';
import { Expr, fromSymDim, isFresh, parseDim, substitute, type Dim, type SymDim } from './dims.js';
import { ruleFor } from './ops/index.js';
import { concreteSize, MAX_VALUE_ELEMENTS, tensorVal, valueOf, type Val } from './values.js';

export interface EngineInput {
  shape?: SymDim[];
  dtype?: string;
  value?: number | bigint | boolean;
}

export interface EngineOptions {
  dims?: Record<string, number>;
  inputs?: Record<string, EngineInput>;
  /** Opset per domain ('' or 'ai.onnx' for the default domain). */
  opsets?: Record<string, number>;
  /** Called when a rule throws (its outputs are then unknown): for diagnostics. */
  onRuleError?: (node: NodeProto, error: unknown) => void;
  /** The model's local functions (ModelProto.functions): a node calling one is inferred through its body. */
  functions?: readonly OnnxTypes.IFunctionProto[];
}

type Lookup = (name: string) => Val | undefined;

/** Deepest nesting of bodies inferred. */
const MAX_DEPTH = 24;
const DEFAULT_ONNX_OPSET = 21;

export class State {
  readonly dims: Record<string, number>;
  readonly hasDims: boolean;
  readonly opsets: Record<string, number>;
  /** Body node evaluations left (over every body and every pass; the main graph is always inferred). */
  budget: number;
  depth = 0;
  /** Values inside bodies, by name (the last pass wins). */
  readonly bodies = new Map<string, Val>();
  /** Local functions by `domain:name`. */
  readonly functions = new Map<string, OnnxTypes.IFunctionProto>();
  constructor(
    readonly options: EngineOptions,
    graph: GraphProto,
  ) {
    this.dims = options.dims ?? {};
    this.hasDims = Object.keys(this.dims).length > 0;
    const opsets: Record<string, number> = {};
    for (const [k, v] of Object.entries(options.opsets ?? {})) opsets[k === 'ai.onnx' ? '' : k] = v;
    this.opsets = opsets;
    for (const f of options.functions ?? []) if (f.name) this.functions.set(`${f.domain ?? ''}:${f.name}`, f);
    // Function bodies are inferred once per call: the budget covers every call site once (in the
    // graph, its bodies and the functions), not a call chain that multiplies (a function calling itself).
    let functionNodes = 0;
    let calls = 0;
    const isCall = (n: NodeProto) => this.functions.has(`${n.domain ?? ''}:${n.opType ?? ''}`);
    for (const f of this.functions.values()) {
      functionNodes += f.node?.length ?? 0;
      for (const n of f.node ?? []) if (isCall(n)) calls++;
    }
    if (this.functions.size > 0) for (const n of graph.node ?? []) if (isCall(n)) calls++;
    this.budget = 8 * (bodyNodes(graph) + functionNodes * (calls + 1)) + 10_000;
  }
  /** Substitutes the given dim values. */
  subst(d: Dim): Dim {
    if (!this.hasDims || typeof d === 'number') return d;
    const dims = this.dims;
    const v = dims[d.text];
    if (typeof v === 'number' && Object.prototype.hasOwnProperty.call(dims, d.text)) return v;
    try {
      return substitute(d, (name) => (Object.prototype.hasOwnProperty.call(dims, name) && typeof dims[name] === 'number' ? dims[name] : undefined));
    } catch {
      return d;
    }
  }
  opset(domain: string): number {
    const d = domain === 'ai.onnx' ? '' : domain;
    return this.opsets[d] ?? (d === '' ? DEFAULT_ONNX_OPSET : 1);
  }
}

/** Nodes inside the control-flow bodies of `graph` (each distinct graph counted once). */
function bodyNodes(graph: GraphProto): number {
  const seen = new Set<GraphProto>([graph]);
  const stack: GraphProto[] = [graph];
  let n = 0;
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (g !== graph) n += g.node?.length ?? 0;
    for (const node of g.node ?? []) {
      for (const a of node.attribute ?? []) {
        for (const sub of a.g ? [a.g, ...(a.graphs ?? [])] : (a.graphs ?? [])) {
          if (!seen.has(sub)) {
            seen.add(sub);
            stack.push(sub);
          }
        }
      }
    }
  }
  return n;
}

/** A declared dim: number, expression (dims substituted), or a fresh symbol when absent. */
function declaredDim(state: State, d: { dimParam?: string | null; dimValue?: unknown; value?: string }, name: string, axis: number): Dim {
  if (d.value === 'dimValue' || (d.value === undefined && d.dimValue !== undefined && d.dimValue !== null && !d.dimParam)) {
    const n = int64(d.dimValue as Parameters<typeof int64>[0]);
    if (n !== undefined && n >= 0) return n;
  }
  if (d.dimParam) {
    const raw = state.dims[d.dimParam];
    if (typeof raw === 'number' && Object.prototype.hasOwnProperty.call(state.dims, d.dimParam)) return raw;
    return state.subst(parseDim(d.dimParam));
  }
  return freshDim(name, axis);
}

/** What a ValueInfoProto declares (tensor types only). */
export function declaredVal(state: State, vi: ValueInfoProto): Val | undefined {
  const tt = vi.type?.tensorType;
  if (!tt) return undefined;
  const out: Val = {};
  if (tt.elemType) out.dtype = dtypeName(tt.elemType);
  if (tt.shape) out.shape = (tt.shape.dim ?? []).map((d, i) => declaredDim(state, d as Parameters<typeof declaredDim>[1], vi.name ?? '', i));
  return out;
}

function inputVal(state: State, given: EngineInput, declared: Val | undefined, name: string): Val {
  const out: Val = { ...declared };
  // A negative or non-integer number is no dim: unknown there.
  if (given.shape) out.shape = given.shape.map((d, axis) => (typeof d === 'number' && !(Number.isSafeInteger(d) && d >= 0) ? freshDim(name, axis) : state.subst(fromSymDim(d))));
  if (given.dtype) out.dtype = given.dtype;
  if (given.value !== undefined && out.shape) {
    const n = concreteSize(out.shape);
    const x = typeof given.value === 'boolean' ? (given.value ? 1 : 0) : Number(given.value);
    if (n !== undefined && n <= MAX_VALUE_ELEMENTS) out.value = new Array(n).fill(x);
  }
  return out;
}

/** Nodes in an order where every producer comes before its consumers (graph order when it already is). */
function topological(nodes: readonly NodeProto[]): readonly NodeProto[] {
  const producer = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) {
    for (const o of nodes[i]!.output ?? []) if (o && !producer.has(o)) producer.set(o, i);
  }
  let sorted = true;
  outer: for (let i = 0; i < nodes.length; i++) {
    for (const x of nodes[i]!.input ?? []) {
      const j = x ? producer.get(x) : undefined;
      if (j !== undefined && j > i) {
        sorted = false;
        break outer;
      }
    }
  }
  if (sorted) return nodes;
  const pending = new Array<number>(nodes.length).fill(0);
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    const deps = new Set<number>();
    for (const x of n.input ?? []) {
      const j = x ? producer.get(x) : undefined;
      if (j !== undefined && j !== i) deps.add(j);
    }
    pending[i] = deps.size;
    for (const j of deps) consumers[j]!.push(i);
  });
  const out: NodeProto[] = [];
  const done = new Array<boolean>(nodes.length).fill(false);
  const queue: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (pending[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    done[i] = true;
    out.push(nodes[i]!);
    for (const k of consumers[i]!) if (--pending[k]! === 0) queue.push(k);
  }
  // A cycle (invalid graph): the rest in graph order, with whatever is known.
  for (let i = 0; i < nodes.length; i++) if (!done[i]) out.push(nodes[i]!);
  return out;
}

class NodeCtx implements Ctx {
  readonly opType: string;
  readonly domain: string;
  readonly opset: number;
  readonly inputCount: number;
  readonly outputCount: number;
  constructor(
    readonly node: NodeProto,
    private readonly get: Lookup,
    private readonly state: State,
  ) {
    this.opType = node.opType ?? '';
    this.domain = node.domain ?? '';
    this.opset = state.opset(this.domain);
    this.inputCount = node.input?.length ?? 0;
    this.outputCount = node.output?.length ?? 0;
  }
  has(i: number): boolean {
    return !!this.node.input?.[i];
  }
  private inputs?: (Val | undefined)[];
  input(i: number): Val | undefined {
    const names = this.node.input;
    if (!names || i >= names.length || i < 0) return undefined;
    const cache = (this.inputs ??= new Array(names.length));
    let v = cache[i];
    if (v === undefined) {
      const name = names[i];
      v = name ? this.get(name) : undefined;
      cache[i] = v;
    }
    return v;
  }
  shape(i: number): Dim[] | undefined {
    return this.input(i)?.shape;
  }
  dtype(i: number): string | undefined {
    return this.input(i)?.dtype;
  }
  value(i: number): Dim[] | undefined {
    return valueOf(this.input(i));
  }
  int(name: string, fallback: number): number {
    return attrs.intOr(this.node, name) ?? fallback;
  }
  intOr(name: string): number | undefined {
    return attrs.intOr(this.node, name);
  }
  ints(name: string): number[] | undefined {
    return attrs.ints(this.node, name);
  }
  float(name: string, fallback: number): number {
    return attrs.float(this.node, name) ?? fallback;
  }
  floats(name: string): number[] | undefined {
    return attrs.floats(this.node, name);
  }
  str(name: string, fallback: string): string {
    return attrs.str(this.node, name) ?? fallback;
  }
  tensor(name: string): TensorProto | undefined {
    return attrs.tensor(this.node, name);
  }
  graph(name: string): GraphProto | undefined {
    return attrs.graph(this.node, name);
  }
  fresh(out: number, axis: number): Dim {
    return freshDim(this.node.output?.[out] || `${this.node.name || this.opType}_${out}`, axis);
  }
  body(graph: GraphProto, inputs: readonly (Val | undefined)[], record = true): (Val | undefined)[] | undefined {
    if (this.state.depth >= MAX_DEPTH || this.state.budget <= 0) return undefined;
    this.state.depth++;
    try {
      const r = runGraph(graph, this.state, record ? this.get : undefined, inputs);
      if (record) for (const [k, v] of r.local) this.state.bodies.set(k, v);
      return r.outputs;
    } finally {
      this.state.depth--;
    }
  }
}

/**
 * A node calling a local function: the function's body inferred with the node's inputs, attribute
 * references (`ref_attr_name`) replaced by the node's attributes. Its inner values are no rows: not recorded.
 */
function callFunction(f: OnnxTypes.IFunctionProto, c: NodeCtx): (Val | undefined)[] | undefined {
  const given = new Map((c.node.attribute ?? []).map((a) => [a.name ?? '', a]));
  const node = (f.node ?? []).map((n) => {
    if (!(n.attribute ?? []).some((a) => a.refAttrName)) return n;
    const attribute = (n.attribute ?? []).flatMap((a) => {
      if (!a.refAttrName) return [a];
      const v = given.get(a.refAttrName);
      return v ? [{ ...v, name: a.name }] : [];
    });
    return { ...n, attribute };
  });
  const body: GraphProto = { node, input: (f.input ?? []).map((name) => ({ name })), output: (f.output ?? []).map((name) => ({ name })) };
  const inputs = (f.input ?? []).map((_, i) => c.input(i));
  return c.body(body, inputs, false);
}

const validDim = (d: unknown): boolean => (typeof d === 'number' ? Number.isSafeInteger(d) && d >= 0 : d instanceof Expr);
const validElement = (d: unknown): boolean => typeof d === 'number' || d instanceof Expr;

/** Keeps a shape only when every dim is a dim, and a value only when consistent with the shape and small. */
function checkValue(v: Val): void {
  if (v.shape && (!Array.isArray(v.shape) || !v.shape.every(validDim))) delete v.shape;
  if (v.value && (!Array.isArray(v.value) || !v.value.every(validElement))) delete v.value;
  if (!v.value) return;
  const n = concreteSize(v.shape);
  if (v.value.length > MAX_VALUE_ELEMENTS || (v.shape && n !== undefined && n !== v.value.length)) delete v.value;
}

/** Fills what a rule left unknown from the declared type; declared dims replace fresh ones. */
function withDeclared(v: Val, declared: Val | undefined): Val {
  if (!declared) return v;
  if (!v.shape) {
    if (declared.shape) v.shape = declared.shape;
  } else if (declared.shape && declared.shape.length === v.shape.length) {
    for (let i = 0; i < v.shape.length; i++) {
      const d = declared.shape[i]!;
      if (isFresh(v.shape[i]!) && !isFresh(d)) {
        if (v.shape === declared.shape) break;
        v.shape = v.shape.slice();
        v.shape[i] = d;
      }
    }
  }
  if (!v.dtype && declared.dtype) v.dtype = declared.dtype;
  return v;
}

export interface GraphResult {
  local: Map<string, Val>;
  outputs: (Val | undefined)[];
}

/**
 * Infers one graph. `parent` looks up values of enclosing graphs; `bodyInputs` are the values of a
 * body's inputs (given by the control-flow rule), absent for the main graph.
 */
export function runGraph(graph: GraphProto, state: State, parent: Lookup | undefined, bodyInputs?: readonly (Val | undefined)[]): GraphResult {
  const local = new Map<string, Val>();
  const get: Lookup = parent ? (name) => local.get(name) ?? parent(name) : (name) => local.get(name);

  for (const t of graph.initializer ?? []) if (t.name) local.set(t.name, tensorVal(t));
  for (const s of graph.sparseInitializer ?? []) {
    const name = s.values?.name;
    if (!name) continue;
    const dims = (s.dims ?? []).map((d) => int64(d));
    local.set(name, { shape: dims.every((d) => d !== undefined && d >= 0) ? (dims as number[]) : undefined, dtype: dtypeName(s.values?.dataType) });
  }

  const given = bodyInputs ? undefined : state.options.inputs;
  (graph.input ?? []).forEach((vi, i) => {
    const name = vi.name;
    if (!name) return;
    const declared = declaredVal(state, vi);
    if (bodyInputs) {
      const v = bodyInputs[i];
      local.set(name, v ? withDeclared({ ...v }, declared) : (declared ?? {}));
      return;
    }
    const g = given?.[name];
    if (local.has(name) && !g) return; // an initializer listed as an input (IR < 4): the initializer
    local.set(name, g ? inputVal(state, g, declared, name) : (declared ?? {}));
  });

  // Declared types of intermediates and outputs, parsed when a node needs them.
  const declaredInfo = new Map<string, ValueInfoProto>();
  for (const vi of graph.valueInfo ?? []) if (vi.name) declaredInfo.set(vi.name, vi);
  for (const vi of graph.output ?? []) if (vi.name && !declaredInfo.has(vi.name)) declaredInfo.set(vi.name, vi);
  const declaredOf = (name: string): Val | undefined => {
    const vi = declaredInfo.get(name);
    return vi ? declaredVal(state, vi) : undefined;
  };

  const onError = state.options.onRuleError;
  for (const node of topological(graph.node ?? [])) {
    const outputs = node.output ?? [];
    let results: readonly (Val | undefined)[] = [];
    if (state.depth === 0 || state.budget-- > 0) {
      const fn = state.functions.size > 0 ? state.functions.get(`${node.domain ?? ''}:${node.opType ?? ''}`) : undefined;
      const rule: ((c: NodeCtx) => ReturnType<Rule>) | undefined = fn ? (c) => callFunction(fn, c) : ruleFor(node.domain ?? '', node.opType ?? '');
      if (rule) {
        try {
          const r = rule(new NodeCtx(node, get, state));
          results = Array.isArray(r) ? r : [r as Val | undefined];
        } catch (error) {
          results = [];
          onError?.(node, error);
        }
      }
    }
    for (let i = 0; i < outputs.length; i++) {
      const name = outputs[i];
      if (!name) continue;
      const r = results[i];
      // A rule may return one object for several outputs: each output gets its own.
      const v: Val = !r ? {} : results.indexOf(r) !== i || r.tensor ? { ...r } : r;
      checkValue(v);
      const complete = v.shape !== undefined && v.dtype !== undefined && !v.shape.some(isFresh);
      const declared = !complete && declaredInfo.has(name) ? declaredOf(name) : undefined;
      local.set(name, withDeclared(v, declared));
    }
  }

  const outputs = (graph.output ?? []).map((vi) => (vi.name ? get(vi.name) : undefined));
  return { local, outputs };
}
