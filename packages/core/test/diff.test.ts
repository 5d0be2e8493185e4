import { describe, expect, it } from 'vitest';
import { diffSummaries, type LayerJSON, type SummaryJSON } from '../src/index.js';

const layer = (id: string, over: Partial<LayerJSON> = {}): LayerJSON => ({
  id,
  name: id,
  type: 'Conv',
  depth: 0,
  inputShapes: [[1, 3, 8, 8]],
  outputShapes: [[1, 4, 8, 8]],
  outputDTypes: ['float32'],
  params: 10,
  paramBytes: 40,
  macs: 100,
  executed: true,
  provenance: { shape: 'observed', macs: 'static' },
  callIndex: 0,
  outputBytes: 1024,
  ...over,
});

const summary = (layers: LayerJSON[], activationBytes: number): SummaryJSON => ({
  schemaVersion: 1,
  model: { name: 'm', format: 'onnx', runtime: 'onnx' },
  device: 'cpu',
  batchSize: 1,
  inputs: [],
  layers,
  totals: { params: layers.reduce((s, l) => s + l.params, 0), paramBytes: layers.reduce((s, l) => s + l.paramBytes, 0), macs: 0 },
  memory: { convention: 'default', inputBytes: 0, activationBytes, forwardBackwardBytes: 2 * activationBytes, paramBytes: 0, totalBytes: activationBytes, peakActivationBytes: 0 },
  warnings: [],
});

describe('diffSummaries', () => {
  it('matches layers by id and call index: added, removed, changed (what and by how much), unchanged', () => {
    const a = summary([layer('conv1'), layer('conv2'), layer('fc', { type: 'Gemm', callIndex: 0 }), layer('gone')], 4096);
    const b = summary(
      [layer('conv1'), layer('conv2', { params: 25, outputShapes: [[1, 8, 8, 8]] }), layer('fc', { type: 'MatMul' }), layer('fc', { callIndex: 1, params: 0 }), layer('new', { macs: null })],
      5000,
    );
    const d = diffSummaries(a, b, { a: 'a.json', b: 'b.onnx' });
    expect(d.kind).toBe('modelsummary-diff');
    expect(d.a).toEqual({ file: 'a.json', name: 'm', format: 'onnx' });
    expect(d.layers.added.map((l) => `${l.id}#${l.callIndex}`)).toEqual(['fc#1', 'new#0']);
    expect(d.layers.added[1]).toMatchObject({ params: 10, macs: null });
    expect(d.layers.removed.map((l) => l.id)).toEqual(['gone']);
    expect(d.layers.changed.map((l) => l.id)).toEqual(['conv2', 'fc']);
    expect(d.layers.changed[0]!.changes).toEqual({
      params: { a: 10, b: 25, delta: 15 },
      outputShapes: { a: [[1, 4, 8, 8]], b: [[1, 8, 8, 8]] },
    });
    expect(d.layers.changed[1]!.changes).toEqual({ type: { a: 'Gemm', b: 'MatMul' } });
    expect(d.layers.unchanged).toBe(1);
    expect(d.totals.params).toEqual({ a: 40, b: 55, delta: 15 });
    expect(d.totals.activationBytes).toEqual({ a: 4096, b: 5000, delta: 904 });
    // ONNX has no trainable params: both unknown, no delta.
    expect(d.totals.trainableParams).toEqual({ a: null, b: null, delta: null });
  });
});
