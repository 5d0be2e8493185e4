/** Quantization: (De)QuantizeLinear, DynamicQuantizeLinear, QLinear* elementwise / concat / softmax, GatherBlockQuantized. */
import { add as addDim, mul, type Dim } from '../dims.js';
import { axisOf, broadcast, like, type Ctx, type Rule, type RuleTable } from '../context.js';
import { dtypeOfCode } from './elementwise.js';

/** QuantizeLinear: the zero point's type, else `output_dtype` (opset 21), else uint8. */
const quantize: Rule = (c) => {
  const attr = c.intOr('output_dtype');
  const dtype = (c.has(2) ? c.dtype(2) : undefined) ?? (attr ? dtypeOfCode(attr) : undefined) ?? 'uint8';
  return like(c, 0, dtype);
};

/** DequantizeLinear: the scale's type (`output_dtype` from opset 23). */
const dequantize: Rule = (c) => {
  const attr = c.intOr('output_dtype');
  return like(c, 0, (attr ? dtypeOfCode(attr) : undefined) ?? c.dtype(1) ?? 'float32');
};

const dynamicQuantize: Rule = (c) => [like(c, 0, 'uint8'), { shape: [], dtype: 'float32' }, { shape: [], dtype: 'uint8' }];

/** QLinear binary ops: A at 0, B at 3; output in A's quantized type. */
const qlinearBinary: Rule = (c) => ({ shape: broadcast([c.shape(0), c.shape(3)]), dtype: c.dtype(0) });

/** QLinearConcat: Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) triples. */
const qlinearConcat: Rule = (c) => {
  const shapes: (Dim[] | undefined)[] = [];
  for (let i = 2; i < c.inputCount; i += 3) shapes.push(c.shape(i));
  const dtype = c.dtype(2);
  if (shapes.length === 0 || shapes.some((s) => !s)) return { dtype };
  const first = shapes[0]!;
  const axis = axisOf(c.int('axis', 0), first.length);
  const out = first.slice();
  let sum: Dim = 0;
  for (const s of shapes) sum = addDim(sum, s![axis]!);
  out[axis] = sum;
  return { shape: out, dtype };
};

/** GatherBlockQuantized: indices shape + data's other dims, 4-bit data packed two per byte. */
const gatherBlockQuantized: Rule = (c: Ctx) => {
  const data = c.shape(0);
  const idx = c.shape(1);
  const dtype = c.dtype(2);
  if (!data || !idx) return { dtype };
  const axis = axisOf(c.int('gather_axis', 0), data.length);
  const bits = c.int('bits', 4);
  const dims = data.slice();
  if (c.dtype(0) === 'uint8' && dims.length > 0) dims[dims.length - 1] = mul(dims[dims.length - 1]!, 8 / bits);
  return { shape: [...dims.slice(0, axis), ...idx, ...dims.slice(axis + 1)], dtype };
};

export const QUANT_RULES: RuleTable = {
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
  DynamicQuantizeLinear: dynamicQuantize,
};

export const QUANT_MS_RULES: RuleTable = {
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
  QLinearAdd: qlinearBinary,
  QLinearMul: qlinearBinary,
  QLinearSigmoid: (c) => like(c),
  QLinearLeakyRelu: (c) => like(c),
  QLinearSoftmax: (c) => like(c),
  QLinearConcat: qlinearConcat,
  QLinearReduceMean: (c) => {
    const s = c.shape(0);
    const axes = c.ints('axes');
    if (!s || !axes) return { dtype: c.dtype(0) };
    const drop = new Set(axes.map((a) => axisOf(a, s.length)));
    const keep = c.int('keepdims', 1) === 1;
    return { shape: keep ? s.map((d, a) => (drop.has(a) ? 1 : d)) : s.filter((_, a) => !drop.has(a)), dtype: c.dtype(0) };
  },
  QLinearWhere: (c) => ({ shape: broadcast([c.shape(0), c.shape(1), c.shape(4)]), dtype: c.dtype(1) }),
  GatherBlockQuantized: gatherBlockQuantized,
  DynamicQuantizeLinear: dynamicQuantize,
};
