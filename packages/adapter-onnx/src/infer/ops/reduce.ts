/** Reductions (ReduceSum & co., ArgMax / ArgMin): axes from the attribute or, in newer opsets, the input. */
import { add, max, min, mul, type Dim } from '../dims.js';
import { axisOf, numbers, type Rule, type RuleTable, type Val } from '../context.js';

/** Opset from which the op reads its axes from input 1. */
const AXES_INPUT_SINCE: Record<string, number> = { ReduceSum: 13 };

function reduce(fold?: (a: Dim, b: Dim) => Dim): Rule {
  return (c) => {
    const s = c.shape(0);
    const dtype = c.dtype(0);
    if (!s) return { dtype };
    const keep = c.int('keepdims', 1) === 1;
    const since = AXES_INPUT_SINCE[c.opType] ?? 18;
    let axes: number[] | undefined;
    if (c.opset >= since) {
      if (c.has(1)) {
        axes = numbers(c.value(1));
        if (!axes) {
          // Unknown axes: with keepdims the rank stays, every dim may be reduced.
          return keep ? { shape: s.map((d, a) => (d === 1 ? 1 : c.fresh(0, a))), dtype } : { dtype };
        }
      }
    } else axes = c.ints('axes');
    if (!axes || axes.length === 0) {
      if (c.opset >= since && c.int('noop_with_empty_axes', 0) === 1) return { shape: s, dtype, value: c.value(0) };
      axes = s.map((_, i) => i);
    }
    const drop = new Set(axes.map((a) => axisOf(a, s.length)));
    const shape = keep ? s.map((d, a) => (drop.has(a) ? 1 : d)) : s.filter((_, a) => !drop.has(a));
    const out: Val = { shape, dtype };
    // Values: a 1-D tensor reduced whole (ReduceProd of a shape = its element count, ...).
    const v = c.value(0);
    if (fold && v && s.length === 1 && drop.size === 1 && v.length > 0) {
      let acc = v[0]!;
      try {
        for (let i = 1; i < v.length; i++) acc = fold(acc, v[i]!);
        out.value = [acc];
      } catch {
        // too large a dim expression: no value
      }
    }
    return out;
  };
}

const argReduce: Rule = (c) => {
  const s = c.shape(0);
  if (!s) return { dtype: 'int64' };
  const a = axisOf(c.int('axis', 0), Math.max(s.length, 1));
  const keep = c.int('keepdims', 1) === 1;
  return { shape: keep ? s.map((d, i) => (i === a ? 1 : d)) : s.filter((_, i) => i !== a), dtype: 'int64' };
};

export const REDUCE_RULES: RuleTable = {
  ReduceSum: reduce((a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : add(a, b))),
  ReduceProd: reduce((a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : mul(a, b))),
  ReduceMax: reduce(max),
  ReduceMin: reduce(min),
  ReduceMean: reduce(),
  ReduceL1: reduce(),
  ReduceL2: reduce(),
  ReduceLogSum: reduce(),
  ReduceLogSumExp: reduce(),
  ReduceSumSquare: reduce(),
  ArgMax: argReduce,
  ArgMin: argReduce,
};
