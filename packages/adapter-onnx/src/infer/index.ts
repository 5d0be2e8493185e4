/**
 * Static symbolic shape inference for ONNX graphs: every value's shape (numbers, or symbolic dims
 * as expressions such as `past_sequence_length + sequence_length`), dtype, and the propagated
 * value of small int tensors (shape computations). The one entry point of this folder.
 */
import type { onnx as OnnxTypes } from 'onnx-proto';
import type { GraphProto, NodeProto } from '../proto.js';

type FunctionProto = OnnxTypes.IFunctionProto;
import { isIntType, valueOf, type Val } from './values.js';
import { fromSymDim, toSymDim, type Dim, type SymDim } from './dims.js';
import { runGraph, State } from './engine.js';
import { freshDim } from './context.js';

export type { SymDim } from './dims.js';
export { evaluateDim, parseDimExpression, isUnknownDim, UNKNOWN_PREFIX } from './dims.js';
export { coveredOps } from './ops/index.js';

/** What is known of one value. Arrays may be shared between values: read them, do not mutate them. */
export interface InferredValue {
  shape?: SymDim[];
  dtype?: string;
  /** Propagated small int tensor, flattened (numbers or symbolic dims). */
  value?: (number | SymDim)[];
}

export interface InferOptions {
  /** Values of symbolic dims (a key may also be a whole dim_param text, `past_sequence_length + sequence_length`). */
  dims?: Record<string, number>;
  /** Overrides for graph inputs: a shape, a dtype, a value filling every element. */
  inputs?: Record<string, { shape?: SymDim[]; dtype?: string; value?: number | bigint | boolean }>;
}

export interface InferGraphOptions extends InferOptions {
  /** Values of enclosing graphs (for a subgraph). */
  outer?: ReadonlyMap<string, InferredValue>;
  /** Opset per domain ('' or 'ai.onnx' for the default domain, 'com.microsoft', ...). */
  opsets?: Record<string, number>;
  /** Called when an op rule fails on a node (its outputs are then unknown): diagnostics only. */
  onRuleError?: (node: NodeProto, error: unknown) => void;
  /** The model's local functions (`ModelProto.functions`): a node that calls one is inferred through the function's body. */
  functions?: readonly FunctionProto[];
}

/** Every value of a graph, and separately the values inside its control-flow bodies. */
export interface InferResult {
  /** Initializers, inputs and node outputs of the graph itself. */
  values: Map<string, InferredValue>;
  /** Values inside If / Loop / Scan bodies (at any depth), by name. */
  bodies: Map<string, InferredValue>;
}

/** Public shapes by internal shape array: values often share one (an op that keeps its input's shape). */
function publicShape(shape: Dim[], memo: WeakMap<Dim[], SymDim[]>): SymDim[] {
  let out = memo.get(shape);
  if (!out) {
    out = shape.map(toSymDim);
    memo.set(shape, out);
  }
  return out;
}

function toPublic(v: Val, memo: WeakMap<Dim[], SymDim[]>): InferredValue {
  const out: InferredValue = {};
  if (v.shape) out.shape = publicShape(v.shape, memo);
  if (v.dtype && v.dtype !== 'undefined') out.dtype = v.dtype;
  if (isIntType(v.dtype)) {
    const value = valueOf(v);
    if (value) out.value = value.map(toSymDim);
  }
  return out;
}

function fromPublic(v: InferredValue, name: string): Val {
  const out: Val = {};
  // a negative or fractional number is no dim (some callers write -1 for unknown): unknown there
  if (v.shape) out.shape = v.shape.map((d, axis) => (typeof d === 'number' && !(Number.isSafeInteger(d) && d >= 0) ? freshDim(name, axis) : fromSymDim(d)));
  if (v.dtype) out.dtype = v.dtype;
  if (v.value) out.value = v.value.map(fromSymDim);
  return out;
}

/** Like `inferShapes`, with the values inside control-flow bodies kept apart. */
export function inferGraph(graph: GraphProto, options: InferGraphOptions = {}): InferResult {
  const state = new State(options, graph);
  let parent: ((name: string) => Val | undefined) | undefined;
  const outer = options.outer;
  if (outer) {
    const memo = new Map<string, Val | undefined>();
    parent = (name) => {
      if (memo.has(name)) return memo.get(name);
      const iv = outer.get(name);
      const v = iv ? fromPublic(iv, name) : undefined;
      if (v?.shape) v.shape = v.shape.map((d) => state.subst(d));
      memo.set(name, v);
      return v;
    };
  }
  const { local } = runGraph(graph, state, parent);
  const memo = new WeakMap<Dim[], SymDim[]>();
  const values = new Map<string, InferredValue>();
  for (const [k, v] of local) values.set(k, toPublic(v, memo));
  const bodies = new Map<string, InferredValue>();
  for (const [k, v] of state.bodies) bodies.set(k, toPublic(v, memo));
  return { values, bodies };
}

/**
 * Infers every value of a decoded ONNX graph (main graph, or a subgraph with `outer` values):
 * shapes with symbolic dims as expressions (given `dims` substituted), dtypes, small int values.
 * Values inside control-flow bodies are included too (a name of the graph itself wins).
 * Unknown ops leave their outputs without a shape; nothing throws on a malformed graph.
 */
export function inferShapes(graph: GraphProto, options: InferGraphOptions = {}): Map<string, InferredValue> {
  const { values, bodies } = inferGraph(graph, options);
  for (const [k, v] of bodies) if (!values.has(k)) values.set(k, v);
  return values;
}
