import { describe, expect, test } from 'vitest';
import { summarize, type ModelSummary } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { onnxAdapterFromFile } from '../src/node.js';
import { MODELS_DIR, countingOrt, describeReference, modelBytes, modelPath, ortNode, ortWeb, reference, referenceModels, type RefOnnx } from './helpers.js';

const models = referenceModels();

/** Rows of the nodes (scope rows excluded), keyed by node name. */
const nodeRows = (s: ModelSummary) => s.layers.filter((l) => l.type !== 'scope');

function checkAgainstReference(s: ModelSummary, ref: RefOnnx, mapShape: (shape: number[]) => number[] = (x) => x): void {
  const rows = new Map(nodeRows(s).map((l) => [l.id, l]));
  const refNodes = ref.nodes.filter((n) => n.op_type !== 'Constant');
  // one row per node; Constant nodes are graph nodes but not rows
  expect(rows.size).toBe(refNodes.length);
  expect(nodeRows(s).length + (ref.nodes.length - refNodes.length)).toBe(ref.node_count);
  for (const n of refNodes) {
    const row = rows.get(n.name);
    expect(row, n.name).toBeDefined();
    expect(row!.type).toBe(n.op_type);
    expect(row!.executed, n.name).toBe(true);
    expect(row!.outputShapes, n.name).toEqual(n.runtime_output_shapes.map(mapShape));
  }
  expect(s.totals.params).toBe(ref.initializer_elements_total);
  // Σ row params = total params
  expect(s.layers.reduce((a, l) => a + (l.params ?? 0), 0)).toBe(s.totals.params);
}

describeReference('reference models (onnxruntime-node, cpu)', () => {
  test('the reference folder holds the expected models', () => {
    expect(models).toEqual(expect.arrayContaining(['mnist_net', 'mnist_net_dynamic', 'multi_input', 'conv_no_bias', 'frozen', 'batchnorm', 'mobilenet_v2']));
  });

  test.each(models.filter((m) => !m.endsWith('_dynamic')))('%s: every node shape, node count and params match the reference', async (name) => {
    const counter = countingOrt(ortNode);
    const model = await onnxAdapter(modelBytes(name), { ort: counter.ort, fileName: `${name}.onnx` });
    const s = await summarize(model, { device: 'cpu' });
    expect(s.device).toBe('cpu');
    expect(s.model).toMatchObject({ name, format: 'onnx', runtime: 'onnx' });
    checkAgainstReference(s, reference(name));
    expect(model.graph.nodes.length).toBe(reference(name).node_count);
    expect(counter.live()).toBe(0);
    await model.dispose();
  });

  test('mnist_net: total MACs equal torchinfo (487,600)', async () => {
    const model = await onnxAdapter(modelBytes('mnist_net'), { ort: ortNode, fileName: 'mnist_net.onnx' });
    const s = await summarize(model, { device: 'cpu' });
    expect(s.totals.macs).toBe(487_600);
    const conv1 = s.layers.find((l) => l.id === '/conv1/Conv')!;
    expect(conv1.macs).toBe(149_760); // 10·24·24·25 + 5,760 bias
    // the scope `conv1` holds only this node: it is folded into the node's row
    expect(s.layers.some((l) => l.type === 'scope' && l.name === 'conv1')).toBe(false);
    expect(conv1.parentId).toBeUndefined();
    expect(conv1.depth).toBe(0);
    // weights are parameters, not inputs: the input column shows the activation only
    expect(conv1.inputShapes).toEqual([[1, 1, 28, 28]]);
    await model.dispose();
  });

  test('mobilenet_v2: scopes with several nodes stay, single-node scopes fold into their node', async () => {
    const model = await onnxAdapter(modelBytes('mobilenet_v2'), { ort: ortNode, run: false });
    const layers = await model.listLayers();
    const scopes = layers.filter((l) => l.type === 'scope');
    expect(scopes.length).toBeGreaterThan(10);
    for (const scope of scopes) {
      const only = layers.filter((l) => l.parentId === scope.id);
      expect(only.length === 1 && only[0]!.type !== 'scope', `scope ${scope.id} holds one node`).toBe(false);
    }
    const constants = reference('mobilenet_v2').nodes.filter((n) => n.op_type === 'Constant').length;
    expect(layers.filter((l) => l.type !== 'scope')).toHaveLength(reference('mobilenet_v2').node_count - constants);
    await model.dispose();
  });

  test('mnist_net_dynamic with batch 3 gives batch-3 shapes', async () => {
    const model = await onnxAdapter(modelBytes('mnist_net_dynamic'), { ort: ortNode, fileName: 'mnist_net_dynamic.onnx' });
    expect((await model.inputSpecs())[0]!.shape).toEqual(['batch', 1, 28, 28]);
    const s = await summarize(model, { device: 'cpu', batchSize: 3 });
    expect(s.inputs[0]!.shape).toEqual([1, 1, 28, 28].map((d, i) => (i === 0 ? 3 : d)));
    // the reference ran the dynamic model with batch 2
    checkAgainstReference(s, reference('mnist_net_dynamic'), (shape) => (shape[0] === 2 ? [3, ...shape.slice(1)] : shape));
    expect(s.totals.macs).toBe(3 * 487_600);
    await model.dispose();
  });

  test('multi_input: one shared block counted once, both rows in sharedWith', async () => {
    const model = await onnxAdapter(modelBytes('multi_input'), { ort: ortNode, fileName: 'multi_input.onnx' });
    const s = await summarize(model, { device: 'cpu' });
    const a = s.layers.find((l) => l.id === '/features/features.0/Conv')!;
    const b = s.layers.find((l) => l.id === '/features/features.0_1/Conv')!;
    expect(a.params).toBe(10);
    expect(b.params).toBe(0);
    expect(a.sharedWith).toEqual([b.id]);
    expect(b.sharedWith).toEqual([a.id]);
    expect(s.totals.params).toBe(10);
    expect(s.inputs.map((i) => i.shape)).toEqual([
      [1, 1, 16, 16],
      [1, 1, 28, 28],
    ]);
    await model.dispose();
  });

  test('scope rows come in pre-order, before their first child, with unique ids', async () => {
    const model = await onnxAdapter(modelBytes('mobilenet_v2'), { ort: ortNode, fileName: 'mobilenet_v2.onnx' });
    const layers = await model.listLayers();
    const ids = new Set<string>();
    for (const l of layers) {
      expect(ids.has(l.id)).toBe(false);
      if (l.parentId !== undefined) expect(ids.has(l.parentId), `${l.id} after its parent`).toBe(true);
      ids.add(l.id);
    }
    const scopes = layers.filter((l) => l.type === 'scope');
    expect(scopes.length).toBeGreaterThan(10);
    expect(layers.filter((l) => l.type !== 'scope').length).toBe(100); // 170 nodes − 70 Constant
    const conv = layers.find((l) => l.type === 'Conv')!;
    expect(conv.attributes).toMatchObject({ kernel: [3, 3], kernel_shape: [3, 3], strides: [2, 2], group: 1 });
    await model.dispose();
  });

  test('static mode (run: false): rows and params without a runtime; shapes only where the file declares them', async () => {
    // The reference files carry no value_info: only graph inputs / outputs have static shapes.
    const model = await onnxAdapter(modelBytes('mnist_net'), { run: false, fileName: 'mnist_net.onnx' });
    expect(model.staticOnly).toBe(true);
    const s = await summarize(model);
    expect(s.device).toBe('none');
    expect(s.totals.params).toBe(21_840);
    expect(nodeRows(s).length).toBe(11);
    const last = s.layers.find((l) => l.id === '/LogSoftmax')!;
    expect(last.outputShapes).toEqual([[1, 10]]);
    expect(last.provenance?.shape).toBe('static');
    expect(s.layers.find((l) => l.id === '/conv1/Conv')!.executed).toBe(false);
    expect(s.warnings.join('\n')).toMatch(/not observed/);
  });

  test('onnxAdapterFromFile names the model after the file', async () => {
    const model = await onnxAdapterFromFile(modelPath('conv_no_bias'), { ort: ortNode });
    expect(model.name).toBe('conv_no_bias');
    const s = await summarize(model, { device: 'cpu' });
    checkAgainstReference(s, reference('conv_no_bias'));
    await model.dispose();
  });

  test.each(['mnist_net', 'multi_input', 'batchnorm'])('%s: onnxruntime-web (wasm) gives the same rows as onnxruntime-node', async (name) => {
    const web = await ortWeb();
    const a = await onnxAdapter(modelBytes(name), { ort: ortNode, fileName: `${name}.onnx` });
    const b = await onnxAdapter(modelBytes(name), { ort: web, fileName: `${name}.onnx` });
    const sa = await summarize(a, { device: 'cpu' });
    const sb = await summarize(b, { device: 'cpu' });
    expect(sb.device).toBe('wasm');
    expect(sb.layers).toEqual(sa.layers);
    checkAgainstReference(sb, reference(name));
  });
}, MODELS_DIR);

