/**
 * The parameter rule for constant tensors, one for every adapter: a graph constant (a TF.js
 * weight, an ONNX initializer or Constant) is a parameter only when it is a weight. Pure: the
 * adapter says what each constant feeds, this says whether it counts.
 */
import type { DType } from './contract.js';

/**
 * What a constant is to one op input it feeds:
 * - `weight`: a weight input of a compute op (conv filter, matmul / gemm operand, bias, norm scale
 *   and offset, PReLU slope, an embedding table, a quantized weight, its scale or zero point);
 * - `operand`: a data input of another op (`Add`, `Mul`, `Concat` data, ...): a weight when it is
 *   a float tensor of more than one element (a folded batch-norm scale), not when it is a scalar;
 * - `shape`, `axis`, `index`: a shape, size, padding or slice bound; an axis or permutation; an
 *   index or count (`Reshape` shape, `Concat` axis, `Gather` indices, `TopK` k, ...);
 * - `state`: an initial state or carried loop value (a zero initial hidden state).
 */
export type ConstantRole = 'weight' | 'operand' | 'shape' | 'axis' | 'index' | 'state';

/** What {@link isParameterConstant} reads of one constant. */
export interface ConstantFacts {
  dtype: DType;
  /** Element count of the constant. */
  elements: number;
  /** The role of every op input the constant feeds (once per use; pass-through ops looked through). */
  roles: readonly ConstantRole[];
}

const FLOAT_DTYPES = new Set(['float64', 'float32', 'float16', 'bfloat16', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'complex64', 'complex128']);

/** True for floating-point (and complex) dtypes. */
export function isFloatDType(dtype: DType): boolean {
  return FLOAT_DTYPES.has(dtype);
}

/**
 * Whether a constant counts as parameters. It does when it feeds a `weight` input (any dtype:
 * quantized int8 weights and int32 biases are weights), or when it feeds an `operand` input and
 * is a float tensor of more than one element. Shape, axis, index and state constants, scalar
 * operands (`x * 0.5`, an epsilon) and constants no op reads are not parameters.
 */
export function isParameterConstant(facts: ConstantFacts): boolean {
  if (facts.roles.includes('weight')) return true;
  return facts.roles.includes('operand') && isFloatDType(facts.dtype) && facts.elements > 1;
}
