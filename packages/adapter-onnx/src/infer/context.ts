/** What an op rule sees of one node, and the helpers the rules share. */
import { int64, utf8, type AttributeProto, type GraphProto, type NodeProto, type TensorProto } from '../proto.js';
import { add, dimEquals, isFresh, max, min as minDim, nonNegative, opaqueCount, sub, sym, UNKNOWN_PREFIX, type Dim } from './dims.js';
import { valueOf, type Val } from './values.js';

export type { Val } from './values.js';

/** One node as a rule sees it. */
export interface Ctx {
  readonly node: NodeProto;
  readonly opType: string;
  readonly domain: string;
  /** Opset of the node's domain. */
  readonly opset: number;
  /** Number of inputs listed (trailing optional inputs may be missing). */
  readonly inputCount: number;
  readonly outputCount: number;
  /** Input `i` is given (listed and not ''). */
  has(i: number): boolean;
  /** What is known about input `i`. */
  input(i: number): Val | undefined;
  shape(i: number): Dim[] | undefined;
  dtype(i: number): string | undefined;
  /** The propagated value of input `i`. */
  value(i: number): Dim[] | undefined;
  /** An int attribute (undefined → fallback). */
  int(name: string, fallback: number): number;
  intOr(name: string): number | undefined;
  ints(name: string): number[] | undefined;
  float(name: string, fallback: number): number;
  floats(name: string): number[] | undefined;
  str(name: string, fallback: string): string;
  tensor(name: string): TensorProto | undefined;
  graph(name: string): GraphProto | undefined;
  /** A symbol for a dim the inference cannot know: output `out`, axis `axis`. */
  fresh(out: number, axis: number): Dim;
  /** Infers a body graph: its inputs get `inputs` (in order); returns what is known of its outputs. */
  body(graph: GraphProto, inputs: readonly (Val | undefined)[]): (Val | undefined)[] | undefined;
}

/** A rule: what the node's outputs are, from its inputs (an array: one entry per output; one Val: output 0). */
export type Rule = (c: Ctx) => readonly (Val | undefined)[] | Val | undefined;

/** Rules of one op category, by op_type. */
export type RuleTable = Readonly<Record<string, Rule>>;

// ---------------------------------------------------------------------------------------------
// Attributes

const findAttr = (node: NodeProto, name: string): AttributeProto | undefined => {
  for (const a of node.attribute ?? []) if (a.name === name) return a;
  return undefined;
};

const toInt = (x: unknown): number => {
  if (typeof x === 'number') return x;
  const n = int64(x as Parameters<typeof int64>[0]);
  if (n !== undefined) return n;
  return String(x).startsWith('-') ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
};

export const attrs = {
  intOr(node: NodeProto, name: string): number | undefined {
    const a = findAttr(node, name);
    return a ? toInt(a.i ?? 0) : undefined;
  },
  ints(node: NodeProto, name: string): number[] | undefined {
    const a = findAttr(node, name);
    if (!a) return undefined;
    return (a.ints ?? []).map(toInt);
  },
  float(node: NodeProto, name: string): number | undefined {
    const a = findAttr(node, name);
    return a ? (a.f ?? 0) : undefined;
  },
  floats(node: NodeProto, name: string): number[] | undefined {
    const a = findAttr(node, name);
    return a ? Array.from(a.floats ?? []) : undefined;
  },
  str(node: NodeProto, name: string): string | undefined {
    const a = findAttr(node, name);
    return a ? utf8(a.s) : undefined;
  },
  tensor(node: NodeProto, name: string): TensorProto | undefined {
    return findAttr(node, name)?.t ?? undefined;
  },
  graph(node: NodeProto, name: string): GraphProto | undefined {
    return findAttr(node, name)?.g ?? undefined;
  },
};

// ---------------------------------------------------------------------------------------------
// Shared shape helpers

/** Highest rank a rule makes from data (a rank read from a tensor's size): beyond it the input is not a real model's. */
export const MAX_RANK = 64;

/** Thrown by a rule when its input cannot be valid (the outputs become unknown). */
export class Invalid extends Error {}

export function fail(why: string): never {
  throw new Invalid(why);
}

/** Normalizes a possibly negative axis against `rank`; throws when out of range. */
export function axisOf(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || !Number.isInteger(a)) fail(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** One dim of a numpy broadcast. */
export function broadcastDim(a: Dim, b: Dim): Dim {
  if (dimEquals(a, b)) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === 'number' && typeof b === 'number') fail(`cannot broadcast ${a} with ${b}`);
  if (typeof a === 'number') return a; // the symbol must be 1 (or equal)
  if (typeof b === 'number') return b;
  if (isFresh(a) && !isFresh(b)) return b;
  if (isFresh(b) && !isFresh(a)) return a;
  const m = max(a, b);
  if (dimEquals(m, a) || dimEquals(m, b)) return m; // proven: one is ≥ the other
  // Two different symbolic dims: a valid graph has them equal (or one is 1). Take the plainer
  // expression (as onnxruntime's symbolic inference merges them): `sequence_length` rather than a
  // Slice's `min(32, sequence_length)`; when neither is plainer, max() keeps the broadcast exact.
  const ca = opaqueCount(a);
  const cb = opaqueCount(b);
  if (ca < cb) return a;
  if (cb < ca) return b;
  return m;
}

/** Numpy broadcast of shapes; undefined when one is unknown. An input array is returned when it is the result. */
export function broadcast(shapes: readonly (readonly Dim[] | undefined)[]): Dim[] | undefined {
  let out: readonly Dim[] | undefined;
  for (const s of shapes) {
    if (!s) return undefined;
    if (out === undefined || out === s) {
      out = s;
      continue;
    }
    const r = Math.max(out.length, s.length);
    let next: Dim[] | undefined;
    for (let i = 0; i < r; i++) {
      const a = out[out.length - r + i];
      const b = s[s.length - r + i];
      const d = a === undefined ? b! : b === undefined ? a : broadcastDim(a, b);
      if (next) next[i] = d;
      else if (r !== out.length || d !== a) {
        // first dim that differs from `out`: materialize (or switch to `s` when it is the result so far)
        next = new Array(r);
        for (let j = 0; j < i; j++) next[j] = (out[out.length - r + j] ?? s[s.length - r + j])!;
        next[i] = d;
      }
    }
    if (next) out = r === s.length && next.every((d, i) => d === s[i]) ? s : next;
  }
  return (out ?? []) as Dim[];
}

/** Sum of dims along an axis (Concat). */
export const sumDims = (dims: readonly Dim[]): Dim => dims.reduce<Dim>((a, b) => add(a, b), 0);

/** Clamp helpers for Slice: x in [lo, hi] with symbolic knowledge. */
export function clampDim(x: Dim, lo: Dim, hi: Dim): Dim {
  if (nonNegative(sub(lo, x))) return lo;
  if (nonNegative(sub(x, hi))) return hi;
  let y = x;
  if (!nonNegative(sub(y, lo))) y = max(y, lo);
  if (!nonNegative(sub(hi, y))) y = minDim(y, hi);
  return y;
}


/** A fresh symbol's name: `unk__<value name>_<axis>` made an identifier. */
export function freshName(valueName: string, axis: number): string {
  const base = valueName.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'value';
  return `${UNKNOWN_PREFIX}${base}_${axis}`;
}

export const freshDim = (valueName: string, axis: number): Dim => sym(freshName(valueName, axis));

/** `value(i)` as plain integers, when every element is a number. */
export function numbers(v: readonly Dim[] | undefined): number[] | undefined {
  if (!v) return undefined;
  for (const x of v) if (typeof x !== 'number') return undefined;
  return v as number[];
}

/** The scalar value of a Val (first element). */
export function scalarOf(v: Val | undefined): Dim | undefined {
  const x = valueOf(v);
  return x && x.length >= 1 ? x[0] : undefined;
}

/** Same shape and dtype as input `i`. */
export const like = (c: Ctx, i = 0, dtype?: string): Val => ({ shape: c.shape(i), dtype: dtype ?? c.dtype(i) });
