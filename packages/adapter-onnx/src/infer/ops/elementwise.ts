/** Elementwise ops: unary (same shape), broadcasting binary / variadic, Where, Cast; values of small int tensors computed. */
import { add, divideExact, floorDiv, max, min, mod, mul, neg, nonNegative, sign, sub, type Dim } from '../dims.js';
import { broadcast, like, type Ctx, type Rule, type RuleTable, type Val } from '../context.js';
import { broadcastIndex, concreteSize, isFloatType, isIntType, MAX_VALUE_ELEMENTS } from '../values.js';

type ElemFn = (xs: Dim[], c: Ctx) => Dim | undefined;

const DTYPE_BY_TO: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16',
  11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16', 17: 'float8e4m3fn',
  18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1',
};
/** ONNX TensorProto.DataType number → dtype name. */
export const dtypeOfCode = (code: number): string | undefined => DTYPE_BY_TO[code];

/** Computes the value elementwise (broadcast) when every input value is known and the output is small. */
function computeValue(c: Ctx, indices: readonly number[], outShape: Dim[] | undefined, fn: ElemFn): Dim[] | undefined {
  const n = concreteSize(outShape);
  if (n === undefined || n > MAX_VALUE_ELEMENTS) return undefined;
  const ins: Dim[][] = [];
  const maps: number[][] = [];
  for (const i of indices) {
    const s = c.shape(i);
    const size = concreteSize(s);
    if (size === undefined || size > MAX_VALUE_ELEMENTS) return undefined;
    const v = c.value(i);
    if (!v || v.length !== size) return undefined;
    ins.push(v);
    maps.push(broadcastIndex(s as number[], outShape as number[]));
  }
  const out: Dim[] = new Array(n);
  const xs: Dim[] = new Array(ins.length);
  try {
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < ins.length; j++) xs[j] = ins[j]![maps[j]![k]!]!;
      const y = fn(xs, c);
      if (y === undefined) return undefined;
      out[k] = y;
    }
  } catch {
    return undefined; // a value that cannot be a dim (a fraction times a symbol, ...): unknown, the shape stands
  }
  return out;
}

const broadcast2 = (a: Dim[] | undefined, b: Dim[] | undefined): Dim[] | undefined => (a && b ? (a === b ? a : broadcast([a, b])) : undefined);

/** A broadcasting op over the given inputs; `dtype` of the output (default: input `dtypeFrom`). */
function broadcasting(opts: { fn?: ElemFn; dtype?: string; dtypeFrom?: number; inputs?: readonly number[] } = {}): Rule {
  return (c) => {
    let idx = opts.inputs;
    if (!idx) {
      const given: number[] = [];
      for (let i = 0; i < c.inputCount; i++) if (c.has(i)) given.push(i);
      idx = given;
    }
    const shape = idx.length === 2 ? broadcast2(c.shape(idx[0]!), c.shape(idx[1]!)) : broadcast(idx.map((i) => c.shape(i)));
    const dtype = opts.dtype ?? c.dtype(opts.dtypeFrom ?? idx[0] ?? 0);
    const out: Val = { shape, dtype };
    if (opts.fn && (isIntType(dtype) || dtype === undefined || isFloatType(dtype) || opts.dtype === 'bool')) {
      const value = computeValue(c, idx, shape, opts.fn);
      if (value) out.value = value;
    }
    return out;
  };
}

/** Same shape and dtype as input 0; value computed when known. */
function unary(fn?: ElemFn, dtype?: (c: Ctx) => string | undefined): Rule {
  return (c) => {
    const out: Val = like(c, 0, dtype?.(c));
    if (fn) {
      const value = computeValue(c, [0], out.shape, fn);
      if (value) out.value = value;
    }
    return out;
  };
}

const isInt = (c: Ctx, i = 0): boolean => isIntType(c.dtype(i));
const num = (x: Dim | undefined): x is number => typeof x === 'number';
/** Numbers with JS arithmetic (floats too), dims symbolically. */
const arith = (f: (a: number, b: number) => number, g: (a: Dim, b: Dim) => Dim) => (a: Dim, b: Dim): Dim => (num(a) && num(b) ? f(a, b) : g(a, b));
const plus = arith((a, b) => a + b, add);
const minus = arith((a, b) => a - b, sub);
const times = arith((a, b) => a * b, mul);
const bool = (b: boolean): number => (b ? 1 : 0);

const divide: ElemFn = ([a, b], c) => {
  if (num(a) && num(b)) {
    if (isInt(c)) return b === 0 ? undefined : Math.trunc(a / b);
    return a / b;
  }
  if (b === 0) return undefined;
  const exact = divideExact(a!, b!);
  if (exact !== undefined) return exact;
  if (!isInt(c)) return undefined;
  // Integer division of dims (non-negative) is floor division.
  return (nonNegative(a!) && nonNegative(b!)) ? floorDiv(a!, b!) : undefined;
};

const modulo: ElemFn = ([a, b], c) => {
  if (num(a) && num(b)) {
    if (b === 0) return undefined;
    if (c.int('fmod', 0) || !isInt(c)) return a % b;
    return mod(a, b);
  }
  return isInt(c) && typeof b === 'number' && b > 0 ? mod(a!, b) : undefined;
};

/** Proven comparison of two dims: -1, 0, 1 or undefined. */
function compare(a: Dim, b: Dim): -1 | 0 | 1 | undefined {
  if (num(a) && num(b)) return Number.isNaN(a) || Number.isNaN(b) ? undefined : a < b ? -1 : a > b ? 1 : 0;
  return sign(sub(a, b));
}

const cmp = (test: (s: -1 | 0 | 1) => boolean): ElemFn => ([a, b]) => {
  if (num(a) && num(b) && (Number.isNaN(a) || Number.isNaN(b))) return 0;
  const s = compare(a!, b!);
  return s === undefined ? undefined : bool(test(s));
};

const equal: ElemFn = ([a, b]) => {
  const s = compare(a!, b!);
  return s === undefined ? undefined : bool(s === 0);
};

const numeric = (f: (...xs: number[]) => number): ElemFn => (xs) => (xs.every(num) ? f(...(xs as number[])) : undefined);

const variadic = (f: (a: Dim, b: Dim) => Dim | undefined): ElemFn => (xs) => {
  let acc: Dim | undefined = xs[0];
  for (let i = 1; i < xs.length && acc !== undefined; i++) acc = f(acc, xs[i]!);
  return acc;
};

const castTo = (c: Ctx): string | undefined => dtypeOfCode(c.int('to', 0));

const cast: ElemFn = ([x], c) => {
  const to = castTo(c);
  if (x === undefined) return undefined;
  if (to === 'bool') {
    if (num(x)) return bool(x !== 0);
    const s = sign(x);
    return s === undefined ? undefined : bool(s !== 0);
  }
  if (isIntType(to)) {
    if (num(x)) return Number.isFinite(x) ? Math.trunc(x) : undefined;
    return x;
  }
  return x;
};

const relu: ElemFn = ([x]) => (num(x) ? Math.max(0, x) : max(x!, 0));

export const ELEMENTWISE_RULES: RuleTable = {
  // Arithmetic (value-propagating on shape tensors)
  Add: broadcasting({ fn: ([a, b]) => plus(a!, b!) }),
  Sub: broadcasting({ fn: ([a, b]) => minus(a!, b!) }),
  Mul: broadcasting({ fn: ([a, b]) => times(a!, b!) }),
  Div: broadcasting({ fn: divide }),
  Mod: broadcasting({ fn: modulo }),
  Pow: broadcasting({ fn: numeric((a, b) => a ** b) }),
  Max: broadcasting({ fn: variadic((a, b) => max(a, b)) }),
  Min: broadcasting({ fn: variadic((a, b) => min(a, b)) }),
  Sum: broadcasting({ fn: variadic(plus) }),
  Mean: broadcasting(),
  PRelu: broadcasting(),
  BitShift: broadcasting(),
  BitwiseAnd: broadcasting(),
  BitwiseOr: broadcasting(),
  BitwiseXor: broadcasting(),
  // Comparison and logic → bool
  Equal: broadcasting({ fn: equal, dtype: 'bool' }),
  Less: broadcasting({ fn: cmp((s) => s < 0), dtype: 'bool' }),
  LessOrEqual: broadcasting({ fn: cmp((s) => s <= 0), dtype: 'bool' }),
  Greater: broadcasting({ fn: cmp((s) => s > 0), dtype: 'bool' }),
  GreaterOrEqual: broadcasting({ fn: cmp((s) => s >= 0), dtype: 'bool' }),
  And: broadcasting({ fn: numeric((a, b) => bool(!!a && !!b)), dtype: 'bool' }),
  Or: broadcasting({ fn: numeric((a, b) => bool(!!a || !!b)), dtype: 'bool' }),
  Xor: broadcasting({ fn: numeric((a, b) => bool(!!a !== !!b)), dtype: 'bool' }),
  Not: unary(numeric((a) => bool(!a)), () => 'bool'),
  IsNaN: unary(undefined, () => 'bool'),
  IsInf: unary(undefined, () => 'bool'),
  Where: broadcasting({
    fn: ([cond, x, y]) => (num(cond) ? (cond ? x : y) : undefined),
    dtypeFrom: 1,
  }),
  // Unary math
  Neg: unary(([x]) => (num(x) ? -x : neg(x!))),
  Abs: unary(([x]) => (num(x) ? Math.abs(x) : nonNegative(x!) ? x : undefined)),
  Identity: unary(([x]) => x),
  Floor: unary(([x], c) => (num(x) ? Math.floor(x) : isInt(c) ? x : undefined)),
  Ceil: unary(([x], c) => (num(x) ? Math.ceil(x) : isInt(c) ? x : undefined)),
  Round: unary(([x], c) => (num(x) ? roundHalfEven(x) : isInt(c) ? x : undefined)),
  Sign: unary(([x]) => (num(x) ? Math.sign(x) : sign(x!))),
  Sqrt: unary(numeric(Math.sqrt)),
  Reciprocal: unary(numeric((x) => 1 / x)),
  Exp: unary(numeric(Math.exp)),
  Log: unary(numeric(Math.log)),
  Relu: unary(relu),
  Cast: unary(cast, castTo),
  CastLike: (c) => {
    const out: Val = like(c, 0, c.dtype(1));
    const v = c.value(0);
    if (v && isIntType(out.dtype)) out.value = v.map((x) => (num(x) ? Math.trunc(x) : x));
    else if (v) out.value = v;
    return out;
  },
  ...Object.fromEntries(
    [
      'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Cos', 'Cosh', 'Erf', 'Sin', 'Sinh', 'Tan', 'Tanh', 'Sigmoid', 'HardSigmoid',
      'HardSwish', 'Softplus', 'Softsign', 'Mish', 'Gelu', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'ThresholdedRelu', 'Shrink', 'Clip',
      'Softmax', 'LogSoftmax', 'Hardmax', 'LpNormalization', 'CumSum', 'Trilu', 'BitwiseNot', 'ReverseSequence', 'Bernoulli',
      'Swish',
    ].map((op) => [op, unary()]),
  ),
  RandomNormalLike: unary(undefined, (c) => dtypeOfCode(c.int('dtype', 0)) ?? c.dtype(0)),
  RandomUniformLike: unary(undefined, (c) => dtypeOfCode(c.int('dtype', 0)) ?? c.dtype(0)),
  EyeLike: unary(undefined, (c) => dtypeOfCode(c.int('dtype', 0)) ?? c.dtype(0)),
  Dropout: (c) => [like(c), { shape: c.shape(0), dtype: 'bool' }],
};

/** Elementwise ops of com.microsoft. */
export const ELEMENTWISE_MS_RULES: RuleTable = {
  FastGelu: unary(),
  Gelu: unary(),
  QuickGelu: unary(),
  BiasGelu: broadcasting({ inputs: [0, 1] }),
  BiasAdd: broadcasting(),
  BiasDropout: (c) => {
    const shape = broadcast([c.shape(0), c.shape(1), c.has(2) ? c.shape(2) : []]);
    return [{ shape, dtype: c.dtype(0) }, { shape, dtype: 'bool' }];
  },
  BiasSoftmax: broadcasting({ inputs: [0, 1] }),
  BiasSplitGelu: (c) => {
    const s = c.shape(0);
    if (!s || s.length === 0) return { dtype: c.dtype(0) };
    const last = s[s.length - 1]!;
    return { shape: [...s.slice(0, -1), divideExact(last, 2) ?? floorDiv(last, 2)], dtype: c.dtype(0) };
  },
  Affine: unary(),
  ParametricSoftplus: unary(),
  ScaledTanh: unary(),
  Inverse: unary(),
};

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
