import { describe, expect, it } from 'vitest';
import { parseBytes, parseCount, parseDimOption, parseInputOption, resolveOptions } from '../src/index.js';

describe('option parsing', () => {
  it('--input name:dtype:shape, name:shape, names with colons, scalars', () => {
    expect(parseInputOption('images:float32:1x3x224x224')).toEqual({ name: 'images', dtype: 'float32', shape: [1, 3, 224, 224] });
    expect(parseInputOption('x:2,3')).toEqual({ name: 'x', shape: [2, 3] });
    expect(parseInputOption('input:0:int64:1x128')).toEqual({ name: 'input:0', dtype: 'int64', shape: [1, 128] });
    expect(parseInputOption('s:float32:')).toEqual({ name: 's', dtype: 'float32', shape: [] });
  });
  it.each(['images', ':float32:1x3', 'x:float32:1xAx3', 'x:float32:1x-3', 'x:float32:1.5'])('rejects --input %s (usage error)', (text) => {
    expect(() => parseInputOption(text)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
  it('--dim, counts and sizes', () => {
    expect(parseDimOption('seq=128')).toEqual(['seq', 128]);
    expect(() => parseDimOption('seq')).toThrow(/name=value/);
    expect(parseDimOption('past_sequence_length=0')).toEqual(['past_sequence_length', 0]);
    expect(() => parseDimOption('seq=-1')).toThrow(/whole number/);
    expect(() => parseDimOption('seq=1.5')).toThrow(/whole number/);
    expect(parseCount('max-params', '25M')).toBe(25_000_000);
    expect(parseCount('max-params', '1,000')).toBe(1000);
    expect(parseCount('max-macs', '1.5G')).toBe(1_500_000_000);
    expect(parseBytes('max-memory', '500MB')).toBe(500_000_000);
    expect(parseBytes('max-memory', '1GiB')).toBe(2 ** 30);
    expect(parseBytes('max-memory', '1234')).toBe(1234);
    expect(() => parseBytes('max-memory', 'lots')).toThrow(/--max-memory/);
  });
  it('defaults, NO_COLOR, and bad values', async () => {
    const o = await resolveOptions({}, {});
    expect(o).toMatchObject({ format: 'table', batchSize: 1, device: 'auto', runtime: 'auto', units: 'si', memoryConvention: 'default', color: true });
    expect((await resolveOptions({}, { NO_COLOR: '1' })).color).toBe(false);
    expect((await resolveOptions({ color: false }, {})).color).toBe(false);
    expect((await resolveOptions({ runtime: 'onnxruntime-web' }, {})).runtime).toBe('web');
    expect((await resolveOptions({ format: 'md' }, {})).format).toBe('markdown');
    expect((await resolveOptions({ input: ['sr=16000'], dim: ['seq=4'] }, {})).inputs).toEqual([{ name: 'sr', value: 16000 }]);
    for (const bad of [{ batch: '0' }, { batch: '-2' }, { depth: 'x' }, { units: 'bits' }, { memoryConvention: 'keras' }, { runtime: 'tensorrt' }, { format: true }, { dim: 'seq=-1' }]) {
      await expect(resolveOptions(bad, {})).rejects.toThrow(expect.objectContaining({ exitCode: 2 }));
    }
  });
});

describe('--input values and --dim by position', () => {
  it('--input name=value: a value only (shape and dtype from the model), or with a shape', () => {
    expect(parseInputOption('sr=16000')).toEqual({ name: 'sr', value: 16000 });
    expect(parseInputOption('use_cache_branch=true')).toEqual({ name: 'use_cache_branch', value: true });
    expect(parseInputOption('flag=False')).toEqual({ name: 'flag', value: false });
    expect(parseInputOption('scale=0.5')).toEqual({ name: 'scale', value: 0.5 });
    expect(parseInputOption('offset=-3')).toEqual({ name: 'offset', value: -3 });
    expect(parseInputOption('big=9007199254740993')).toEqual({ name: 'big', value: 9007199254740993n });
    expect(parseInputOption('sr:int64:scalar=16000')).toEqual({ name: 'sr', dtype: 'int64', shape: [], value: 16000 });
    expect(parseInputOption('input:0:int64:1x4=7')).toEqual({ name: 'input:0', dtype: 'int64', shape: [1, 4], value: 7 });
  });
  it.each(['sr=', 'sr=sixteen', '=3', 'x:float32:1xA=2'])('rejects --input %s (usage error naming the option)', (text) => {
    expect(() => parseInputOption(text)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('--input') }));
  });
  it('--dim takes a positional key and an expression dim as they are', () => {
    expect(parseDimOption('input_ids[1]=128')).toEqual(['input_ids[1]', 128]);
    expect(parseDimOption('past_sequence_length + sequence_length=9')).toEqual(['past_sequence_length + sequence_length', 9]);
  });
});
