/** MatMul / Gemm family: float, integer, quantized (QLinear, N-bit packed weights), fused com.microsoft variants. */
import type { Dim } from '../dims.js';
import { broadcast, broadcastDim, fail, type Ctx, type Rule, type RuleTable } from '../context.js';

/** numpy.matmul of shapes a × b (1-D operands promoted and their axis removed). */
export function matmulShape(a: Dim[], b: Dim[], transA = false, transB = false): Dim[] {
  if (a.length === 0 || b.length === 0) fail('MatMul of a scalar');
  let x = a.length === 1 ? [1, a[0]!] : a.slice();
  let y = b.length === 1 ? [b[0]!, 1] : b.slice();
  if (transA && x.length >= 2) x = [...x.slice(0, -2), x[x.length - 1]!, x[x.length - 2]!];
  if (transB && y.length >= 2) y = [...y.slice(0, -2), y[y.length - 1]!, y[y.length - 2]!];
  broadcastDim(x[x.length - 1]!, y[y.length - 2]!); // K must agree (throws on two different numbers)
  const batch = broadcast([x.slice(0, -2), y.slice(0, -2)]) ?? [];
  const out = [...batch];
  if (a.length !== 1) out.push(x[x.length - 2]!);
  if (b.length !== 1) out.push(y[y.length - 1]!);
  return out;
}

function matmul(opts: { a?: number; b?: number; dtype?: (c: Ctx) => string | undefined; trans?: boolean } = {}): Rule {
  const ia = opts.a ?? 0;
  const ib = opts.b ?? 1;
  return (c) => {
    const a = c.shape(ia);
    const b = c.shape(ib);
    const dtype = opts.dtype ? opts.dtype(c) : c.dtype(ia);
    if (!a || !b) return { dtype };
    const trans = opts.trans === true;
    return { shape: matmulShape(a, b, trans && c.int('transA', 0) === 1, trans && c.int('transB', 0) === 1), dtype };
  };
}

function gemm(opts: { a?: number; b?: number; dtype?: (c: Ctx) => string | undefined } = {}): Rule {
  const ia = opts.a ?? 0;
  const ib = opts.b ?? 1;
  return (c) => {
    const a = c.shape(ia);
    const b = c.shape(ib);
    const dtype = opts.dtype ? opts.dtype(c) : c.dtype(ia);
    if (!a || !b || a.length !== 2 || b.length !== 2) return { dtype };
    const m = c.int('transA', 0) ? a[1]! : a[0]!;
    const n = c.int('transB', 0) ? b[0]! : b[1]!;
    return { shape: [m, n], dtype };
  };
}

/** A [..., K] × packed weight → [..., N] with N from the `N` attribute. */
const nBits: Rule = (c) => {
  const a = c.shape(0);
  const n = c.intOr('N');
  if (!a || n === undefined || a.length === 0) return { dtype: c.dtype(0) };
  return { shape: [...a.slice(0, -1), n], dtype: c.dtype(0) };
};

const byZeroPoint = (zp: number) => (c: Ctx): string | undefined => (c.has(zp) ? c.dtype(zp) : undefined) ?? c.dtype(0);
const floatOf = (i: number) => (c: Ctx): string | undefined => c.dtype(i) ?? 'float32';

export const MATMUL_RULES: RuleTable = {
  MatMul: matmul(),
  MatMulInteger: matmul({ dtype: () => 'int32' }),
  QLinearMatMul: matmul({ a: 0, b: 3, dtype: byZeroPoint(7) }),
  Gemm: gemm(),
};

export const MATMUL_MS_RULES: RuleTable = {
  FusedMatMul: matmul({ trans: true }),
  TransposeMatMul: matmul({ trans: true }),
  FusedMatMulActivation: matmul({ trans: true }),
  MatMulNBits: nBits,
  MatMulBnb4: nBits,
  MatMulFpQ4: (c) => {
    const a = c.shape(0);
    const bShape = c.value(2);
    const n = bShape?.[bShape.length - 1];
    if (!a || n === undefined) return { dtype: c.dtype(0) };
    return { shape: [...a.slice(0, -1), n], dtype: c.dtype(0) };
  },
  MatMulIntegerToFloat: matmul({ dtype: floatOf(2) }),
  DynamicQuantizeMatMul: matmul({ dtype: floatOf(0) }),
  MatMulInteger16: matmul({ dtype: () => 'int32' }),
  QGemm: gemm({ a: 0, b: 3, dtype: (c) => (c.has(7) ? c.dtype(7) : undefined) ?? 'float32' }),
  FusedGemm: gemm(),
  GemmFastGelu: matmul(),
  GemmFloat8: gemm({ dtype: (c) => c.dtype(0) }),
  QLinearMatMul: matmul({ a: 0, b: 3, dtype: byZeroPoint(7) }),
};
