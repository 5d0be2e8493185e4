/** Synthetic graphs built in the test: multi-output nodes, control flow, static shapes, external data. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ModelSummaryError, summarize } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { onnxAdapterFromFile } from '../src/node.js';
import { FLOAT, INT64, attrGraph, attrInt, attrString, buildModel, externalTensor, int64Tensor, tensor, vi } from './build.js';
import { countingOrt, ortNode, ortWeb } from './helpers.js';

const H = 4;
const I = 3;
/** LSTM with outputs Y, (empty Y_h), Y_c: every non-empty output reported, the empty one skipped. */
export const lstmModel = () =>
  buildModel({
    inputs: [vi('x', FLOAT, ['seq', 'batch', I])],
    outputs: [vi('y', FLOAT, ['seq', 1, 'batch', H]), vi('c', FLOAT, [1, 'batch', H])],
    initializers: [tensor('W', [1, 4 * H, I]), tensor('R', [1, 4 * H, H]), tensor('B', [1, 8 * H])],
    nodes: [{ name: '/rnn/LSTM', opType: 'LSTM', input: ['x', 'W', 'R', 'B'], output: ['y', '', 'c'], attribute: [attrInt('hidden_size', H)] }],
  });

/** x -> Add(bias) -> If(cond: then Identity(x1), else Neg(x1)) -> Relu; `bias` shared by Add and Mul. */
const ifModel = () =>
  buildModel({
    inputs: [vi('x', FLOAT, [2, 3]), vi('cond', 9, [])],
    outputs: [vi('y', FLOAT, [2, 3]), vi('z', FLOAT, [2, 3])],
    initializers: [tensor('bias', [3], [1, 2, 3]), tensor('scale', [3], [2, 2, 2])],
    valueInfo: [vi('x1', FLOAT, [2, 3]), vi('x2', FLOAT, [2, 3])],
    nodes: [
      { name: '/block/Add', opType: 'Add', input: ['x', 'bias'], output: ['x1'] },
      {
        name: '/block/If',
        opType: 'If',
        input: ['cond'],
        output: ['x2'],
        attribute: [
          attrGraph('then_branch', { name: 'then', node: [{ opType: 'Mul', input: ['x1', 'scale'], output: ['t'] }], output: [vi('t', FLOAT, [2, 3])] }),
          attrGraph('else_branch', { name: 'else', node: [{ opType: 'Neg', input: ['x1'], output: ['e'] }], output: [vi('e', FLOAT, [2, 3])] }),
        ],
      },
      { opType: 'Relu', input: ['x2'], output: ['y'] },
      { opType: 'Mul', input: ['x2', 'bias'], output: ['z'] },
    ],
  });

/** A Gemm model whose value_info declares every shape (for static mode). */
const staticModel = (weight: Record<string, unknown> = tensor('W', [8, 16])) =>
  buildModel({
    inputs: [vi('x', FLOAT, [2, 16])],
    outputs: [vi('y', FLOAT, [2, 8])],
    initializers: [weight, tensor('b', [8])],
    valueInfo: [vi('h', FLOAT, [2, 8])],
    nodes: [
      { name: '/fc/Gemm', opType: 'Gemm', input: ['x', 'W', 'b'], output: ['h'], attribute: [attrInt('transB', 1)] },
      { name: '/act/Relu', opType: 'Relu', input: ['h'], output: ['y'] },
    ],
  });

describe('synthetic graphs', () => {
  test('element-wise MACs: a residual Add counts its output elements, Sum of 3 twice, activations and Max 0', async () => {
    const model = await onnxAdapter(
      buildModel({
        inputs: [vi('x', FLOAT, [2, 8])],
        outputs: [vi('y', FLOAT, [2, 8])],
        nodes: [
          { name: '/act/Relu', opType: 'Relu', input: ['x'], output: ['r'] },
          { name: '/res/Add', opType: 'Add', input: ['x', 'r'], output: ['a'] },
          { name: '/sum/Sum', opType: 'Sum', input: ['x', 'r', 'a'], output: ['s'] },
          { name: '/max/Max', opType: 'Max', input: ['s', 'a'], output: ['m'] },
          { name: '/out/Softmax', opType: 'Softmax', input: ['m'], output: ['y'] },
        ],
      }),
      { ort: ortNode },
    );
    const s = await summarize(model, { device: 'cpu' });
    await model.dispose();
    const macs = Object.fromEntries(s.layers.map((l) => [l.type, l.macs]));
    expect(macs).toEqual({ Relu: 0, Add: 16, Sum: 32, Max: 0, Softmax: 0 });
    expect(s.totals.macs).toBe(48);
  });

  test('LSTM: every non-empty output is reported (Y, Y_c), MACs from core', async () => {
    const model = await onnxAdapter(lstmModel(), { ort: ortNode, fileName: 'lstm.onnx' });
    // the batch is axis 1 here (seq-first LSTM): core fills only axis 0 from batchSize, so name it
    const s = await summarize(model, { device: 'cpu', dims: { seq: 5, batch: 2 } });
    const row = s.layers.find((l) => l.type === 'LSTM')!;
    expect(row.outputShapes).toEqual([
      [5, 1, 2, H],
      [1, 2, H],
    ]);
    expect(row.params).toBe(4 * H * I + 4 * H * H + 8 * H);
    // seq·batch·(4H(I+H) + 2·4H)
    expect(row.macs).toBe(5 * 2 * (4 * H * (I + H) + 2 * 4 * H));
    expect(s.inputs[0]!.shape).toEqual([5, 2, I]);
    await model.dispose();
  });

  test('If: its branches are rows under it; the branch that ran is executed, the other skipped; a weight read in a body is owned there; a shared weight once', async () => {
    const model = await onnxAdapter(ifModel(), { ort: ortNode, fileName: 'if.onnx' });
    // `cond` is a bool input: the mock feeds false, so the else branch runs
    const s = await summarize(model, { device: 'cpu' });
    const row = (id: string) => s.layers.find((l) => l.id === id)!;
    const ifRow = row('/block/If');
    expect(ifRow.outputShapes).toEqual([[2, 3]]);
    expect(ifRow.params).toBe(0);
    expect(row('/block/If/then_branch').parentId).toBe('/block/If');
    const thenMul = row('/block/If/then_branch/Mul_0');
    expect(thenMul).toMatchObject({ parentId: '/block/If/then_branch', params: 3, executed: false, skipped: true }); // `scale`
    expect(thenMul.outputShapes).toEqual([[2, 3]]); // static, from the branch's declared output
    expect(thenMul.macs).toBeUndefined();
    // the branch that ran is inlined and run again: onnxruntime observes its nodes too
    expect(row('/block/If/else_branch/Neg_0')).toMatchObject({ executed: true, outputShapes: [[2, 3]], macs: 0, provenance: { shape: 'observed' } });
    const add = row('/block/Add');
    const mul = row('Mul_3');
    expect(add.params).toBe(3);
    expect(mul.params).toBe(0);
    expect(add.sharedWith).toEqual([mul.id]);
    expect(mul.sharedWith).toEqual([add.id]);
    expect(add.macs).toBe(6); // elementwise with a weight
    expect(s.totals.params).toBe(6);
    expect(s.totals.macs).toBe(6 + 6); // Add, Mul_3; the untaken then-branch Mul not counted
    // unnamed nodes get op_type_index ids
    expect(s.layers.map((l) => l.id)).toContain('Relu_2');
    expect(s.warnings.join('\n')).not.toMatch(/never executed|not inspected/);
    expect(s.warnings).toContain(
      `If "/block/If" ran its else_branch: its condition "cond" was a mock value (false); --input cond=true runs the other branch (API: inputs: [{ name: 'cond', value: true }])`,
    );
    // the value given runs the then branch
    const taken = await summarize(model, { device: 'cpu', inputs: [{ name: 'cond', value: true }] });
    expect(taken.layers.find((l) => l.id === '/block/If/then_branch/Mul_0')).toMatchObject({ executed: true, macs: 6 });
    expect(taken.layers.find((l) => l.id === '/block/If/else_branch/Neg_0')).toMatchObject({ executed: false, skipped: true });
    expect(taken.totals.macs).toBe(18);
    await model.dispose();
  });

  test('static mode: shapes and MACs from value_info, no runtime', async () => {
    const model = await onnxAdapter(staticModel(), { run: false, name: 'fc' });
    const s = await summarize(model);
    const gemm = s.layers.find((l) => l.type === 'Gemm')!;
    expect(gemm.outputShapes).toEqual([[2, 8]]);
    expect(gemm.macs).toBe(2 * 8 * 16 + 2 * 8);
    expect(gemm.provenance?.shape).toBe('static');
    expect(s.totals.params).toBe(8 * 16 + 8);
    expect(s.totals.paramBytes).toBe((8 * 16 + 8) * 4);
  });

  test('float16 and int8 weights: paramBytes exact from dtypes', async () => {
    const w16 = { name: 'W', dims: [8, 16], dataType: 10, rawData: new Uint8Array(8 * 16 * 2) };
    const model = await onnxAdapter(staticModel(w16), { run: false });
    const gemm = (await model.listLayers()).find((l) => l.type === 'Gemm')!;
    expect(gemm.params).toBe(8 * 16 + 8);
    expect(gemm.paramBytes).toBe(8 * 16 * 2 + 8 * 4);
  });

  test('external data: counted from dims without reading; the file helper reads it to run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-onnx-'));
    const bytes = staticModel(externalTensor('W', [8, 16], 'weights/w.bin'));
    writeFileSync(join(dir, 'model.onnx'), bytes);
    mkdirSync(join(dir, 'weights'));
    writeFileSync(join(dir, 'weights', 'w.bin'), new Uint8Array(new Float32Array(8 * 16).fill(0.5).buffer));
    // bytes only, static: no data needed
    const st = await onnxAdapter(bytes, { run: false });
    expect((await st.listLayers()).find((l) => l.type === 'Gemm')!.params).toBe(136);
    // bytes only, run: the data is missing -> a clear error, no session left
    const counter = countingOrt(ortNode);
    const bare = await onnxAdapter(bytes, { ort: counter.ort, fileName: 'model.onnx' });
    await expect(summarize(bare, { device: 'cpu' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('weights/w.bin') });
    expect(counter.live()).toBe(0);
    // from the file: runs on node and on web
    for (const ort of [ortNode, await ortWeb()]) {
      const model = await onnxAdapterFromFile(join(dir, 'model.onnx'), { ort });
      const s = await summarize(model, { device: 'cpu' });
      expect(s.layers.find((l) => l.type === 'Gemm')!.outputShapes).toEqual([[2, 8]]);
      expect(s.totals.params).toBe(136);
      await model.dispose();
    }
  });

  test('external data: `..`, absolute and symlinked-out locations are refused (UNSAFE_PATH)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-onnx-'));
    for (const location of ['../secret.bin', 'weights/../../secret.bin', '/etc/passwd', 'C:\\\\secret.bin']) {
      const bytes = staticModel(externalTensor('W', [8, 16], location));
      const err = await onnxAdapter(bytes, { run: false, fileName: 'hostile.onnx' }).catch((e: unknown) => e);
      expect(ModelSummaryError.isInstance(err), location).toBe(true);
      expect(err).toMatchObject({ code: 'UNSAFE_PATH', message: expect.stringContaining('hostile.onnx') });
      writeFileSync(join(dir, 'hostile.onnx'), bytes);
      await expect(onnxAdapterFromFile(join(dir, 'hostile.onnx'), { ort: ortNode })).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    }
    // a symlink inside the folder that points outside it
    const outside = mkdtempSync(join(tmpdir(), 'ms-outside-'));
    writeFileSync(join(outside, 'w.bin'), new Uint8Array(8 * 16 * 4));
    symlinkSync(join(outside, 'w.bin'), join(dir, 'link.bin'));
    writeFileSync(join(dir, 'linked.onnx'), staticModel(externalTensor('W', [8, 16], 'link.bin')));
    await expect(onnxAdapterFromFile(join(dir, 'linked.onnx'), { ort: ortNode })).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
      message: expect.stringContaining('outside the model'),
    });
  });

  test('mock feeds: int64 and bool inputs get small valid values (an index input stays in range)', async () => {
    const BOOL = 9; // TensorProto.DataType.BOOL
    // ids index a 2-row table (Gather fails on an out-of-range index); the mask is a real bool input
    const model = await onnxAdapter(
      buildModel({
        inputs: [vi('ids', INT64, ['batch', 'seq']), vi('attention_mask', BOOL, ['batch', 'seq'])],
        outputs: [vi('y', FLOAT, ['batch', 'seq', 4])],
        initializers: [tensor('emb', [2, 4]), int64Tensor('axes', [2])],
        nodes: [
          { name: '/embed/Gather', opType: 'Gather', input: ['emb', 'ids'], output: ['e'] },
          { name: '/mask/Cast', opType: 'Cast', input: ['attention_mask'], output: ['m'], attribute: [attrInt('to', FLOAT)] },
          { name: '/mask/Unsqueeze', opType: 'Unsqueeze', input: ['m', 'axes'], output: ['m3'] },
          { name: '/out/Mul', opType: 'Mul', input: ['e', 'm3'], output: ['y'] },
        ],
      }),
      { ort: ortNode },
    );
    const s = await summarize(model, { device: 'cpu', batchSize: 2, dims: { seq: 7 } });
    expect(s.inputs.map((i) => [i.name, i.dtype, i.shape, i.bytes])).toEqual([
      ['ids', 'int64', [2, 7], 2 * 7 * 8],
      ['attention_mask', 'bool', [2, 7], 2 * 7],
    ]);
    expect(s.layers.find((l) => l.type === 'Cast')!.inputShapes).toEqual([[2, 7]]);
    expect(s.layers.find((l) => l.type === 'Mul')!.outputShapes).toEqual([[2, 7, 4]]);
    expect(s.layers.find((l) => l.type === 'Gather')!.params).toBe(8);
    await model.dispose();
  });

  test('attributes of type string are decoded', async () => {
    const bytes = buildModel({
      inputs: [vi('x', FLOAT, [1, 4])],
      outputs: [vi('y', FLOAT, [1, 4])],
      nodes: [{ name: 'g', opType: 'Gelu', input: ['x'], output: ['y'], attribute: [attrString('approximate', 'tanh')] }],
      opset: 20,
    });
    const model = await onnxAdapter(bytes, { run: false });
    expect((await model.listLayers())[0]!.attributes).toMatchObject({ approximate: 'tanh' });
  });
});
