/** Bytes of weights in memory (`paramBytes`) and as stored in the file (`storedParamBytes`): ledger, fold, JSON, footer. */
import { describe, expect, it } from 'vitest';
import { foldSummary } from '../src/fold.js';
import { formatSummary, toJSON, validateSummaryJSON, weightLedger, type LayerRecord } from '../src/index.js';

const rec = (id: string): LayerRecord => ({ id, name: id, type: 'Conv2D', params: 0, paramBytes: 0 });
const base = { model: { name: 'q', format: 'tfjs-graph', runtime: 'tfjs' }, device: 'cpu', batchSize: 1, inputs: [], events: [], observed: false };

describe('stored vs in-memory weight bytes', () => {
  it('the ledger adds each owned weight once, stored bytes beside the in-memory ones, with both dtypes', () => {
    // a uint8-quantized [3, 3, 3, 8] kernel (216 elements: 216 B stored, 864 B as float32) and a float32 bias of 8
    const weights = {
      k: { elements: 216, bytes: 864, storedBytes: 216, dtype: 'float32', storedDType: 'uint8' },
      b: { elements: 8, bytes: 32, dtype: 'float32' },
    } as const;
    const conv = rec('conv');
    const again = rec('conv_again');
    const ledger = weightLedger((name: keyof typeof weights) => weights[name]);
    ledger.use(conv, 'b');
    ledger.use(conv, 'k');
    ledger.use(again, 'k');
    ledger.finish();
    expect(conv).toMatchObject({ params: 224, paramBytes: 896, storedParamBytes: 32 + 216, paramDTypes: { memory: ['float32'], stored: ['float32', 'uint8'] } });
    expect(again.params).toBe(0);
    expect(again.storedParamBytes).toBeUndefined();
  });

  it('totals and memory carry stored bytes when a record reports them; rows that do not count their paramBytes', () => {
    const layers: LayerRecord[] = [
      { ...rec('a'), params: 100, paramBytes: 400, storedParamBytes: 200, paramDTypes: { memory: ['float32'], stored: ['float16'] } },
      { ...rec('b'), params: 10, paramBytes: 40 },
    ];
    const s = foldSummary({ ...base, layers });
    expect(s.totals).toMatchObject({ params: 110, paramBytes: 440, storedParamBytes: 240, paramDTypes: { memory: ['float32'], stored: ['float16'] } });
    expect(s.memory.paramBytes).toBe(440);
    expect(s.memory.storedParamBytes).toBe(240);
    expect(s.memory.totalBytes).toBe(440); // the estimate adds the in-memory bytes
    const json = toJSON(s);
    expect(json.totals.storedParamBytes).toBe(240);
    expect(json.memory.storedParamBytes).toBe(240);
    expect(json.layers[0]!.storedParamBytes).toBe(200);
    expect('storedParamBytes' in json.layers[1]!).toBe(false);
    expect(validateSummaryJSON(json)).toEqual([]);
    expect(validateSummaryJSON({ ...json, totals: { ...json.totals, storedParamBytes: 239 } })).toEqual([
      '$.totals.storedParamBytes: 239 is not the sum of layer storedParamBytes 240',
    ]);
    expect(formatSummary(s, { format: 'table' })).toContain('Params size: 240 B stored (float16), 440 B in memory (float32)');
  });

  it('without stored bytes nothing changes: no new keys, the same params line', () => {
    const s = foldSummary({ ...base, layers: [{ ...rec('a'), params: 100, paramBytes: 400 }] });
    expect('storedParamBytes' in s.totals).toBe(false);
    expect('storedParamBytes' in s.memory).toBe(false);
    expect(JSON.stringify(toJSON(s))).not.toContain('stored');
    expect(formatSummary(s, { format: 'table' })).toMatch(/Params size: 400 B\n/);
  });
});
