/**
 * `@modelsummary/core/schema.json`, the JSON Schema of the summary JSON: the committed file is the
 * one made from core's key tables (UPDATE_SCHEMA=1 rewrites it), and a real JSON Schema validator
 * (ajv, draft 2020-12) accepts what toJSON writes and rejects what validateSummaryJSON rejects.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { summaryJSONSchema, toJSON, validateSummaryJSON } from '../src/format/json.js';
import { summarize } from '../src/summarize.js';
import { createMockModel } from '../src/testing/index.js';
import { ALL_FIXTURES } from './fixtures/summaries.js';

const file = new URL('../schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

describe('schema.json', () => {
  it('is the schema made from the key tables (UPDATE_SCHEMA=1 rewrites it)', () => {
    const made = `${JSON.stringify(summaryJSONSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, made);
    else expect(readFileSync(file, 'utf8'), 'run with UPDATE_SCHEMA=1 to regenerate').toBe(made);
  });

  it.each(Object.keys(ALL_FIXTURES))('accepts toJSON(%s)', (name) => {
    const doc = toJSON(ALL_FIXTURES[name as keyof typeof ALL_FIXTURES]);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts a summary of a model with a static-only pass and optional keys absent', async () => {
    const s = await summarize(createMockModel({ staticOnly: true, inputs: [{ name: 'x', shape: [1, 4] }], layers: [{ id: 'a', type: 'Dense', params: 4, paramBytes: 16 }] }));
    expect(validate(toJSON(s)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects what the validator rejects for its structure', () => {
    const good = toJSON(ALL_FIXTURES.small_cnn) as unknown as Record<string, unknown>;
    const broken: Array<[string, Record<string, unknown>]> = [
      ['an unknown key', { ...good, extra: 1 }],
      ['a missing key', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'device'))],
      ['a wrong schema version', { ...good, schemaVersion: 2 }],
      ['a negative byte count', { ...good, memory: { ...(good.memory as object), totalBytes: -1 } }],
      ['a fractional param count', { ...good, layers: [{ ...(good.layers as object[])[0], params: 1.5 }] }],
      ['a bad provenance', { ...good, layers: [{ ...(good.layers as object[])[0], provenance: { shape: 'guessed', macs: 'observed' } }] }],
    ];
    for (const [what, doc] of broken) {
      expect(validate(doc), what).toBe(false);
      expect(validateSummaryJSON(doc).length, what).toBeGreaterThan(0);
    }
  });
});
