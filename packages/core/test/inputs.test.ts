/** Input values, expression dims, unknown and positional dims, and what a failed pass says about the guesses. */
import { describe, expect, it } from 'vitest';
import { dimExpressionNames, evaluateDimExpression, isDimExpression } from '../src/dim-expr.js';
import { ForwardPassError, ModelSummaryError } from '../src/errors.js';
import { resolveInputs } from '../src/inputs.js';
import { shellQuote } from '../src/shell.js';
import { summarize } from '../src/summarize.js';
import { createMockModel } from '../src/testing/mock-model.js';
import type { HookableModel, InputSpec, LayerEvent } from '../src/contract.js';

const decoder: InputSpec[] = [
  { name: 'input_ids', shape: ['batch_size', 'sequence_length'], dtype: 'int64' },
  { name: 'attention_mask', shape: ['batch_size', 'past_sequence_length + sequence_length'], dtype: 'int64' },
  { name: 'past_key_values.0.key', shape: ['batch_size', 4, 'past_sequence_length', 8], dtype: 'float32' },
  { name: 'use_cache_branch', shape: [1], dtype: 'bool' },
];

const thrown = (f: () => unknown): ModelSummaryError => {
  try {
    f();
  } catch (error) {
    expect(ModelSummaryError.isInstance(error)).toBe(true);
    return error as ModelSummaryError;
  }
  throw new Error('expected a throw');
};

describe('dim expressions', () => {
  it('evaluates optimum and symbolic-shape-inference forms', () => {
    const v = { past_sequence_length: 7, sequence_length: 5, x: 9 };
    expect(evaluateDimExpression('past_sequence_length + sequence_length', v)).toBe(12);
    expect(evaluateDimExpression('2*sequence_length', v)).toBe(10);
    expect(evaluateDimExpression('floor(x/2)', v)).toBe(4);
    expect(evaluateDimExpression('Floor(x/2) + 1', v)).toBe(5);
    expect(evaluateDimExpression('ceil(x / 2)', v)).toBe(5);
    expect(evaluateDimExpression('x // 2', v)).toBe(4);
    expect(evaluateDimExpression('Max(x, 2*sequence_length)', v)).toBe(10);
    expect(evaluateDimExpression('x % 4', v)).toBe(1);
    expect(evaluateDimExpression('(x - 1) * (sequence_length + 1)', v)).toBe(48);
    // x/2 of an odd x is not a dim; a missing name gives nothing; a plain name is its value
    expect(evaluateDimExpression('x/2', v)).toBeUndefined();
    expect(evaluateDimExpression('y + 1', v)).toBeUndefined();
    expect(evaluateDimExpression('x', v)).toBe(9);
    expect(evaluateDimExpression('sequence_length - x', v)).toBeUndefined(); // negative
  });
  it('names with dots and dashes are names; known names are read whole', () => {
    expect(isDimExpression('p2o.DynamicDimension.1')).toBe(false);
    expect(isDimExpression('past_sequence_length + sequence_length')).toBe(true);
    expect(isDimExpression('batch-size', ['batch-size'])).toBe(false);
    expect(dimExpressionNames('past_sequence_length + sequence_length')).toEqual(['past_sequence_length', 'sequence_length']);
    expect(evaluateDimExpression('batch-size * 2', { 'batch-size': 3 })).toBe(6);
    expect(evaluateDimExpression('p2o.DynamicDimension.1 + 1', { 'p2o.DynamicDimension.1': 3 })).toBe(4);
  });
});

describe('resolveInputs: dims', () => {
  it('an expression dim is evaluated from the names given', () => {
    const r = resolveInputs(decoder, { batchSize: 2, dims: { sequence_length: 5, past_sequence_length: 7 } });
    expect(r.inputs.map((i) => i.shape)).toEqual([[2, 5], [2, 12], [2, 4, 7, 8], [1]]);
    expect(r.warnings).toEqual([]);
    expect(r.dims).toEqual({ sequence_length: 5, past_sequence_length: 7, batch_size: 2 });
  });
  it('names without a value default to 1, each named once with the flag that sets it', () => {
    const r = resolveInputs(decoder, {});
    expect(r.inputs.map((i) => i.shape)).toEqual([[1, 1], [1, 2], [1, 4, 1, 8], [1]]);
    expect(r.defaulted.map((d) => [d.name, d.value, d.flag])).toEqual([
      ['sequence_length', 1, '--dim sequence_length=N'],
      ['past_sequence_length', 1, '--dim past_sequence_length=N'],
    ]);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[1]).toMatch(/symbolic dim "past_sequence_length" \(input "attention_mask" dim 1, in "past_sequence_length \+ sequence_length", input "past_key_values.0.key" dim 2\) has no value/);
  });
  it('an unknown dim name is INVALID_OPTION listing the symbolic dims', () => {
    const e = thrown(() => resolveInputs(decoder, { dims: { seq_len: 4 } }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toBe(`unknown dim "seq_len": the model's symbolic dims are batch_size, sequence_length, past_sequence_length`);
    expect(e.details).toMatchObject({ dim: 'seq_len', symbolicDims: ['batch_size', 'sequence_length', 'past_sequence_length'] });
  });
  it('unnamed dims are set by position, `input[axis]`; a fixed axis cannot be set', () => {
    const specs: InputSpec[] = [{ name: 'x', shape: [null, null, 3], dtype: 'float32' }];
    const defaulted = resolveInputs(specs, { batchSize: 2 });
    expect(defaulted.inputs[0]!.shape).toEqual([2, 1, 3]);
    expect(defaulted.defaulted.map((d) => d.flag)).toEqual([`--dim 'x[1]=N'`]);
    expect(defaulted.warnings[0]).toMatch(/^unnamed dim "x\[1\]"/);
    expect(resolveInputs(specs, { dims: { 'x[1]': 16 } }).inputs[0]!.shape).toEqual([1, 16, 3]);
    expect(resolveInputs(specs, { dims: { 'x[0]': 4 } }).inputs[0]!.shape).toEqual([4, 1, 3]);
    expect(thrown(() => resolveInputs(specs, { dims: { 'x[2]': 4 } })).code).toBe('INVALID_OPTION');
    const unknown = thrown(() => resolveInputs(specs, { dims: { 'y[1]': 4 } }));
    expect(unknown.message).toMatch(/x\[0\] \(unnamed\), x\[1\] \(unnamed\)/);
  });
  it('the batch fills a name everywhere it is used (an LSTM batch on axis 1 too)', () => {
    const r = resolveInputs(
      [
        { name: 'x', shape: ['batch', 8], dtype: 'float32' },
        { name: 'h0', shape: [1, 'batch', 4], dtype: 'float32' },
      ],
      { batchSize: 3 },
    );
    expect(r.inputs.map((i) => i.shape)).toEqual([[3, 8], [1, 3, 4]]);
    expect(r.warnings).toEqual([]);
  });
});

describe('resolveInputs: values', () => {
  it('an override may give only { name, value }: shape and dtype come from the model', () => {
    const r = resolveInputs(
      [
        { name: 'input', shape: ['batch', 512], dtype: 'float32' },
        { name: 'sr', shape: [], dtype: 'int64' },
      ],
      { inputs: [{ name: 'sr', value: 16000 }] },
    );
    expect(r.inputs[1]).toEqual({ name: 'sr', shape: [], dtype: 'int64', bytes: 8, value: 16000 });
    expect(r.inputs[0]!.value).toBeUndefined();
  });
  it('values are checked against the dtype', () => {
    const specs: InputSpec[] = [
      { name: 'flag', shape: [1], dtype: 'bool' },
      { name: 'n', shape: [], dtype: 'int8' },
    ];
    expect(resolveInputs(specs, { inputs: [{ name: 'flag', value: true }, { name: 'n', value: -3n }] }).inputs.map((i) => i.value)).toEqual([true, -3n]);
    expect(thrown(() => resolveInputs(specs, { inputs: [{ name: 'flag', value: 2 }] })).code).toBe('INVALID_INPUT');
    expect(thrown(() => resolveInputs(specs, { inputs: [{ name: 'n', value: 300 }] })).message).toMatch(/out of range for int8/);
    expect(thrown(() => resolveInputs(specs, { inputs: [{ name: 'n', value: 1.5 }] })).message).toMatch(/not an integer/);
  });
});

describe('a failed pass after guesses', () => {
  it('says which dims took which default, which inputs got mock data, and the flags (shell-quoted)', async () => {
    const model = createMockModel({
      inputs: [
        { name: 'input_ids', shape: ['batch', 'sequence_length', null], dtype: 'int64' },
        { name: 'sr', shape: [], dtype: 'int64' },
        { name: 'audio', shape: ['batch', 64], dtype: 'float32' },
      ],
      layers: [{ id: 'a', outputs: [{ shape: [null, 2] }] }],
      throwAt: 'a',
    });
    const error = await summarize(model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForwardPassError);
    const message = (error as Error).message;
    expect(message).toContain('symbolic dims without a value took a default (sequence_length=1, input_ids[2]=1)');
    expect(message).toContain(`set them with --dim sequence_length=N --dim 'input_ids[2]=N'`);
    expect(message).toContain('--input input_ids=VALUE --input sr=VALUE');
    expect(message).not.toContain('--input audio');
    expect((error as ForwardPassError).details).toMatchObject({
      defaultedDims: [
        { name: 'sequence_length', value: 1, flag: '--dim sequence_length=N' },
        { name: 'input_ids[2]', value: 1, flag: `--dim 'input_ids[2]=N'` },
      ],
      mockValuedInputs: ['input_ids', 'sr'],
      executedLayers: [],
    });
  });
  it('shell quoting: safe words stay, others are single-quoted', () => {
    expect(shellQuote('seq=128')).toBe('seq=128');
    expect(shellQuote('p2o.DynamicDimension.1=N')).toBe('p2o.DynamicDimension.1=N');
    expect(shellQuote('x[1]=N')).toBe(`'x[1]=N'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('a b')).toBe(`'a b'`);
  });
});

describe('a pass that fails with dims at their default 1 runs again with them raised', () => {
  const model = (minLength: number): HookableModel<number[]> => {
    let shape: number[] = [];
    return {
      specificationVersion: 'v1',
      runtime: 'test',
      name: 'frames',
      listLayers: () => [{ id: 'stft', name: 'stft', type: 'Conv', params: 0, paramBytes: 0 }],
      inputSpecs: () => [
        { name: 'audio', shape: [null, null], dtype: 'float32' },
        { name: 'sr', shape: [], dtype: 'int64' },
      ],
      registerHooks: (onEvent) => {
        listener = onEvent;
        return () => undefined;
      },
      createMockInputs: (specs) => {
        shape = specs[0]!.shape;
        return { tensors: [shape], device: 'cpu' };
      },
      run: () => {
        if ((shape[1] as number) < minLength) throw new Error(`Pad reflect requires axis length >= 2, input shape {${shape.join(',')}}`);
        listener?.({ id: 'stft', inputShapes: [shape], outputShapes: [[1, 4]], outputDTypes: ['float32'], outputBytes: 16 });
      },
      disposeInputs: () => undefined,
    };
  };
  let listener: ((e: LayerEvent) => void) | undefined;
  it('succeeds with the dim at 512 and says so, with the flag', async () => {
    const s = await summarize(model(2), { inputs: [{ name: 'sr', value: 16000 }] });
    expect(s.inputs[0]!.shape).toEqual([1, 512]);
    expect(s.layers[0]!.executed).toBe(true);
    expect(s.warnings.join('\n')).toMatch(/the pass failed with symbolic dims at their default 1 \(audio\[1\]: .*Pad reflect.*\); it ran with audio\[1\]=512: set them with --dim 'audio\[1\]=N'/);
  });
  it('when that fails too, the first error is thrown, with its hints', async () => {
    const error = await summarize(model(10_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForwardPassError);
    expect((error as Error).message).toMatch(/input shape \{1,1\}/);
    expect((error as Error).message).toContain(`--dim 'audio[1]=N'`);
  });
});
