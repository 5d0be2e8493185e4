import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ModelSummaryError } from '../src/errors.js';
import {
  DEFAULT_COLUMNS,
  formatSummary,
  memoryLines,
  parseColumns,
  toJSON,
  torchinfoMultAddsLine,
  validateSummaryJSON,
  OUTPUT_FORMATS,
  type ColumnName,
  type FormatOptionName,
  type OutputFormat,
} from '../src/format/index.js';
import { pythonFixed2 } from '../src/format/memory.js';
import { visibleRows } from '../src/format/rows.js';
import type { LayerRow, MemoryEstimate, ModelSummary } from '../src/summary.js';
import { ALL_FIXTURES, finish, mnistTorchinfo, onnxCjk, row, sharedMulti, smallCnn } from './fixtures/summaries.js';

const EXT: Record<OutputFormat, string> = { table: 'txt', markdown: 'md', csv: 'csv', html: 'html', json: 'json' };
const FORMATS = Object.keys(EXT) as OutputFormat[];
const ALL_COLUMNS: ColumnName[] = ['inputShape', 'outputShape', 'kernel', 'params', 'paramsPercent', 'trainable', 'macs', 'outputBytes'];

/** The grid of a table: from the first `=` rule to the third (rules, header, rows). */
function gridLines(table: string): string[] {
  const lines = table.split('\n');
  const rules = lines.flatMap((l, i) => (/^=+$/.test(l) ? [i] : []));
  expect(rules.length).toBeGreaterThanOrEqual(3);
  return lines.slice(rules[0], rules[2]! + 1);
}

/** A strict RFC 4180 reader for the tests. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      i += 1;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
        else if (text[i] === '"') {
          i += 1;
          break;
        } else if (i >= text.length) throw new Error('unterminated quote');
        else (field += text[i]), (i += 1);
      }
    } else if (ch === ',') (record.push(field), (field = '')), (i += 1);
    else if (ch === '\r' && text[i + 1] === '\n') (record.push(field), records.push(record), (record = []), (field = '')), (i += 2);
    else if (ch === '\n' || ch === '\r') throw new Error('bare line break outside quotes');
    else (field += ch), (i += 1);
  }
  if (field !== '' || record.length > 0) throw new Error('missing final CRLF');
  return records;
}

function csvColumn(csv: string, name: string): string[] {
  const [header, ...rows] = parseCsv(csv);
  const index = header!.indexOf(name);
  expect(index).toBeGreaterThanOrEqual(0);
  return rows.map((r) => r[index]!);
}

describe('golden files', () => {
  for (const [name, summary] of Object.entries(ALL_FIXTURES)) {
    for (const format of FORMATS) {
      it(`${name} as ${format}`, async () => {
        const out = formatSummary(summary, { format, columns: format === 'table' || format === 'json' ? undefined : ALL_COLUMNS });
        await expect(out).toMatchFileSnapshot(`golden/${name}.${EXT[format]}`);
      });
    }
  }
  it('small_cnn, every column, IEC units', async () => {
    await expect(formatSummary(smallCnn, { columns: ALL_COLUMNS, units: 'iec' })).toMatchFileSnapshot('golden/small_cnn.all-columns-iec.txt');
  });
  it('small_cnn at depth 1 and depth 2 (torchinfo: top level = 1)', async () => {
    await expect(formatSummary(smallCnn, { depth: 1 })).toMatchFileSnapshot('golden/small_cnn.depth1.txt');
    await expect(formatSummary(smallCnn, { depth: 2, columns: ['params', 'trainable', 'macs'] })).toMatchFileSnapshot(
      'golden/small_cnn.depth2.txt',
    );
  });
  it('ASCII tables', async () => {
    await expect(formatSummary(smallCnn, { ascii: true })).toMatchFileSnapshot('golden/small_cnn.ascii.txt');
    await expect(formatSummary(sharedMulti, { ascii: true })).toMatchFileSnapshot('golden/shared_multi.ascii.txt');
    await expect(formatSummary(onnxCjk, { ascii: true })).toMatchFileSnapshot('golden/onnx_cjk.ascii.txt');
  });
  it('onnx_cjk fitted to 100 columns', async () => {
    await expect(formatSummary(onnxCjk, { maxWidth: 100, columns: ['outputShape', 'params', 'macs'] })).toMatchFileSnapshot(
      'golden/onnx_cjk.maxwidth.txt',
    );
  });
  it('shared_multi as markdown at depth 1', async () => {
    await expect(formatSummary(sharedMulti, { format: 'markdown', depth: 1 })).toMatchFileSnapshot('golden/shared_multi.depth1.md');
  });
});

describe('table', () => {
  const variants: Array<[string, ModelSummary, Parameters<typeof formatSummary>[1]]> = [];
  for (const [name, s] of Object.entries(ALL_FIXTURES)) {
    variants.push([name, s, {}], [`${name} ascii`, s, { ascii: true }], [`${name} all columns`, s, { columns: ALL_COLUMNS }]);
    variants.push([`${name} maxWidth 60`, s, { maxWidth: 60 }], [`${name} depth 1`, s, { depth: 1 }]);
  }
  it.each(variants)('every grid line of %s has the same display width', (_, s, options) => {
    const grid = gridLines(formatSummary(s, options));
    const widths = new Set(grid.map((l) => stringWidth(l)));
    expect([...widths]).toHaveLength(1);
  });

  it('aligns CJK names by display width, not by string length', () => {
    const grid = gridLines(formatSummary(onnxCjk));
    const cjk = grid.find((l) => l.includes('全连接层'))!;
    const ascii = grid.find((l) => l.includes('TopK_17'))!;
    expect(cjk.length).toBeLessThan(ascii.length); // 4 wide chars = 8 cells
    expect(stringWidth(cjk)).toBe(stringWidth(ascii));
    // Columns start at the same cell: the output shape column begins where the header says.
    const header = grid[1]!;
    const col = stringWidth(header.slice(0, header.indexOf('Output Shape')));
    const cellStart = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    expect(cellStart(cjk, '[1, 1000]')).toBe(col);
  });

  it('draws the tree with ├─ └─ │ and numbers rows per depth like torchinfo', () => {
    const out = formatSummary(smallCnn);
    expect(out).toContain('├─conv1 (Conv2D): 1-1 ');
    expect(out).toContain('│ └─inner (Sequential): 2-3 ');
    expect(out).toContain('│   └─relu (ReLU): 3-2 ');
    expect(out).toContain('└─fc2 (Dense): 1-5 ');
  });

  it('ASCII option: nothing above 0x7e in table, markdown or html, CJK names escaped', () => {
    for (const s of Object.values(ALL_FIXTURES)) {
      for (const format of ['table', 'markdown', 'html'] as const) {
        const out = formatSummary(s, { format, ascii: true, columns: ALL_COLUMNS });
        for (const ch of out) expect(ch.codePointAt(0)!, `${format}: ${JSON.stringify(ch)}`).toBeLessThanOrEqual(0x7e);
      }
    }
    const out = formatSummary(onnxCjk, { ascii: true });
    expect(out).toContain('|-\\u7279\\u5f81\\u63d0\\u53d6 (scope): 1-1');
    expect(formatSummary(smallCnn, { ascii: true })).toContain('| \\-inner (Sequential): 2-3');
  });

  it('shows (recursive), (not executed), ?, -- and the lower-bound total', () => {
    const out = formatSummary(sharedMulti);
    const line = (text: string) => out.split('\n').find((l) => l.includes(text))!;
    expect(line('encoder (Dense): 1-2')).toMatch(/\(recursive\)\s+1,024$/);
    expect(line('aux_head')).toMatch(/aux_head \(Dense\): 1-6 \(not executed\)\s+--\s+--\s+66\s+--$/);
    expect(line('mystery')).toMatch(/20\s+\?$/);
    expect(line('merge (Concatenate)')).toMatch(/--\s+--$/);
    expect(out).toContain('Total mult-adds: ≥ 2.30 k (2 layers with unknown MACs not counted)');
    expect(formatSummary(sharedMulti, { ascii: true })).toContain('Total mult-adds: at least 2.30 k (2 layers with unknown MACs not counted)');
    expect(out).toContain('Warning: Layer "aux_head" did not run in the forward pass.\n');
  });

  it('says -- for trainable params when the runtime has no notion of them', () => {
    const out = formatSummary(onnxCjk, { columns: [...DEFAULT_COLUMNS, 'trainable'] });
    expect(out).toContain('Trainable params: -- (onnx has no notion of trainable weights)\n');
    expect(out).toContain('Non-trainable params: --\n');
    expect(out).not.toMatch(/True|False|Partial/);
  });

  it('prints the conventions line for each memory convention and unit system', () => {
    expect(formatSummary(smallCnn)).toContain(
      'Conventions: 1 MAC = one multiply-add (FLOPs = 2 × MACs); bytes from dtypes; units SI (1 MB = 10^6 B);',
    );
    expect(formatSummary(smallCnn, { units: 'iec' })).toContain('units IEC (1 MiB = 2^20 B)');
    expect(formatSummary(smallCnn, { units: 'iec' })).toContain('Params size: 85.63 KiB');
    expect(formatSummary(sharedMulti)).toContain('MB here are MiB as torchsummary prints them');
    expect(formatSummary(mnistTorchinfo)).toContain('memory as torchinfo');
  });

  it('reproduces torchinfo footer lines for the mnist_net reference', () => {
    const out = formatSummary(mnistTorchinfo);
    expect(out).toContain(
      [
        'Total params: 21,840',
        'Trainable params: 21,840',
        'Non-trainable params: 0',
        'Total mult-adds (k): 487.60',
      ].join('\n'),
    );
    expect(out).toContain(
      [
        'Input size (kB): 3.19',
        'Forward/backward pass size (kB): 56.80',
        'Params size (kB): 87.36',
        'Estimated Total Size (kB): 147.35',
      ].join('\n'),
    );
  });

  it('truncates long names with … only when maxWidth is given', () => {
    const full = formatSummary(onnxCjk);
    expect(full).not.toContain('…');
    const fitted = formatSummary(onnxCjk, { maxWidth: 50, columns: ['params'] });
    for (const l of gridLines(fitted)) expect(stringWidth(l)).toBeLessThanOrEqual(50);
    expect(fitted).toContain('…');
    expect(formatSummary(onnxCjk, { maxWidth: 40, columns: ['params'], ascii: true })).toContain('...');
  });

  it('a static summary (nothing ran) shows static shapes and ? without (not executed) markers', () => {
    const s = finish(
      {
        ...onnxCjk,
        layers: [
          row({ id: 's', name: 'stem', type: 'scope', isContainer: true, executed: false }),
          row({ id: 'c', name: 'conv', type: 'Conv', depth: 1, parentId: 's', executed: false, outputShapes: [['N', 8, 4, 4]], params: 10, macs: 1280 }),
          row({ id: 'g', name: 'gelu', type: 'Gelu', depth: 1, parentId: 's', executed: false, outputShapes: [['N', 8, 4, 4]] }),
        ],
        warnings: [],
      },
      false,
    );
    const out = formatSummary(s);
    expect(out).not.toContain('not executed');
    expect(out.split('\n').find((l) => l.includes('gelu'))).toMatch(/\[N, 8, 4, 4\]\s+--\s+\?$/);
    expect(out.split('\n').find((l) => l.includes('conv'))).toMatch(/\[N, 8, 4, 4\]\s+10\s+1,280$/);
    expect(out.split('\n').find((l) => l.includes('stem'))).toMatch(/--\s+--$/);
    expect(formatSummary(s, { depth: 1 }).split('\n').find((l) => l.includes('stem'))).toMatch(/10\s+≥ 1,280$/);
  });

  it('escapes control characters in names so rows stay on one line', () => {
    const s = finish({ ...smallCnn, layers: [row({ id: 'x', name: 'bad\nname\ttab', type: 'Dense', params: 1 })] }, true);
    const out = formatSummary(s);
    expect(out).toContain('bad\\u000aname\\u0009tab (Dense): 1-1');
  });
});

describe('depth folding', () => {
  it('folds hidden params and MACs into the visible ancestor', () => {
    const out = formatSummary(smallCnn, { depth: 1 });
    expect(out).not.toContain('conv2');
    expect(out.split('\n').find((l) => l.includes('block1'))).toMatch(/5,100\s+321,920$/);
    const d1 = formatSummary(smallCnn, { depth: 2, columns: ['params', 'trainable', 'macs'] });
    expect(d1.split('\n').find((l) => l.includes('inner'))).toMatch(/80\s+Partial\s+640$/);
    expect(d1).not.toContain('relu');
  });

  it('a folded unknown makes the ancestor a lower bound', () => {
    const out = formatSummary(sharedMulti, { depth: 1 });
    expect(out.split('\n').find((l) => l.includes('tower'))).toMatch(/152\s+≥ 256$/);
    expect(csvColumn(formatSummary(sharedMulti, { format: 'csv', depth: 1 }), 'macs')).toEqual(['1024', '1024', '0', '', '', '']);
  });

  it('depth as torchinfo: N shows the rows of depth-idx N and above, 0 none', () => {
    const depthsShown = (depth: number) =>
      new Set(gridLines(formatSummary(smallCnn, { depth })).flatMap((l) => [...l.matchAll(/: (\d+)-\d+/g)].map((m) => Number(m[1]))));
    expect([...depthsShown(1)]).toEqual([1]);
    expect([...depthsShown(2)].sort()).toEqual([1, 2]);
    expect(formatSummary(smallCnn, { depth: 0 })).toContain('(no layers)');
  });

  it('rejects a negative or fractional depth', () => {
    expect(() => formatSummary(smallCnn, { depth: -1 })).toThrow(ModelSummaryError);
    expect(() => formatSummary(smallCnn, { depth: 1.5 })).toThrow(/depth/);
  });
});

describe('markdown, csv, html', () => {
  it('markdown escapes table syntax and keeps the tree visible', () => {
    const s = finish({ ...smallCnn, layers: [row({ id: 'x', name: 'a|b*c', type: 'Dense', params: 1 })] }, true);
    const out = formatSummary(s, { format: 'markdown' });
    expect(out).toContain('| └─a\\|b\\*c |');
    expect(formatSummary(smallCnn, { format: 'markdown' })).toContain('| │\u00a0\u00a0\u00a0└─relu');
  });

  it('csv follows RFC 4180 and keeps numbers raw', () => {
    const s = finish(
      { ...smallCnn, layers: [row({ id: 'q', name: 'say "hi", then\nleave', type: 'T', params: 1234567, macs: 5, outputShapes: [['b', null, 3]] })] },
      true,
    );
    const csv = formatSummary(s, { format: 'csv', columns: ALL_COLUMNS });
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, record] = parseCsv(csv);
    expect(header).toEqual([
      'id', 'name', 'type', 'depth', 'parent_id', 'call_index', 'executed',
      'input_shapes', 'output_shapes', 'kernel', 'params', 'params_percent', 'trainable_params', 'macs', 'output_bytes',
    ]);
    expect(record![1]).toBe('say "hi", then\nleave');
    expect(record![8]).toBe('[["b",null,3]]');
    expect(record![10]).toBe('1234567');
    expect(record![11]).toBe('100');
    expect(csv).toContain('"say ""hi"", then\nleave"');
  });

  it('html escapes text and puts totals in tfoot', () => {
    const s = finish({ ...smallCnn, layers: [row({ id: 'x', name: '<script>&', type: 'Dense', params: 1 })] }, true);
    const out = formatSummary(s, { format: 'html' });
    expect(out).not.toContain('<script>');
    expect(out).toContain('&#60;script&#62;&#38;');
    expect(out).toMatch(/<tfoot>[\s\S]*Total params[\s\S]*<\/tfoot>/);
    expect(out.startsWith('<table class="modelsummary">')).toBe(true);
    expect(out).not.toMatch(/<(link|script|style|img)\b/);
  });
});

describe('json', () => {
  it('format json is exactly JSON.stringify(toJSON(summary), null, 2)', () => {
    for (const s of Object.values(ALL_FIXTURES)) expect(formatSummary(s, { format: 'json' })).toBe(JSON.stringify(toJSON(s), null, 2));
  });

  it('has the schema v1 keys in a fixed order, macs null when unknown, undefined keys omitted', () => {
    const j = toJSON(sharedMulti);
    expect(Object.keys(j)).toEqual(['schemaVersion', 'model', 'device', 'batchSize', 'inputs', 'layers', 'totals', 'memory', 'warnings']);
    expect(Object.keys(j.layers[6]!)).toEqual([
      'id', 'name', 'type', 'depth', 'parentId', 'inputShapes', 'outputShapes', 'outputDTypes', 'params', 'trainableParams',
      'paramBytes', 'macs', 'executed', 'provenance', 'callIndex', 'outputBytes',
    ]);
    expect(j.layers[6]!.macs).toBeNull();
    expect(Object.keys(j.memory)[0]).toBe('convention');
    expect('measuredPeakBytes' in j.memory).toBe(false);
    expect(toJSON(smallCnn).memory.measuredPeakBytes).toBe(131072);
    const onnx = toJSON(onnxCjk);
    expect(onnx.totals).toEqual({ params: 778472, paramBytes: 3094944, macs: 61435904 });
    expect(onnx.layers.some((l) => 'trainableParams' in l)).toBe(false);
    expect(JSON.stringify(onnx)).not.toContain('undefined');
  });

  it('does not share arrays with the summary', () => {
    const j = toJSON(smallCnn);
    j.layers[0]!.outputShapes[0]![0] = 99;
    expect(smallCnn.layers[0]!.outputShapes[0]![0]).toBe(1);
  });

  it('validateSummaryJSON accepts every fixture and its JSON text', () => {
    for (const s of Object.values(ALL_FIXTURES)) {
      expect(validateSummaryJSON(toJSON(s))).toEqual([]);
      expect(validateSummaryJSON(JSON.parse(formatSummary(s, { format: 'json' })))).toEqual([]);
    }
  });

  it('validateSummaryJSON catches broken copies', () => {
    const broken = (edit: (j: any) => void): string[] => {
      const j = JSON.parse(JSON.stringify(toJSON(sharedMulti)));
      edit(j);
      return validateSummaryJSON(j);
    };
    expect(validateSummaryJSON(null)).toEqual(['$: expected an object, got null']);
    expect(broken((j) => (j.schemaVersion = 2))).toEqual(['$.schemaVersion: expected 1, got number 2']);
    expect(broken((j) => delete j.layers[0].executed)).toEqual(['$.layers[0].executed: expected a boolean, got nothing']);
    expect(broken((j) => delete j.layers[0].macs)).toEqual(['$.layers[0].macs: expected a non-negative number or null, got nothing']);
    expect(broken((j) => (j.layers[0].params = 545))).toEqual(['$.totals.params: 762 is not the sum of layer params 763']);
    expect(broken((j) => (j.totals.params = 1))).toContain('$.totals.params: 1 is not the sum of layer params 762');
    expect(broken((j) => (j.totals.nonTrainableParams = 0))).toEqual([
      '$.totals.nonTrainableParams: expected params - trainableParams = 20, got 0',
    ]);
    expect(broken((j) => (j.layers[5].parentId = 'nope'))).toEqual(['$.layers[5].parentId: "nope" is not a layer listed before it']);
    expect(broken((j) => (j.layers[5].depth = 2))).toEqual(['$.layers[5].depth: expected 1 (parent depth + 1), got 2']);
    expect(broken((j) => (j.layers[2].outputShapes = [[1, -3]]))).toEqual([
      '$.layers[2].outputShapes[0][1]: expected a dim (integer >= 0, string or null), got number -3',
    ]);
    expect(broken((j) => (j.layers[1].params = 5))).toContain('$.layers[1].params: a repeated call (callIndex 1) owns no params, got 5');
    expect(broken((j) => (j.extra = true))).toEqual(['$.extra: unknown key']);
    expect(broken((j) => (j.memory.convention = 'keras'))).toEqual([
      '$.memory.convention: expected "default", "torchsummary" or "torchinfo", got string "keras"',
    ]);
    expect(broken((j) => (j.layers[0].provenance.shape = 'guessed'))).toHaveLength(1);
    expect(broken((j) => (j.warnings = [1]))).toEqual(['$.warnings[0]: expected a string, got number 1']);
    expect(broken((j) => (j.inputs[0].shape = ['batch', 16]))).toHaveLength(1);
  });
});

describe('memoryLines', () => {
  const mem = (m: Partial<MemoryEstimate> & Pick<MemoryEstimate, 'convention'>): MemoryEstimate => ({
    inputBytes: 0, activationBytes: 0, forwardBackwardBytes: 0, paramBytes: 0, totalBytes: 0, peakActivationBytes: 0, ...m,
  });
  const text = (m: MemoryEstimate, units: 'si' | 'iec' = 'si') => memoryLines(m, units).map(([l, v]) => `${l}: ${v}`);

  it('torchinfo: per-line unit as torchinfo prints (reference mobilenet_v2, multi_input)', () => {
    expect(text(mem({ convention: 'torchinfo', inputBytes: 602168, forwardBackwardBytes: 106857792, paramBytes: 14019488, totalBytes: 121479448 }))).toEqual([
      'Input size (kB): 602.17',
      'Forward/backward pass size (MB): 106.86',
      'Params size (MB): 14.02',
      'Estimated Total Size (MB): 121.48',
    ]);
    expect(text(mem({ convention: 'torchinfo', inputBytes: 4272, forwardBackwardBytes: 8320, paramBytes: 40, totalBytes: 12632 }))).toEqual([
      'Input size (kB): 4.27',
      'Forward/backward pass size (kB): 8.32',
      'Params size: 40',
      'Estimated Total Size (kB): 12.63',
    ]);
    expect(text(mem({ convention: 'torchinfo', inputBytes: 3000, forwardBackwardBytes: 2.5e9, paramBytes: 1.2e12, totalBytes: 0 }))).toEqual([
      'Input size (kB): 3',
      'Forward/backward pass size (GB): 2.50',
      'Params size (TB): 1.20',
      'Estimated Total Size: 0',
    ]);
  });

  it('torchinfo mult-adds line', () => {
    expect(torchinfoMultAddsLine(487600)).toBe('Total mult-adds (k): 487.60');
    expect(torchinfoMultAddsLine(300809384)).toBe('Total mult-adds (M): 300.81');
    expect(torchinfoMultAddsLine(10400)).toBe('Total mult-adds (k): 10.40');
    expect(torchinfoMultAddsLine(510)).toBe('Total mult-adds: 510');
    expect(torchinfoMultAddsLine(2e9)).toBe('Total mult-adds (G): 2');
    expect(torchinfoMultAddsLine(0)).toBe('Total mult-adds: 0');
  });

  it('torchsummary: four lines in MiB labelled MB, units ignored (reference mobilenet_v2)', () => {
    const m = mem({ convention: 'torchsummary', inputBytes: 602112, forwardBackwardBytes: 160295424, paramBytes: 3504872 * 4 });
    m.totalBytes = m.inputBytes + m.forwardBackwardBytes + m.paramBytes;
    const expected = ['Input size (MB): 0.57', 'Forward/backward pass size (MB): 152.87', 'Params size (MB): 13.37', 'Estimated Total Size (MB): 166.81'];
    expect(text(m)).toEqual(expected);
    expect(text(m, 'iec')).toEqual(expected);
  });

  it('default: our lines with SI or IEC units, measured peak only when present', () => {
    const m = mem({ convention: 'default', inputBytes: 602112, activationBytes: 1e6, forwardBackwardBytes: 2e6, paramBytes: 14019488, totalBytes: 16621600, peakActivationBytes: 400000 });
    expect(memoryLines(m, 'si')).toEqual([
      ['Input size', '602.11 kB'],
      ['Activations (forward)', '1.00 MB'],
      ['Forward/backward (training est.)', '2.00 MB'],
      ['Params size', '14.02 MB'],
      ['Estimated total', '16.62 MB'],
      ['Peak activations (liveness)', '400.00 kB'],
    ]);
    expect(memoryLines({ ...m, measuredPeakBytes: 1048576 }, 'iec').at(-1)).toEqual(['Measured peak (runtime)', '1.00 MiB']);
  });

  it('rounds ties half to even as Python does', () => {
    expect(pythonFixed2(0.125)).toBe('0.12');
    expect(pythonFixed2(0.375)).toBe('0.38');
    expect(pythonFixed2(2.625)).toBe('2.62');
    expect(pythonFixed2(1.005)).toBe('1.00');
    expect(pythonFixed2(147.352)).toBe('147.35');
  });
});

describe('parseColumns', () => {
  it('accepts our names, torchinfo names and short aliases', () => {
    expect(parseColumns('input,output,params')).toEqual(['inputShape', 'outputShape', 'params']);
    expect(parseColumns('input_size, output_size num_params mult_adds kernel_size trainable')).toEqual([
      'inputShape', 'outputShape', 'params', 'macs', 'kernel', 'trainable',
    ]);
    expect(parseColumns('Params,%,bytes,MACS,params')).toEqual(['params', 'paramsPercent', 'outputBytes', 'macs']);
  });
  it('throws INVALID_OPTION on unknown or empty lists', () => {
    for (const bad of ['input,flops', '', ' , ']) {
      try {
        parseColumns(bad);
        expect.unreachable();
      } catch (e) {
        expect(ModelSummaryError.isInstance(e)).toBe(true);
        expect((e as ModelSummaryError).code).toBe('INVALID_OPTION');
      }
    }
    expect(() => parseColumns('input,flops')).toThrow(/Unknown column "flops"/);
  });
  it('formatSummary rejects unknown formats, columns and units', () => {
    expect(() => formatSummary(smallCnn, { format: 'yaml' as OutputFormat })).toThrow(/Unknown format/);
    expect(() => formatSummary(smallCnn, { columns: ['flops' as ColumnName] })).toThrow(/Unknown column/);
    expect(() => formatSummary(smallCnn, { units: 'binary' as 'si' })).toThrow(/units/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Random pre-order trees with random params / MACs; totals from the rows. */
const summaryArb = fc
  .array(
    fc.record({
      up: fc.nat({ max: 3 }),
      down: fc.boolean(),
      params: fc.oneof(fc.constant(0), fc.nat({ max: 5_000_000 })),
      macs: fc.option(fc.nat({ max: 1e9 }), { nil: undefined }),
      executed: fc.boolean(),
      repeat: fc.boolean(),
      name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('卷积层', 'a,"b"', 'ｘ\u0301y', '')),
    }),
    { maxLength: 40 },
  )
  .map((specs) => {
    const layers: LayerRow[] = [];
    const stack: LayerRow[] = [];
    specs.forEach((s, i) => {
      // Move up `up` levels or one level down (under the previous row).
      if (s.down && layers.length > 0 && stack.length < 6) stack.push(layers[layers.length - 1]!);
      else stack.length = Math.max(0, stack.length - s.up);
      const parent = stack[stack.length - 1];
      const r = row({
        id: `n${i}`,
        name: s.name,
        type: 'T',
        depth: stack.length,
        ...(parent ? { parentId: parent.id } : {}),
        params: s.repeat ? 0 : s.params,
        trainableParams: s.repeat ? 0 : Math.floor(s.params / 2),
        paramBytes: s.repeat ? 0 : s.params * 4,
        callIndex: s.repeat ? 1 : 0,
        executed: s.executed,
        outputShapes: s.executed ? [[1, i]] : [],
        ...(s.macs === undefined ? {} : { macs: s.macs }),
      });
      if (parent) parent.isContainer = true;
      layers.push(r);
    });
    return finish(
      {
        model: { name: 'random', format: 'test', runtime: 'test' },
        device: 'cpu',
        batchSize: 1,
        inputs: [],
        layers,
        memory: { convention: 'default', inputBytes: 0, activationBytes: 0, forwardBackwardBytes: 0, paramBytes: 0, totalBytes: 0, peakActivationBytes: 0 },
        warnings: [],
      },
      true,
    );
  });

describe('properties', () => {
  it('Σ visible params column = totals.params at any depth (csv and rows)', () => {
    fc.assert(
      fc.property(summaryArb, fc.integer({ min: 1, max: 8 }), fc.boolean(), (s, depth, foldRepeats) => {
        const params = csvColumn(formatSummary(s, { format: 'csv', depth, columns: ['params'] }), 'params');
        expect(params.reduce((sum, p) => sum + Number(p), 0)).toBe(s.totals.params);
        const rows = visibleRows(s, depth, { foldRepeats });
        expect(rows.every((v) => v.row.depth + 1 <= depth)).toBe(true);
        expect(rows.reduce((sum, v) => sum + v.params, 0)).toBe(s.totals.params);
        expect(rows.reduce((sum, v) => sum + (v.trainableParams ?? 0), 0)).toBe(s.totals.trainableParams ?? 0);
      }),
      { numRuns: 300 },
    );
  });

  it('tables of random summaries keep an even grid and valid JSON', () => {
    fc.assert(
      fc.property(summaryArb, fc.nat({ max: 7 }), fc.boolean(), (s, depth, ascii) => {
        const grid = gridLines(formatSummary(s, { depth, ascii, columns: ALL_COLUMNS }));
        expect(new Set(grid.map((l) => stringWidth(l))).size).toBe(1);
        expect(validateSummaryJSON(toJSON(s))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('torchinfo convention with unknown MACs', () => {
  it('keeps torchinfo’s number and says it is a lower bound', () => {
    const s = finish({ ...mnistTorchinfo, layers: [...mnistTorchinfo.layers, row({ id: 'x', name: 'x', type: 'Custom' })] }, true);
    expect(formatSummary(s)).toContain('Total mult-adds (k): 487.60 (lower bound: 1 layer with unknown MACs not counted)\n');
  });
});

describe('the format registry (OUTPUT_FORMATS)', () => {
  const names = OUTPUT_FORMATS.map((f) => f.name);
  const OPTION_NAMES: FormatOptionName[] = ['depth', 'columns', 'ascii', 'units', 'maxWidth', 'foldRepeats'];

  it('lists each format once, table first (the default), with a one-line description', () => {
    expect(names).toEqual(['table', 'markdown', 'csv', 'html', 'json']);
    const spellings = OUTPUT_FORMATS.flatMap((f) => [f.name, ...f.aliases]);
    expect(new Set(spellings).size).toBe(spellings.length);
    for (const f of OUTPUT_FORMATS) {
      expect(f.description, f.name).toMatch(/^\S.{10,80}$/);
      for (const o of f.options) expect(OPTION_NAMES, f.name).toContain(o);
    }
    expect(formatSummary(smallCnn)).toBe(formatSummary(smallCnn, { format: names[0] }));
  });

  it('formatSummary renders every format through its descriptor', () => {
    for (const f of OUTPUT_FORMATS) {
      const view = { depth: 1, columns: ALL_COLUMNS, ascii: true, units: 'iec' as const };
      const options = Object.fromEntries(f.options.filter((o) => o !== 'maxWidth').map((o) => [o, view[o as keyof typeof view]]));
      expect(formatSummary(sharedMulti, { format: f.name, ...options }), f.name).toBe(
        f.render(sharedMulti, { depth: Number.POSITIVE_INFINITY, columns: DEFAULT_COLUMNS, ascii: false, units: 'si', ...options }),
      );
    }
  });

  it('an unknown format is INVALID_OPTION listing every registered format', () => {
    try {
      formatSummary(smallCnn, { format: 'yaml' as OutputFormat });
      expect.unreachable();
    } catch (e) {
      expect(ModelSummaryError.isInstance(e)).toBe(true);
      const error = e as ModelSummaryError;
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toBe(`Unknown format "yaml"; choose among ${names.join(', ')}.`);
      expect(error.details).toMatchObject({ option: 'format', value: 'yaml', allowed: names });
    }
  });

  it('a format that reads no option gets none checked; the others get every option checked', () => {
    const json = OUTPUT_FORMATS.filter((f) => f.options.length === 0).map((f) => f.name);
    expect(json).toEqual(['json']);
    expect(() => formatSummary(smallCnn, { format: 'json', depth: -1, units: 'bits' as 'si' })).not.toThrow();
    for (const f of OUTPUT_FORMATS.filter((x) => x.options.length > 0)) {
      expect(() => formatSummary(smallCnn, { format: f.name, units: 'bits' as 'si' }), f.name).toThrow(/units/);
      expect(() => formatSummary(smallCnn, { format: f.name, depth: -1 }), f.name).toThrow(/depth/);
    }
  });
});

describe('schema v1: one table per object, read by toJSON and by the validator', () => {
  /** Every object path of a document with its keys: `$`, `$.model`, `$.layers[0]`, ... */
  function objects(value: unknown, path = '$', out: [string, Record<string, unknown>][] = []) {
    if (Array.isArray(value)) value.forEach((v, i) => objects(v, `${path}[${i}]`, out));
    else if (typeof value === 'object' && value !== null) {
      out.push([path, value as Record<string, unknown>]);
      for (const [k, v] of Object.entries(value)) objects(v, `${path}.${k}`, out);
    }
    return out;
  }
  const OPTIONAL = new Set(['parentId', 'trainableParams', 'nonTrainableParams', 'sharedWith', 'measuredPeakBytes']);

  it('every key toJSON writes is one the validator knows, and every required one it misses is a problem', () => {
    const doc = toJSON(smallCnn);
    const found = objects(doc);
    expect(found.length).toBeGreaterThan(10);
    for (const [path, obj] of found) {
      for (const key of Object.keys(obj)) {
        const copy = structuredClone(doc) as unknown as Record<string, unknown>;
        const target = objects(copy).find(([p]) => p === path)![1];
        delete target[key];
        const problems = validateSummaryJSON(copy);
        if (OPTIONAL.has(key)) continue;
        expect(problems.some((p) => p.startsWith(`${path}.${key}`)), `${path}.${key}: ${problems.join('; ')}`).toBe(true);
      }
      const copy = structuredClone(doc) as unknown as Record<string, unknown>;
      objects(copy).find(([p]) => p === path)![1].surplus = 1;
      expect(validateSummaryJSON(copy), path).toEqual([`${path}.surplus: unknown key`]);
    }
  });
});
