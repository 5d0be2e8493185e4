/** The header says what the caller did not choose: the dims that took a default (and the flags that set them), and the model's outputs by name. */
import { describe, expect, it } from 'vitest';
import { formatSummary, summarize, toJSON, validateSummaryJSON, type HookableModel } from '../src/index.js';
import { createMockModel } from '../src/testing/index.js';

const withOutputs = <T extends HookableModel>(model: T, outputs: ReturnType<NonNullable<HookableModel['outputSpecs']>>): T => Object.assign(model, { outputSpecs: () => outputs });

describe('header: open dims and outputs', () => {
  const model = () =>
    withOutputs(createMockModel({ inputs: [{ name: 'image', shape: [null, null, null, 3] }], layers: [{ id: 'conv', type: 'Conv2D', params: 28, paramBytes: 112 }] }), [
      { name: 'output_0', graphName: 'Identity:0', shape: [1, 6, 56], dtype: 'float32' },
      { name: 'scores', dtype: 'float32' },
    ]);

  it('dims nobody gave are listed with the value used and the flags, shell-quoted, in the table header', async () => {
    const s = await summarize(model(), { device: 'cpu' });
    expect(s.defaultedDims).toEqual([
      { name: 'image[1]', value: 1, flag: "--dim 'image[1]=N'" },
      { name: 'image[2]', value: 1, flag: "--dim 'image[2]=N'" },
    ]);
    const text = formatSummary(s, { format: 'table' });
    expect(text).toContain("Open dims:  image[1]=1, image[2]=1 (not given; set with --dim 'image[1]=N' --dim 'image[2]=N')");
    expect(text).toContain('Outputs:    output_0 (Identity:0): [1, 6, 56] float32\n            scores: float32\n');
    for (const line of formatSummary(s, { format: 'table', maxWidth: 60 }).split('\n')) expect([...line].length, line).toBeLessThanOrEqual(60);
    expect(formatSummary(s, { format: 'markdown' })).toContain('Outputs: output\\_0 (Identity:0): [1, 6, 56] float32; scores: float32');
    expect(formatSummary(s, { format: 'html' })).toContain('open dims: image[1]=1, image[2]=1');
  });

  it('dims given are not listed; the JSON carries both lists and validates', async () => {
    const given = await summarize(model(), { device: 'cpu', dims: { 'image[1]': 64, 'image[2]': 48 } });
    expect(given.defaultedDims).toBeUndefined();
    expect(formatSummary(given, { format: 'table' })).not.toContain('Open dims');
    const doc = toJSON(await summarize(model(), { device: 'cpu' }));
    expect(doc.outputs).toEqual([
      { name: 'output_0', graphName: 'Identity:0', shape: [1, 6, 56], dtype: 'float32' },
      { name: 'scores', dtype: 'float32' },
    ]);
    expect(doc.defaultedDims?.map((d) => d.name)).toEqual(['image[1]', 'image[2]']);
    expect(validateSummaryJSON(doc)).toEqual([]);
    expect(validateSummaryJSON({ ...doc, outputs: [{ name: 3 }] })).toEqual(['$.outputs[0].name: expected a string, got number 3']);
  });
});
