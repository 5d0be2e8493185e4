import { formatSummary, summarize } from '@modelsummary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjsAdapter } from '../src/index.js';
import { noOwnCall, nsfwGraphModel, nsfwLayersModel, tf, tfjsSummaryTotals } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('real models shipped in nsfwjs 4.2.1', () => {
  it('MobileNetV2 LayersModel: every layer, totals equal model.summary()', async () => {
    const model = await nsfwLayersModel();
    const before = tf.memory().numTensors;
    const summary = await summarize(tfjsAdapter(model, { tf }), { device: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);
    expect(noOwnCall(model)).toBe(true);

    const want = tfjsSummaryTotals(model);
    expect(summary.totals.params).toBe(want.params);
    expect(summary.totals.trainableParams).toBe(want.trainableParams);
    expect(summary.totals.nonTrainableParams).toBe(want.nonTrainableParams);
    // one row per layer; the input layer is not a row (the input is the summary's `inputs`)
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    expect(layers.length).toBe(model.layers.length - 1);
    expect(summary.layers.length).toBe(layers.length);
    expect(summary.layers.every((r) => r.executed)).toBe(true);
    expect(summary.warnings.join('\n')).not.toMatch(/never executed/);
    for (const layer of layers) {
      const row = summary.layers.find((r) => r.id === layer.name)!;
      const shape = (layer.outputShape as (number | null)[]).map((d) => d ?? 1);
      expect(row.outputShapes, layer.name).toEqual([shape]);
    }
    expect(summary.layers.at(-1)!.outputShapes).toEqual([[1, 5]]);
    expect(summary.totals.unknownMacsLayers).toBe(0);
    // MobileNetV2 has no Softmax layer (the head is Dense + softmax activation) and its Add merges
    // have 2 inputs: the MAC convention change left this total as it was.
    expect(summary.totals.macs).toBe(300106245);
    console.log(
      `nsfwjs mobilenet_v2 (layers): ${summary.layers.length} rows / ${model.layers.length} layers; params ${summary.totals.params} ` +
        `(model.summary ${want.params}, trainable ${want.trainableParams}); MACs ${summary.totals.macs}; measured peak ${summary.memory.measuredPeakBytes} B`,
    );
    expect(formatSummary(summary, { format: 'table' })).toContain('Conv1');
    model.dispose();
  });

  it('mobilenet_v2_mid GraphModel: every node, params = all weights', async () => {
    const model = await nsfwGraphModel();
    const before = tf.memory().numTensors;
    const summary = await summarize(tfjsAdapter(model, { tf, name: 'mobilenet_v2_mid' }), { device: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);

    const nodes = Object.values((model as unknown as { executor: { graph: { nodes: Record<string, { op: string }> } } }).executor.graph.nodes);
    const ops = nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder');
    const nodeRows = summary.layers.filter((r) => r.type !== 'scope');
    expect(nodeRows.length).toBe(ops.length);
    expect(nodeRows.every((r) => r.executed)).toBe(true);
    const weights = Object.values(model.weights).flat();
    const weightCount = weights.reduce((n, t) => n + t.size, 0);
    expect(summary.totals.params).toBe(weightCount);
    expect(summary.totals.trainableParams).toBeUndefined();
    expect(summary.model.format).toBe('tfjs-graph');
    const last = nodeRows.find((r) => r.type === 'Softmax')!;
    expect(last.outputShapes).toEqual([[1, 5]]);
    expect(last.macs).toBe(0); // activations cost 0 (was 5 when Softmax counted 1 per element)
    expect(summary.totals.macs).toBe(590589893);
    const scopes = summary.layers.filter((r) => r.type === 'scope');
    expect(scopes.length).toBeGreaterThan(10);
    expect(Math.max(...summary.layers.map((r) => r.depth))).toBeGreaterThan(2);
    expect(summary.totals.unknownMacsLayers).toBe(0);
    console.log(
      `nsfwjs mobilenet_v2_mid (graph): ${nodeRows.length} node rows (${nodes.length} nodes incl. Const/Placeholder), ${scopes.length} scope rows; ` +
        `params ${summary.totals.params} = Σ weights ${weightCount} (${Object.keys(model.weights).length} tensors); MACs ${summary.totals.macs}`,
    );
    model.dispose();
  });
});
