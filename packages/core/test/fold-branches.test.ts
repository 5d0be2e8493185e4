/** Rows of control-flow bodies: an untaken branch (record `executed: false`), a taken one seen through inferred events, and the adapter's KV cache. */
import { describe, expect, it } from 'vitest';
import { foldSummary } from '../src/fold.js';
import { summarize } from '../src/summarize.js';
import { formatSummary, toJSON, validateSummaryJSON } from '../src/format/index.js';
import type { HookableModel, LayerEvent, LayerRecord } from '../src/contract.js';

const layers: LayerRecord[] = [
  { id: 'if', name: 'if', type: 'If', params: 0, paramBytes: 0 },
  { id: 'if/then_branch', parentId: 'if', name: 'then_branch', type: 'scope', params: 0, paramBytes: 0 },
  { id: 'if/then_branch/mm', parentId: 'if/then_branch', name: 'mm', type: 'MatMul', params: 12, paramBytes: 48, macs: 24 },
  { id: 'if/else_branch', parentId: 'if', name: 'else_branch', type: 'scope', params: 0, paramBytes: 0, executed: false },
  {
    id: 'if/else_branch/mm',
    parentId: 'if/else_branch',
    name: 'mm',
    type: 'MatMul',
    params: 20,
    paramBytes: 80,
    macs: 40,
    executed: false,
    staticOutputShapes: [[2, 5]],
  },
  { id: 'if/else_branch/q', parentId: 'if/else_branch', name: 'q', type: 'MysteryOp', params: 0, paramBytes: 0, executed: false },
];
const events: LayerEvent[] = [
  { id: 'if', inputShapes: [[]], outputShapes: [[2, 3]], outputDTypes: ['float32'], outputBytes: 24 },
  { id: 'if/then_branch/mm', inputShapes: [[2, 4]], outputShapes: [[2, 3]], outputDTypes: ['float32'], outputBytes: 24, macs: 24, inferred: true },
];
const base = { model: { name: 'm', format: 'onnx', runtime: 'onnx' }, device: 'cpu', batchSize: 1, inputs: [], layers };

describe('control-flow rows in the fold', () => {
  it('the taken branch is executed with inferred (static) shapes; the untaken one is skipped: static shapes, no MACs, no warning; weights of both count', () => {
    const s = foldSummary({ ...base, events, observed: true });
    const row = (id: string) => s.layers.find((l) => l.id === id)!;
    expect(row('if/then_branch/mm')).toMatchObject({ executed: true, outputShapes: [[2, 3]], macs: 24, provenance: { shape: 'static', macs: 'static' } });
    expect(row('if/then_branch')).toMatchObject({ executed: true });
    expect(row('if/else_branch/mm')).toMatchObject({ executed: false, skipped: true, outputShapes: [[2, 5]], params: 20 });
    expect(row('if/else_branch/mm').macs).toBeUndefined();
    expect(row('if/else_branch')).toMatchObject({ executed: false, skipped: true });
    expect(s.totals).toMatchObject({ params: 32, paramBytes: 128, macs: 24, unknownMacsLayers: 0 });
    expect(s.warnings).toEqual([]);
    // Σ row MACs = total
    expect(s.layers.reduce((a, l) => a + (l.macs ?? 0), 0)).toBe(s.totals.macs);
  });
  it('in static mode too the untaken branch costs nothing and is not unknown', () => {
    const s = foldSummary({ ...base, events: [], observed: false });
    expect(s.totals).toMatchObject({ macs: 24, unknownMacsLayers: 0 });
  });
  it("summarize hands listLayers the resolved inputs and dims, and puts the adapter's KV cache in the memory block", async () => {
    const seen: unknown[] = [];
    const model: HookableModel = {
      specificationVersion: 'v1',
      runtime: 'test',
      name: 'kv',
      staticOnly: true,
      listLayers: (context) => {
        seen.push(context);
        return [{ id: 'a', name: 'a', type: 'Relu', params: 0, paramBytes: 0, macs: 0 }];
      },
      inputSpecs: () => [{ name: 'ids', shape: ['batch', 'seq'], dtype: 'int64' }],
      registerHooks: () => () => undefined,
      createMockInputs: () => ({ tensors: [], device: 'cpu' }),
      run: () => undefined,
      disposeInputs: () => undefined,
      kvCache: () => ({ bytesPerToken: 1024, bytes: 8192, tokens: 8 }),
    };
    const s = await summarize(model, { dims: { seq: 8 }, inputs: [{ name: 'ids', value: 3 }] });
    expect(seen).toEqual([{ inputs: [{ name: 'ids', shape: [1, 8], dtype: 'int64', bytes: 64, value: 3 }], dims: { seq: 8, batch: 1 } }]);
    expect(s.memory.kvCache).toEqual({ bytesPerToken: 1024, bytes: 8192, tokens: 8 });
    // the JSON carries it (and validates); the footer shows it, outside the estimated total
    const json = toJSON(s);
    expect(json.memory.kvCache).toEqual({ bytesPerToken: 1024, bytes: 8192, tokens: 8 });
    expect(validateSummaryJSON(json)).toEqual([]);
    expect(validateSummaryJSON({ ...json, memory: { ...json.memory, kvCache: { bytes: -1 } } }).length).toBeGreaterThan(0);
    const table = formatSummary(s);
    expect(table).toContain('KV cache (not in the total): 1.02 kB per token, 8.19 kB at 8 tokens');
    expect(s.memory.totalBytes).toBe(s.memory.inputBytes + s.memory.activationBytes + s.memory.paramBytes);
  });
});
