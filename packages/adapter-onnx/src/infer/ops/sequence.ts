/** Sequence ops: a sequence value carries what its elements have in common and, when known, its length. */
import { add, dimEquals, mul, sub, type Dim } from '../dims.js';
import { axisOf, scalarOf, type Ctx, type Rule, type RuleTable, type Val } from '../context.js';
import { dtypeOfCode } from './elementwise.js';

/** Equal dims kept, others fresh symbols (of output `out`). */
function common(c: Ctx, vals: readonly (Val | undefined)[], out: number): Val {
  const first = vals[0];
  const dtype = first?.dtype;
  if (!first?.shape || vals.some((v) => !v?.shape || v.shape.length !== first.shape!.length)) return { dtype };
  return { shape: first.shape.map((d, i) => (vals.every((v) => dimEquals(v!.shape![i], d)) ? d : c.fresh(out, i))), dtype };
}

const seqOf = (v: Val | undefined) => v?.sequence;

/** A sequence whose elements are each known. */
const ofItems = (c: Ctx, items: Val[]): Val => ({ sequence: { element: common(c, items, 0), length: items.length, items } });

/** A position in a sequence of `n` elements (negative from the end), when known. */
function position(c: Ctx, i: number, n: number, fallback: number): number | undefined {
  if (!c.has(i)) return fallback;
  const p = scalarOf(c.input(i));
  if (typeof p !== 'number') return undefined;
  const q = p < 0 ? p + n : p;
  return q >= 0 && q <= n ? q : undefined;
}

const construct: Rule = (c) => ofItems(c, Array.from({ length: c.inputCount }, (_, i) => c.input(i) ?? {}));

const empty: Rule = (c) => ({ sequence: { element: { dtype: dtypeOfCode(c.int('dtype', 1)) }, length: 0 } });

const splitToSequence: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s) return { sequence: { element: { dtype } } };
  const axis = axisOf(c.int('axis', 0), s.length);
  const d = s[axis]!;
  const split = c.has(1) ? c.value(1) : undefined;
  const keep = c.int('keepdims', 1) === 1;
  if (!c.has(1)) {
    const shape = keep ? s.map((x, i) => (i === axis ? 1 : x)) : s.filter((_, i) => i !== axis);
    return { sequence: { element: { shape, dtype }, length: d } };
  }
  if (!split) return { sequence: { element: { shape: s.map((x, i) => (i === axis ? c.fresh(0, i) : x)), dtype } } };
  const sizes = c.shape(1)?.length === 0 ? [split[0]!] : split;
  if (c.shape(1)?.length === 0) {
    // one chunk size: every chunk has it but the last, which may be smaller
    const k = sizes[0]!;
    const exact = typeof d === 'number' && typeof k === 'number' && k > 0 && d % k === 0;
    return { sequence: { element: { shape: s.map((x, i) => (i === axis ? (exact ? k : c.fresh(0, i)) : x)), dtype }, length: exact ? (d as number) / (k as number) : undefined } };
  }
  return ofItems(c, sizes.map((k) => ({ shape: s.map((x, i) => (i === axis ? k : x)), dtype })));
};

const sequenceAt: Rule = (c) => {
  const seq = seqOf(c.input(0));
  if (!seq) return undefined;
  const at = seq.items ? position(c, 1, seq.items.length, 0) : undefined;
  const item = at !== undefined ? seq.items![at] : undefined;
  return { ...(item ?? seq.element) };
};

const insert: Rule = (c) => {
  const seq = seqOf(c.input(0));
  if (!seq) return undefined;
  const value = c.input(1) ?? {};
  if (seq.items) {
    const at = position(c, 2, seq.items.length, seq.items.length);
    if (at !== undefined) return ofItems(c, [...seq.items.slice(0, at), value, ...seq.items.slice(at)]);
  }
  const element = seq.length === 0 ? value : common(c, [seq.element, value], 0);
  return { sequence: { element: { shape: element.shape, dtype: element.dtype ?? seq.element.dtype }, length: seq.length === undefined ? undefined : add(seq.length, 1) } };
};

const erase: Rule = (c) => {
  const seq = seqOf(c.input(0));
  if (!seq) return undefined;
  if (seq.items && seq.items.length > 0) {
    const at = position(c, 1, seq.items.length, seq.items.length - 1);
    if (at !== undefined && at < seq.items.length) return ofItems(c, seq.items.filter((_, i) => i !== at));
  }
  return { sequence: { element: seq.element, length: seq.length === undefined ? undefined : sub(seq.length, 1) } };
};

const length: Rule = (c) => {
  const n = seqOf(c.input(0))?.length;
  return { shape: [], dtype: 'int64', value: n === undefined ? undefined : [n] };
};

const concatFromSequence: Rule = (c) => {
  const seq = seqOf(c.input(0));
  const el = seq?.element;
  if (!el?.shape) return { dtype: el?.dtype };
  const n = seq!.length ?? c.fresh(0, 0);
  if (c.int('new_axis', 0) === 1) {
    const axis = axisOf(c.int('axis', 0), el.shape.length + 1);
    return { shape: [...el.shape.slice(0, axis), n, ...el.shape.slice(axis)], dtype: el.dtype };
  }
  const axis = axisOf(c.int('axis', 0), el.shape.length);
  const items = seq!.items;
  if (items && items.length > 0 && items.every((v) => v.shape && v.shape.length === el.shape!.length)) {
    return { shape: el.shape.map((d, i) => (i === axis ? items.reduce<Dim>((sum, v) => add(sum, v.shape![i]!), 0) : d)), dtype: el.dtype };
  }
  return { shape: el.shape.map((d, i) => (i === axis ? (seq!.length === undefined ? c.fresh(0, i) : mul(d, n)) : d)), dtype: el.dtype };
};

/** SequenceMap: the body runs on each element (sequence inputs give it one element, tensors themselves). */
const sequenceMap: Rule = (c) => {
  const body = c.graph('body');
  const first = seqOf(c.input(0));
  if (!body || !first) return [];
  const inputs = Array.from({ length: c.inputCount }, (_, i) => {
    const v = c.input(i);
    return v?.sequence ? v.sequence.element : v;
  });
  const outs = c.body(body, inputs) ?? [];
  return Array.from({ length: c.outputCount }, (_, i) => ({ sequence: { element: outs[i] ?? {}, length: first.length } }));
};

export const SEQUENCE_RULES: RuleTable = {
  SequenceMap: sequenceMap,
  SequenceConstruct: construct,
  SequenceEmpty: empty,
  SplitToSequence: splitToSequence,
  SequenceAt: sequenceAt,
  SequenceInsert: insert,
  SequenceErase: erase,
  SequenceLength: length,
  ConcatFromSequence: concatFromSequence,
};
