import { describe, expect, test } from 'vitest';
import { isFloatDType, isParameterConstant } from '../src/index.js';

describe('isParameterConstant: a constant is a parameter only when it is a weight', () => {
  test('anything that feeds a weight input counts, whatever its dtype or size', () => {
    expect(isParameterConstant({ dtype: 'float32', elements: 3 * 3 * 16 * 32, roles: ['weight'] })).toBe(true);
    expect(isParameterConstant({ dtype: 'float32', elements: 1, roles: ['weight'] })).toBe(true); // the bias of a 1-unit dense
    expect(isParameterConstant({ dtype: 'int8', elements: 64, roles: ['weight'] })).toBe(true); // a quantized weight
    expect(isParameterConstant({ dtype: 'int32', elements: 8, roles: ['weight'] })).toBe(true); // a QLinearConv bias
  });

  test('shape, axis, index and state constants are not parameters, whatever their size', () => {
    expect(isParameterConstant({ dtype: 'int32', elements: 4, roles: ['shape'] })).toBe(false); // Reshape target
    expect(isParameterConstant({ dtype: 'int64', elements: 8, roles: ['shape'] })).toBe(false); // Pad pads
    expect(isParameterConstant({ dtype: 'int32', elements: 1, roles: ['axis', 'axis'] })).toBe(false); // Concat axis
    expect(isParameterConstant({ dtype: 'int64', elements: 1000, roles: ['index'] })).toBe(false); // Gather indices
    expect(isParameterConstant({ dtype: 'float32', elements: 512, roles: ['state'] })).toBe(false); // a zero initial state
  });

  test('operands: float tensors of more than one element are weights, scalars and integers are not', () => {
    expect(isParameterConstant({ dtype: 'float32', elements: 64, roles: ['operand'] })).toBe(true); // folded batch-norm scale
    expect(isParameterConstant({ dtype: 'float16', elements: 2, roles: ['operand', 'shape'] })).toBe(true);
    expect(isParameterConstant({ dtype: 'float32', elements: 1, roles: ['operand'] })).toBe(false); // x * 0.5, an epsilon
    expect(isParameterConstant({ dtype: 'int32', elements: 4, roles: ['operand'] })).toBe(false); // shape arithmetic
    expect(isParameterConstant({ dtype: 'bool', elements: 16, roles: ['operand'] })).toBe(false);
  });

  test('a constant no op reads is not a parameter', () => {
    expect(isParameterConstant({ dtype: 'float32', elements: 100, roles: [] })).toBe(false);
  });

  test('isFloatDType', () => {
    expect(['float32', 'float16', 'bfloat16', 'float64', 'float8e4m3fn'].every(isFloatDType)).toBe(true);
    expect(['int32', 'int64', 'uint8', 'bool', 'string'].some(isFloatDType)).toBe(false);
  });
});
