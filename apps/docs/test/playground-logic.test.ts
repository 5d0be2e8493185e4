/**
 * The playground's pure parts, in Node: the explorable table's tree (the CLI's depth rules), the
 * memory timeline's liveness, the treemap layout, the link's view state, the options field's
 * flags and how dropped files are told apart (ONNX external data checked against the locations the
 * ONNX adapter reads from the model). Expected values are worked out by hand in each test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxAdapter } from '@modelsummary/adapter-onnx';
import { toJSON, type LayerJSON, type SummaryJSON } from '@modelsummary/core';
import { externalDataFor, groupFiles, passOptionsOf, summaryFromJSON } from '../.vitepress/theme/playground/engine.js';
import { firstPlaceholder, suggestedFlags, withFlags } from '../.vitepress/theme/playground/flags.js';
import { eventsFromJSON, liveTimeline } from '../.vitepress/theme/playground/timeline.js';
import { buildTree, depthForBudget, expandedAtDepth, shownRows } from '../.vitepress/theme/playground/tree.js';
import { layoutTreemap, squarify } from '../.vitepress/theme/playground/treemap.js';
import { parseViewState, viewStateToSearch } from '../.vitepress/theme/playground/viewstate.js';
import { REPO } from './helpers.js';

const row = (id: string, over: Partial<LayerJSON> = {}): LayerJSON => ({
  id,
  name: id.split('/').pop()!,
  type: 'Conv',
  depth: 0,
  inputShapes: [[1, 4]],
  outputShapes: [[1, 4]],
  outputDTypes: ['float32'],
  params: 0,
  paramBytes: 0,
  macs: 0,
  executed: true,
  provenance: { shape: 'observed', macs: 'static' },
  callIndex: 0,
  outputBytes: 0,
  ...over,
});

/** A scope `block` with a Conv (10 params, 100 MACs) and a Relu (5 MACs), then a Gemm whose MACs are unknown. */
const layers: LayerJSON[] = [
  row('block', { type: 'scope', macs: null, outputShapes: [], outputDTypes: [] }),
  row('block/conv', { parentId: 'block', depth: 1, params: 10, paramBytes: 40, macs: 100, outputBytes: 400 }),
  row('block/relu', { parentId: 'block', depth: 1, type: 'Relu', macs: 5, outputBytes: 400 }),
  row('fc', { type: 'Gemm', params: 20, paramBytes: 80, macs: null, outputBytes: 40 }),
];
const json = { layers } as Pick<SummaryJSON, 'layers'>;

describe('the table tree', () => {
  it('sums each subtree; an executed leaf without MACs is unknown, a scope is not', () => {
    const t = buildTree(json);
    const block = t.byKey.get('block#0')!;
    expect(block.sub).toMatchObject({ params: 10, paramBytes: 40, macs: 105, unknownMacs: 0, outputBytes: 800, rows: 3 });
    expect(block.unknownMacs).toBe(false);
    expect(t.byKey.get('fc#0')!.unknownMacs).toBe(true);
    expect(t.maxDepth).toBe(1);
  });

  it('folds as --depth does: depth 0 shows the top rows, a folded row carries its subtree', () => {
    const t = buildTree(json);
    const folded = shownRows(t, { expanded: expandedAtDepth(t, 0) });
    expect(folded.map((r) => [r.node.row.id, r.folded, r.params, r.macs, r.outputBytes])).toEqual([
      ['block', true, 10, 105, 800],
      ['fc', false, 20, 0, 40],
    ]);
    expect(folded[1]!.unknownMacs).toBe(1);
    const open = shownRows(t, { expanded: expandedAtDepth(t, 1) });
    expect(open.map((r) => [r.node.row.id, r.open, r.params])).toEqual([
      ['block', true, 0],
      ['block/conv', false, 10],
      ['block/relu', false, 0],
      ['fc', false, 20],
    ]);
  });

  it('sorts siblings by their subtree figure, largest first, keeping the tree', () => {
    const t = buildTree(json);
    const expanded = expandedAtDepth(t, 1);
    expect(shownRows(t, { expanded, sort: 'params' }).map((r) => r.node.row.id)).toEqual(['fc', 'block', 'block/conv', 'block/relu']);
    expect(shownRows(t, { expanded, sort: 'macs' }).map((r) => r.node.row.id)).toEqual(['block', 'block/conv', 'block/relu', 'fc']);
    expect(shownRows(t, { expanded, sort: 'outputBytes' }).map((r) => r.node.row.id)).toEqual(['block', 'block/conv', 'block/relu', 'fc']);
  });

  it('search shows the matches (name, id or op type, any case) with their ancestors opened, even when folded', () => {
    const t = buildTree(json);
    const hits = shownRows(t, { expanded: new Set(), query: 'RELU' });
    expect(hits.map((r) => [r.node.row.id, r.match, r.open])).toEqual([
      ['block', false, true],
      ['block/relu', true, false],
    ]);
    expect(shownRows(t, { expanded: new Set(), query: 'gemm' }).map((r) => r.node.row.id)).toEqual(['fc']);
    expect(shownRows(t, { expanded: new Set(), query: 'nothing' })).toEqual([]);
  });

  it('picks the deepest depth that fits a row budget', () => {
    const t = buildTree(json);
    expect(depthForBudget(t, 10)).toBe(Number.POSITIVE_INFINITY);
    expect(depthForBudget(t, 3)).toBe(0);
  });

  it('a repeated call is its own row; children attach to the latest row of their parent id', () => {
    const t = buildTree({
      layers: [
        row('shared', { type: 'Sequential', macs: null }),
        row('shared/fc', { parentId: 'shared', depth: 1, params: 4, macs: 4 }),
        row('shared', { type: 'Sequential', callIndex: 1, macs: null }),
        row('shared/fc', { parentId: 'shared', depth: 1, callIndex: 1, macs: 4 }),
      ],
    });
    expect(t.roots.map((r) => [r.key, r.sub.params, r.sub.macs])).toEqual([
      ['shared#0', 4, 4],
      ['shared#1', 0, 4],
    ]);
  });
});

describe('the memory timeline', () => {
  it('with tensor names: a tensor is live from its maker to its last reader', () => {
    // a: x → t1 (100 B); b: t1 → t2 (50 B); c: t1, t2 → t3 (10 B). Live: 100, 150, 160.
    const t = liveTimeline([
      { id: 'a', outputBytes: 100, inputNames: ['x'], outputNames: ['t1'] },
      { id: 'b', outputBytes: 50, inputNames: ['t1'], outputNames: ['t2'] },
      { id: 'c', outputBytes: 10, inputNames: ['t1', 't2'], outputNames: ['t3'] },
    ]);
    expect(t.method).toBe('names');
    expect(t.points.map((p) => p.live)).toEqual([100, 150, 160]);
    expect(t.peak).toMatchObject({ id: 'c', step: 2, live: 160 });
  });

  it('two outputs of one layer with their own sizes and lifetimes', () => {
    // s: → p (30 B, read by the last), q (70 B, read next). Live: 100, 100 + 5, 30 + 5 + 1.
    const t = liveTimeline([
      { id: 's', outputBytes: 100, outputSizes: [30, 70], inputNames: [], outputNames: ['p', 'q'] },
      { id: 'u', outputBytes: 5, inputNames: ['q'], outputNames: ['r'] },
      { id: 'v', outputBytes: 1, inputNames: ['p', 'r'], outputNames: ['o'] },
    ]);
    expect(t.points.map((p) => p.live)).toEqual([100, 105, 36]);
  });

  it('without names (a saved summary): each output read by the next layer only', () => {
    const events = eventsFromJSON(json);
    expect(events.map((e) => e.id)).toEqual(['block/conv', 'block/relu', 'fc']);
    const t = liveTimeline(events);
    expect(t.method).toBe('chain');
    // 400; 400 + 400; 400 + 40.
    expect(t.points.map((p) => p.live)).toEqual([400, 800, 440]);
    expect(t.peak).toMatchObject({ id: 'block/relu', live: 800 });
  });
});

describe('the treemap', () => {
  it('squarify fills the box with areas in proportion to the values', () => {
    const items = [6, 6, 4, 3, 2, 2, 1].map((value, i) => ({ node: { index: i } as never, value }));
    const cells = squarify(items, 0, 0, 600, 400);
    expect(cells).toHaveLength(7);
    const area = cells.reduce((s, c) => s + c.w * c.h, 0);
    expect(area).toBeCloseTo(600 * 400, 6);
    for (const c of cells) {
      expect(c.w * c.h).toBeCloseTo((c.item.value / 24) * 600 * 400, 6);
      expect(c.x).toBeGreaterThanOrEqual(-1e-9);
      expect(c.y).toBeGreaterThanOrEqual(-1e-9);
      expect(c.x + c.w).toBeLessThanOrEqual(600 + 1e-9);
      expect(c.y + c.h).toBeLessThanOrEqual(400 + 1e-9);
    }
  });

  it('lays out scopes with their parts inside; zero-valued rows take no room', () => {
    const t = buildTree(json);
    const params = layoutTreemap(t, 'params', 300, 200);
    // fc 20, block 10 (its only part: conv 10): 2/3 and 1/3 of the box.
    expect(params.map((r) => [r.node.row.id, r.level, r.value])).toEqual([
      ['fc', 1, 20],
      ['block', 1, 10],
      ['block/conv', 2, 10],
    ]);
    expect(params[0]!.w * params[0]!.h).toBeCloseTo((2 / 3) * 300 * 200, 6);
    const conv = params[2]!;
    const block = params[1]!;
    expect(conv.x).toBeGreaterThanOrEqual(block.x);
    expect(conv.y).toBeGreaterThanOrEqual(block.y + 18);
    expect(conv.x + conv.w).toBeLessThanOrEqual(block.x + block.w);
    // MACs: only the block has any (fc is unknown).
    expect(layoutTreemap(t, 'macs', 300, 200).map((r) => r.node.row.id)).toEqual(['block', 'block/conv', 'block/relu']);
  });
});

describe('the link', () => {
  it('carries the model source and the view, and reads back the same', () => {
    const state = {
      a: { url: 'https://example.org/m.onnx' },
      b: { example: 'examples/models/mnist-cnn.onnx' },
      backend: 'wasm' as const,
      depth: 2,
      q: 'conv',
      sort: 'macs' as const,
      cols: ['type' as const, 'params' as const],
      sel: '/features/0/Conv#0',
      chart: 'macs' as const,
    };
    const search = viewStateToSearch(state);
    expect(search).toBe(
      '?model=https%3A%2F%2Fexample.org%2Fm.onnx&compareExample=examples%2Fmodels%2Fmnist-cnn.onnx&backend=wasm&depth=2&q=conv&sort=macs&cols=type%2Cparams&sel=%2Ffeatures%2F0%2FConv%230&chart=macs',
    );
    expect(parseViewState(search)).toEqual(state);
    expect(parseViewState('?example=x&depth=all').depth).toBe(Number.POSITIVE_INFINITY);
  });

  it('drops what it does not know', () => {
    expect(parseViewState('?backend=quantum&sort=size&depth=-1&cols=params,bogus&chart=pie&compare=x')).toEqual({ cols: ['params'] });
  });

  it("carries the options field's flags (quotes and all) and reads them back", () => {
    const flags = "--dim sequence_length=3 --dim 'input_ids[1]=5' --input use_cache_branch=true --batch 2";
    const search = viewStateToSearch({ a: { example: 'examples/models/mnist-cnn.onnx' }, flags });
    expect(search).toBe(
      '?example=examples%2Fmodels%2Fmnist-cnn.onnx&flags=--dim+sequence_length%3D3+--dim+%27input_ids%5B1%5D%3D5%27+--input+use_cache_branch%3Dtrue+--batch+2',
    );
    expect(parseViewState(search)).toEqual({ a: { example: 'examples/models/mnist-cnn.onnx' }, flags });
    expect(parseViewState('?flags=%20%20')).toEqual({});
    expect(parseViewState(`?flags=${'x'.repeat(2001)}`)).toEqual({});
    expect(viewStateToSearch({ flags: '  ' })).toBe('');
  });
});

describe('the options field', () => {
  it("reads flags with core's parser into summarize()'s options", () => {
    expect(passOptionsOf('--dim sequence_length=3 --dim=past_sequence_length=0 --input use_cache_branch=true --input ids:int64:2x5 --batch 2')).toEqual({
      inputs: [
        { name: 'use_cache_branch', value: true },
        { name: 'ids', dtype: 'int64', shape: [2, 5] },
      ],
      dims: { sequence_length: 3, past_sequence_length: 0 },
      batchSize: 2,
    });
    expect(passOptionsOf('  ')).toEqual({ inputs: [], dims: {} });
  });

  it('a bad flag is INVALID_OPTION naming it', () => {
    const bad = (text: string) => {
      try {
        passOptionsOf(text);
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
      return undefined;
    };
    expect(bad('--dim sequence_length=N')).toEqual({ code: 'INVALID_OPTION', message: expect.stringContaining('--dim "sequence_length=N"') });
    expect(bad('--input use_cache_branch=VALUE')).toEqual({ code: 'INVALID_OPTION', message: expect.stringContaining('value "VALUE"') });
    expect(bad('--depth 2')).toEqual({ code: 'INVALID_OPTION', message: expect.stringContaining('"--depth"') });
    expect(bad('--batch 0')).toEqual({ code: 'INVALID_OPTION', message: expect.stringContaining('--batch') });
  });

  // As core words a failed pass with dims left at their default (the CLI's message for gpt2_merged.onnx).
  const failed =
    "gpt2_merged.onnx: forward pass failed before any layer ran: MatMul dimension mismatch symbolic dims without a value took a default (sequence_length=1, 'input_ids[1]'=1): " +
    "set them with --dim sequence_length=N --dim 'input_ids[1]=N' (API: dims) use_cache_branch (bool [1]) got mock values: give values with --input use_cache_branch=VALUE (API: inputs: [{ name, value }]); " +
    'again: --dim sequence_length=N, not a suggestion: --dim seq=8 --batch 2';

  it('finds the flags a failed summary suggests, quoted as written, each once', () => {
    expect(suggestedFlags(failed)).toEqual(['--dim sequence_length=N', "--dim 'input_ids[1]=N'", '--input use_cache_branch=VALUE']);
    expect(suggestedFlags('INVALID_MODEL: corrupt.onnx: not an ONNX model')).toEqual([]);
    // A flag the user gave, echoed back in an error, is not a suggestion.
    expect(suggestedFlags('INVALID_OPTION: --dim "sequence_length=N": the value must be a whole number')).toEqual([]);
  });

  it('adds suggestions after what the field holds, less the names it already sets, and points at the first value to fill', () => {
    const suggested = suggestedFlags(failed);
    expect(withFlags('', suggested)).toBe("--dim sequence_length=N --dim 'input_ids[1]=N' --input use_cache_branch=VALUE");
    const text = withFlags('--batch 2 --dim=sequence_length=4', suggested);
    expect(text).toBe("--batch 2 --dim=sequence_length=4 --dim 'input_ids[1]=N' --input use_cache_branch=VALUE");
    // The N inside the quotes: "--batch 2 --dim=sequence_length=4 --dim 'input_ids[1]=" is 54 characters.
    expect(firstPlaceholder(text, 33)).toEqual([54, 55]);
    expect(firstPlaceholder('--dim a=8 --input b=VALUE')).toEqual([20, 25]);
    expect(firstPlaceholder('--dim NAME=8')).toBeUndefined();
  });
});

describe('files dropped on the playground', () => {
  const onnx = readFileSync(join(REPO, 'examples/models/mnist-cnn.onnx'));
  const modelJson = readFileSync(join(REPO, 'examples/models/tfjs-cnn/model.json'));
  const shard = readFileSync(join(REPO, 'examples/models/tfjs-cnn/group1-shard1of1.bin'));
  const file = (name: string, bytes: Uint8Array) => ({ name, bytes: new Uint8Array(bytes) });

  it('one model, or two to compare (a model.json keeps its shards)', () => {
    expect(groupFiles([file('a.onnx', onnx)]).map((u) => u.kind)).toEqual(['onnx']);
    const two = groupFiles([file('group1-shard1of1.bin', shard), file('a.onnx', onnx), file('model.json', modelJson)]);
    expect(two.map((u) => u.kind)).toEqual(['onnx', 'tfjs']);
    expect(two[1]!.kind === 'tfjs' && two[1]!.shards.map((s) => s.name)).toEqual(['group1-shard1of1.bin']);
  });

  it('a saved summary JSON is read back into core data (and checked)', () => {
    const saved: SummaryJSON = {
      schemaVersion: 1,
      model: { name: 'm', format: 'onnx', runtime: 'onnx' },
      device: 'wasm',
      batchSize: 1,
      inputs: [],
      layers,
      totals: { params: 30, paramBytes: 120, macs: 105 },
      memory: { convention: 'default', inputBytes: 0, activationBytes: 840, forwardBackwardBytes: 1680, paramBytes: 120, totalBytes: 960, peakActivationBytes: 800 },
      warnings: [],
    };
    const units = groupFiles([file('a.onnx', onnx), file('saved.json', new TextEncoder().encode(JSON.stringify(saved)))]);
    expect(units.map((u) => u.kind)).toEqual(['onnx', 'summary']);
    const summary = summaryFromJSON(saved as never, 'saved.json');
    expect(summary.layers.map((r) => r.isContainer)).toEqual([true, false, false, false]);
    expect(summary.layers[3]!.macs).toBeUndefined();
    expect(summary.totals.unknownMacsLayers).toBe(1);
    expect(() => summaryFromJSON({ ...saved, totals: { ...saved.totals, params: 31 } } as never, 'bad.json')).toThrow(/bad\.json: not a valid .*totals\.params/);
    expect(summary.outputs).toBeUndefined();
    expect(summary.defaultedDims).toBeUndefined();
  });

  it("a saved summary keeps the model's outputs and the dims nobody gave", () => {
    const saved = {
      schemaVersion: 1,
      model: { name: 'm', format: 'onnx', runtime: 'onnx' },
      device: 'wasm',
      batchSize: 1,
      inputs: [{ name: 'ids', shape: [1, 1], dtype: 'int64', bytes: 8 }],
      outputs: [{ name: 'logits', shape: [1, 1, 'vocab'], dtype: 'float32' }, { name: 'output_0', graphName: 'Identity:0' }],
      defaultedDims: [{ name: 'sequence_length', value: 1, flag: '--dim sequence_length=N' }],
      layers,
      totals: { params: 30, paramBytes: 120, macs: 105 },
      memory: { convention: 'default', inputBytes: 8, activationBytes: 840, forwardBackwardBytes: 1680, paramBytes: 120, totalBytes: 968, peakActivationBytes: 800 },
      warnings: [],
    };
    const summary = summaryFromJSON(saved, 'saved.json');
    expect(summary.outputs).toEqual(saved.outputs);
    expect(summary.defaultedDims).toEqual(saved.defaultedDims);
    expect(summary.outputs![0]!.shape).not.toBe(saved.outputs[0]!.shape);
    const again = toJSON(summary);
    expect(again.outputs).toEqual(saved.outputs);
    expect(again.defaultedDims).toEqual(saved.defaultedDims);
  });

  it('refuses three models, a file no model can own, and no model at all', () => {
    expect(() => groupFiles([file('a.onnx', onnx), file('b.onnx', onnx), file('c.onnx', onnx)])).toThrow(/one model, or two to compare: got 3/);
    expect(() => groupFiles([file('a.onnx', onnx), file('b.onnx', onnx), file('weights.bin', shard)])).toThrow(/^weights\.bin: not named by any model given/);
    expect(() => groupFiles([file('x.bin', shard)])).toThrow(/not a model file/);
  });

  describe('an ONNX model with external data (bert_external.onnx + bert_external.onnx.data)', () => {
    const dir = join(REPO, 'packages/adapter-onnx/test/fixtures/real');
    const model = file('bert_external.onnx', readFileSync(join(dir, 'bert_external.onnx')));
    const data = file('bert_external.onnx.data', readFileSync(join(dir, 'bert_external.onnx.data')));
    /** The locations the ONNX adapter reads from the model (what the playground checks against). */
    const locationsOf = async (bytes: Uint8Array) => (await onnxAdapter(bytes, { run: false })).graph.externalFiles;

    it('groupFiles attaches the data file to its model, also beside a second model', () => {
      const [unit] = groupFiles([data, model]);
      expect(unit).toMatchObject({ kind: 'onnx', model: { name: 'bert_external.onnx' } });
      expect(unit!.kind === 'onnx' && unit!.externalData.map((f) => f.name)).toEqual(['bert_external.onnx.data']);
      const two = groupFiles([file('a.onnx', onnx), data, model]);
      expect(two.map((u) => (u.kind === 'onnx' ? [u.model.name, u.externalData.map((f) => f.name)] : u.kind))).toEqual([
        ['a.onnx', []],
        ['bert_external.onnx', ['bert_external.onnx.data']],
      ]);
      expect(groupFiles([file('a.onnx', onnx)])).toEqual([{ kind: 'onnx', model: file('a.onnx', onnx), externalData: [] }]);
    });

    it('gives the adapter each location the model names with the bytes of the file given', async () => {
      expect(await locationsOf(model.bytes)).toEqual(['bert_external.onnx.data']);
      const given = externalDataFor('bert_external.onnx', await locationsOf(model.bytes), [data]);
      expect(given).toEqual([{ path: 'bert_external.onnx.data', data: data.bytes }]);
      // A location with a folder: the picker gives the file by its name only.
      expect(externalDataFor('m.onnx', ['weights/m.data'], [file('m.data', shard)])).toEqual([{ path: 'weights/m.data', data: new Uint8Array(shard) }]);
    });

    it('a file the model does not name is an error naming it', async () => {
      const extra = file('weights.bin', shard);
      expect(() => externalDataFor('bert_external.onnx', ['bert_external.onnx.data'], [data, extra])).toThrow(
        /^weights\.bin: not external data of bert_external\.onnx \(it names bert_external\.onnx\.data\)\.$/,
      );
      const none = await locationsOf(new Uint8Array(onnx));
      expect(none).toEqual([]);
      expect(() => externalDataFor('a.onnx', none, [extra])).toThrow(
        /^weights\.bin: not external data of a\.onnx \(it keeps all its weights inside the \.onnx file\)\.$/,
      );
    });

    it('a named file not given is an error saying which file to select with the model', async () => {
      expect(() => externalDataFor('bert_external.onnx', ['bert_external.onnx.data'], [])).toThrow(
        'bert_external.onnx keeps its weights in bert_external.onnx.data, which was not given. Select bert_external.onnx together with bert_external.onnx.data.',
      );
      expect(() => externalDataFor('m.onnx', ['a.data', 'w/b.data'], [file('a.data', shard)])).toThrow(/^m\.onnx keeps its weights in b\.data, which was not given\. Select m\.onnx together with b\.data\.$/);
    });
  });
});

describe('the offline copy (service worker)', () => {
  it('is valid JavaScript listing every built file but itself; a changed file is a new cache', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { Script } = await import('node:vm');
    const { serviceWorker } = await import('../.vitepress/offline.js');
    const dir = mkdtempSync(join(tmpdir(), 'ms-sw-'));
    try {
      mkdirSync(join(dir, 'ort'));
      writeFileSync(join(dir, 'playground.html'), '<html></html>');
      writeFileSync(join(dir, 'ort', 'ort.wasm'), 'wasm');
      writeFileSync(join(dir, 'sw.js'), 'old');
      const first = serviceWorker(dir, '/docs/');
      expect(() => new Script(first)).not.toThrow();
      expect(first).toContain('const FILES = ["ort/ort.wasm","playground.html"];');
      expect(first).toContain('const BASE = "/docs/";');
      writeFileSync(join(dir, 'ort', 'ort.wasm'), 'wasm 2');
      const cacheOf = (src: string) => /const CACHE = '([^']+)'/.exec(src)![1];
      expect(cacheOf(serviceWorker(dir, '/docs/'))).not.toBe(cacheOf(first));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
