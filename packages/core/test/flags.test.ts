/** The flags core's messages suggest (`--dim 'input_ids[1]=N'`, `--input sr=VALUE`) read back from text, as the CLI and the playground read them. */
import { describe, expect, it } from 'vitest';
import { parseDimFlag, parseInputFlag, parseInputFlags, shellFlag, shellQuote, shellWords, summarize, ModelSummaryError } from '../src/index.js';
import { createMockModel } from '../src/testing/index.js';

describe('shellWords', () => {
  it('reads back what shellQuote writes', () => {
    for (const word of ['plain', 'input_ids[1]=8', "it's", 'a b', '', 'x"y', '$HOME', 'p2o.DynamicDimension.1=320']) {
      expect(shellWords(`${shellQuote(word)} next`)).toEqual([word, 'next']);
    }
  });
  it('double quotes, backslashes, runs of spaces; an open quote is an error', () => {
    expect(shellWords(`  --dim "a b=1"   --input x\\ y=2 "q\\"t"`)).toEqual(['--dim', 'a b=1', '--input', 'x y=2', 'q"t']);
    expect(() => shellWords(`--dim 'x=1`)).toThrow(ModelSummaryError);
  });
});

describe('parseInputFlags', () => {
  it('the flags a failed pass suggests, with values put in for N, give the dims and inputs', async () => {
    const model = createMockModel({ inputs: [{ name: 'input_ids', shape: [null, null], dtype: 'int64' }, { name: 'sr', shape: [], dtype: 'int64' }], layers: [{ id: 'a', type: 'Dense', params: 0, paramBytes: 0 }] });
    const s = await summarize(model, { device: 'cpu' });
    const suggested = s.defaultedDims!.map((d) => d.flag).join(' ');
    expect(suggested).toBe("--dim 'input_ids[1]=N'");
    const line = `${suggested.replace(/=N\b/g, '=16')} ${shellFlag('--input', 'sr=16000')} --batch 2`;
    expect(parseInputFlags(line)).toEqual({ dims: { 'input_ids[1]': 16 }, inputs: [{ name: 'sr', value: 16000 }], batchSize: 2 });
    const again = await summarize(model, { device: 'cpu', ...parseInputFlags(line) });
    expect(again.inputs.map((i) => i.shape)).toEqual([[2, 16], []]);
    expect(again.defaultedDims).toBeUndefined();
  });
  it('--flag=value, shapes and dtypes; unknown flags and bad values are INVALID_OPTION naming them', () => {
    expect(parseInputFlags('--dim=seq=4 --input=ids:int32:1x4 --input use_cache_branch=false')).toEqual({
      dims: { seq: 4 },
      inputs: [{ name: 'ids', dtype: 'int32', shape: [1, 4] }, { name: 'use_cache_branch', value: false }],
    });
    expect(parseInputFlags('')).toEqual({ inputs: [], dims: {} });
    const fails = (text: string) => {
      try {
        parseInputFlags(text);
      } catch (error) {
        expect(error).toBeInstanceOf(ModelSummaryError);
        expect((error as ModelSummaryError).code).toBe('INVALID_OPTION');
        return (error as Error).message;
      }
      throw new Error(`accepted ${text}`);
    };
    expect(fails('--depth 2')).toContain('"--depth": expected --input, --dim or --batch');
    expect(fails('--dim seq=-1')).toContain('the value must be a whole number');
    expect(fails('--dim')).toContain('--dim needs a value');
    expect(fails('--batch 0')).toContain('--batch must be a positive integer');
    expect(fails('--input x:float32:1xAx3')).toContain('dim "A" is not a non-negative integer');
  });
  it('single flags: a bigint past 2^53, the dim 0', () => {
    expect(parseInputFlag('seed=9007199254740993')).toEqual({ name: 'seed', value: 9007199254740993n });
    expect(parseInputFlag('input:0:1x3')).toEqual({ name: 'input:0', shape: [1, 3] });
    expect(parseDimFlag('past_sequence_length=0')).toEqual(['past_sequence_length', 0]);
  });
});
