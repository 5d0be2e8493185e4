/**
 * The table in a terminal: it fits the width it is given (op type and depth-idx always shown),
 * folds runs of identical blocks, shows the shapes crossing a scope's boundary, and a batch that
 * cannot apply is a warning.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { HookableModel, LayerEvent, LayerRecord } from '../src/contract.js';
import { formatSummary } from '../src/format/index.js';
import { wrapText, truncateMiddle } from '../src/format/text.js';
import { summarize } from '../src/summarize.js';
import { ALL_FIXTURES } from './fixtures/summaries.js';

/**
 * A graph model that reports tensor names, as the ONNX adapter does: `blocks` identical blocks
 * `/layers/layers.i/{fc,act}` (each `[1, 8] → [1, 8]`, 72 params, 64 MACs), then a head.
 */
function layeredModel(blocks: number, options: { differentLast?: boolean; batch?: number | string; unusedOutput?: boolean } = {}): HookableModel {
  const records: LayerRecord[] = [{ id: '/layers/', name: 'layers', type: 'scope', params: 0, paramBytes: 0 }];
  const events: LayerEvent[] = [];
  let value = 'x';
  for (let i = 0; i < blocks; i += 1) {
    const wide = options.differentLast && i === blocks - 1;
    const scope = `/layers/layers.${i}/`;
    records.push({ id: scope, name: `layers.${i}`, type: 'scope', parentId: '/layers/', params: 0, paramBytes: 0 });
    for (const [op, params] of [['MatMul', wide ? 80 : 72], ['Relu', 0]] as const) {
      const id = `${scope}${op}`;
      records.push({ id, name: op, type: op, parentId: scope, params, paramBytes: params * 4 });
      const out = `${id}:0`;
      // `unusedOutput`: the MatMul also makes a value nobody reads (as an LSTM's last states).
      const unused = options.unusedOutput && op === 'MatMul';
      events.push({
        id,
        inputShapes: [[1, 8]],
        outputShapes: unused ? [[1, 8], [1, 4]] : [[1, 8]],
        outputDTypes: unused ? ['float32', 'float32'] : ['float32'],
        outputBytes: 32,
        macs: op === 'MatMul' ? 64 : 0,
        inputNames: [value],
        outputNames: unused ? [out, `${id}:1`] : [out],
      });
      value = out;
    }
  }
  records.push({ id: '/head/Gemm', name: 'head/Gemm', type: 'Gemm', params: 18, paramBytes: 72 });
  events.push({ id: '/head/Gemm', inputShapes: [[1, 8]], outputShapes: [[1, 2]], outputDTypes: ['float32'], outputBytes: 8, macs: 16, inputNames: [value], outputNames: ['y'] });
  let emit: ((e: LayerEvent) => void) | undefined;
  return {
    specificationVersion: 'v1',
    runtime: 'onnx',
    name: 'layered',
    listLayers: () => records.map((r) => ({ ...r })),
    inputSpecs: () => [{ name: 'x', shape: [options.batch ?? 1, 8], dtype: 'float32' }],
    registerHooks: (onEvent) => {
      emit = onEvent;
      return () => {
        emit = undefined;
      };
    },
    createMockInputs: () => ({ tensors: [], device: 'cpu' }),
    run: () => {
      for (const e of events) emit?.(structuredClone(e));
    },
    disposeInputs: () => {},
  };
}

const tableLines = (text: string) => text.split('\n').filter((l) => l !== '');
const rowLines = (text: string) => text.split('\n').filter((l) => /: \d+-\d+/.test(l));

describe('repeated identical blocks', () => {
  it('fold into one row with a count, carrying their numbers; expand shows them all', async () => {
    const s = await summarize(layeredModel(12));
    const folded = formatSummary(s);
    const repeat = rowLines(folded).find((l) => l.includes('×12'));
    expect(repeat).toMatch(/layers\.0 … layers\.11 ×12 \(scope\): 2-1/);
    // 12 blocks × 72 params, 12 × 64 MACs; shapes into the first block and out of the last.
    expect(repeat).toMatch(/\[1, 8\]\s+\[1, 8\]\s+864\s+768$/);
    expect(folded).not.toContain('layers.5');
    // …and their output bytes: 12 blocks × 2 nodes × 32 B.
    expect(rowLines(formatSummary(s, { columns: ['outputBytes'] })).find((l) => l.includes('×12'))).toMatch(/768 B$/);
    expect(rowLines(formatSummary(s, { depth: 1, columns: ['outputBytes'] }))[0]).toMatch(/768 B$/);
    // Numbering stays that of the full table: the head is the second top-level row either way.
    expect(rowLines(folded).at(-1)).toMatch(/head\/Gemm \(Gemm\): 1-2/);
    const expanded = formatSummary(s, { foldRepeats: false });
    expect(rowLines(expanded)).toHaveLength(1 + 12 * 3 + 1);
    expect(rowLines(folded)).toHaveLength(3);
    for (const format of ['markdown', 'csv', 'html'] as const) expect(formatSummary(s, { format })).toContain('layers.11');
  });

  it('a block that differs ends the run; a single block is not a run', async () => {
    const s = await summarize(layeredModel(4, { differentLast: true }));
    const out = formatSummary(s);
    expect(out).toMatch(/layers\.0 … layers\.2 ×3 \(scope\)/);
    expect(out).toContain('layers.3 (scope): 2-4');
    expect(rowLines(formatSummary(await summarize(layeredModel(1)))).join('\n')).not.toContain('×');
  });
});

describe('scope rows', () => {
  it('show the shapes that enter and leave the scope', async () => {
    const s = await summarize(layeredModel(2));
    const scopes = s.layers.filter((r) => r.type === 'scope');
    for (const r of scopes) {
      expect(r.inputShapes, r.id).toEqual([[1, 8]]);
      expect(r.outputShapes, r.id).toEqual([[1, 8]]);
    }
    expect(rowLines(formatSummary(s, { depth: 1 }))[0]).toMatch(/layers \(scope\): 1-1\s+\[1, 8\]\s+\[1, 8\]\s+144\s+128$/);
  });
  it('a value nobody reads does not leave a scope that something else leaves', async () => {
    const s = await summarize(layeredModel(2, { unusedOutput: true }));
    for (const r of s.layers.filter((l) => l.type === 'scope')) expect(r.outputShapes, r.id).toEqual([[1, 8]]);
  });
});

describe('fitting a terminal width', () => {
  const widths = [72, 80, 100];
  it.each(Object.keys(ALL_FIXTURES))('%s: no line wider than the terminal, every type and depth-idx shown', (name) => {
    const s = ALL_FIXTURES[name as keyof typeof ALL_FIXTURES];
    for (const maxWidth of widths) {
      const out = formatSummary(s, { maxWidth });
      for (const line of tableLines(out)) expect(stringWidth(line), `${maxWidth}: ${line}`).toBeLessThanOrEqual(maxWidth);
      const rows = rowLines(out);
      const full = rowLines(formatSummary(s));
      expect(rows).toHaveLength(full.length);
      rows.forEach((line, i) => {
        const idx = /: (\d+-\d+)/.exec(full[i]!)![1]!;
        expect(line, `${maxWidth}`).toContain(idx);
      });
      const types = new Set(s.layers.map((r) => r.type));
      for (const type of types) expect(out, `${maxWidth}: ${type}`).toContain(type);
    }
  });

  it('without a width, every cell is written in full', () => {
    const s = ALL_FIXTURES.onnx_cjk;
    expect(formatSummary(s)).not.toContain('…');
    expect(formatSummary(s)).toContain('[batch, 64, height/2, width/2]');
    expect(formatSummary(s, { maxWidth: 100 })).toContain('[batch,64,height/2,width/2]');
  });

  it('narrow terminals: the type and depth-idx of every row, input shapes given up last', async () => {
    const s = await summarize(layeredModel(3, { differentLast: true }));
    const out = formatSummary(s, { maxWidth: 52, foldRepeats: false });
    expect(out).not.toContain('Input Shape');
    for (const line of tableLines(out)) expect(stringWidth(line), line).toBeLessThanOrEqual(52);
    for (const line of rowLines(out)) {
      expect(line).toMatch(/(MatMul|Relu|scope|Gemm)\)?: \d+-\d+/);
    }
  });
});

describe('text helpers', () => {
  it('truncateMiddle keeps both ends', () => {
    expect(truncateMiddle('features.12/conv', 10, '…')).toBe('feat…/conv');
    expect(stringWidth(truncateMiddle('特征提取/卷积层', 7, '…'))).toBeLessThanOrEqual(7);
    expect(truncateMiddle('short', 10, '…')).toBe('short');
  });
  it('wrapText breaks at spaces with an indent, cutting only a word wider than a line', () => {
    expect(wrapText('aaa bbb ccc ddd', 8)).toEqual(['aaa bbb', '  ccc', '  ddd']);
    expect(wrapText('x'.repeat(12), 5).every((l) => l.length <= 5)).toBe(true);
    expect(wrapText('fits', 10)).toEqual(['fits']);
  });
});

describe('batch', () => {
  it('a batch that cannot apply is a warning naming the input and its fixed batch', async () => {
    const s = await summarize(layeredModel(1), { batchSize: 8 });
    expect(s.batchSize).toBe(1);
    expect(s.warnings).toContainEqual(expect.stringMatching(/^batch size 8 cannot apply: input "x" has a fixed batch of 1 \(\[1, 8\]\)/));
    const symbolic = await summarize(layeredModel(1, { batch: 'N' }), { batchSize: 8 });
    expect(symbolic.batchSize).toBe(8);
    expect(symbolic.warnings.join('\n')).not.toContain('cannot apply');
    expect((await summarize(layeredModel(1))).warnings.join('\n')).not.toContain('cannot apply');
  });
});
