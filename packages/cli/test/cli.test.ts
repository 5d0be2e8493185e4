import { mkdtempSync, mkdirSync, copyFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSummaryJSON } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { describeReference, exampleOnnx, exampleTfjs, referenceDir, referenceModels, run } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'modelsummary-cli-'));
const cpu = ['--device', 'cpu'];

/** Exactly one line on stderr, starting with the program name. */
function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^modelsummary: /);
  expect(lines[0]).toMatch(pattern);
}

describe('help and version', () => {
  it('--version and -v print the version only', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
      expect(r.stderr).toBe('');
    }
  });
  it('--help shows every option and examples', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const o of ['--format', '--depth', '--columns', '--batch', '--input', '--dim', '--device', '--runtime', '--units', '--memory-convention', '--ascii', '--no-color', '--output', '--static', '--max-params', '--max-macs', '--max-memory', '--version', 'diff', 'Examples:', 'Exit codes']) {
      expect(r.stdout).toContain(o);
    }
  });
  it('no model is a usage error', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('bad input: one line on stderr, the right exit code, nothing on stdout', () => {
  mkdirSync(join(tmp, 'dir'));
  writeFileSync(join(tmp, 'empty.onnx'), '');
  let seed = 1;
  writeFileSync(join(tmp, 'random.onnx'), Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)));
  mkdirSync(join(tmp, 'noshard'));
  copyFileSync(exampleTfjs, join(tmp, 'noshard', 'model.json'));
  const cases: [string, string[], number, RegExp][] = [
    ['missing file', [join(tmp, 'nope.onnx')], 1, /nope\.onnx: no such file/],
    ['a directory', [join(tmp, 'dir')], 1, /is a directory/],
    ['an empty file', [join(tmp, 'empty.onnx')], 1, /empty\.onnx: the file is empty/],
    ['random bytes named .onnx', [join(tmp, 'random.onnx')], 1, /random\.onnx: not a valid ONNX model/],
    ['model.json with a missing shard', [join(tmp, 'noshard', 'model.json')], 1, /model\.json: weight shard "group1-shard1of1\.bin" is missing/],
    ['an unknown option', [exampleOnnx, '--frobnicate'], 2, /unknown option --frobnicate/],
    ['--input with a wrong name', [exampleOnnx, '--input', 'pixels:float32:1x1x28x28'], 2, /no input named "pixels".*image/],
    ['--input with a malformed shape', [exampleOnnx, '--input', 'image:float32:1x1xtwentyx28'], 2, /--input "image:float32:1x1xtwentyx28": dim "twenty"/],
    ['--input with the wrong rank', [exampleOnnx, '--input', 'image:float32:1x28x28'], 2, /input "image" takes 4 dims/],
    ['--batch 0', [exampleOnnx, '--batch', '0'], 2, /--batch must be a positive integer, got "0"/],
    ['--format unknown', [exampleOnnx, '--format', 'xml'], 2, /--format must be one of/],
    ['--columns unknown', [exampleOnnx, '--columns', 'input,colour'], 2, /Unknown column "colour"/],
    ['--max-input-bytes exceeded', [exampleOnnx, '--batch', '100000', '--max-input-bytes', '1MB'], 1, /over the limit of 1000000 bytes/],
    ['--static on a TF.js model', [exampleTfjs, '--static'], 2, /--static applies to ONNX models only/],
  ];
  it.each(cases)('%s', async (_name, argv, code, pattern) => {
    const r = await run([...argv, ...cpu]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr, pattern);
  });
  it('--debug adds the stack trace', async () => {
    const r = await run([join(tmp, 'random.onnx'), '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').length).toBeGreaterThan(3);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
  it('errors are red only on a colour terminal', async () => {
    expect((await run([join(tmp, 'nope.onnx')], { tty: true })).stderr).toContain('\x1b[31m');
    expect((await run([join(tmp, 'nope.onnx')], { tty: true, env: { NO_COLOR: '1' } })).stderr).not.toContain('\x1b[');
    expect((await run([join(tmp, 'nope.onnx'), '--no-color'], { tty: true })).stderr).not.toContain('\x1b[');
  });
});

describe('budgets (exit 3, the result still printed)', () => {
  it.each([
    [['--max-params', '1000'], /params 9,098 > --max-params 1,000/],
    [['--max-macs', '1k'], /mult-adds .* > --max-macs 1,000/],
    [['--max-memory', '1kB'], /estimated memory .* > --max-memory/],
  ])('%s', async (flags, pattern) => {
    const r = await run([exampleOnnx, ...cpu, '--format', 'json', ...flags]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).totals.params).toBe(9098);
    expectOneLine(r.stderr, pattern);
  });
  it('within budget: exit 0', async () => {
    const r = await run([exampleOnnx, ...cpu, '--max-params', '10k', '--max-macs', '1M', '--max-memory', '1MB']);
    expect(r.code).toBe(0);
  });
});

describe('the bundled examples', () => {
  it('ONNX: table with the runtime in the header, batch filled', async () => {
    const r = await run([exampleOnnx, ...cpu, '--batch', '4']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Device:\s+cpu \(onnxruntime-(node|web) \d/);
    expect(r.stdout).toMatch(/Batch size:\s+4/);
    expect(r.stdout).toContain('[4, 1, 28, 28]');
    expect(r.stdout).toContain('Total params: 9,098');
    expect(r.stderr).toBe(''); // no progress off a terminal
  });
  it('ONNX: json is schema v1, exactly', async () => {
    const r = await run([exampleOnnx, ...cpu, '--format', 'json']);
    const json = JSON.parse(r.stdout);
    expect(validateSummaryJSON(json)).toEqual([]);
    expect(json.device).toBe('cpu');
    expect(Object.keys(json)).toEqual(['schemaVersion', 'model', 'device', 'batchSize', 'inputs', 'outputs', 'layers', 'totals', 'memory', 'warnings']);
    expect(json.outputs.map((o: { name: string }) => o.name)).toEqual(['logits']);
  });
  it('ONNX --static runs nothing', async () => {
    const r = await run([exampleOnnx, '--static', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.device).toBe('none');
    expect(json.totals.params).toBe(9098);
  });
  it('ONNX on onnxruntime-web (wasm)', async () => {
    const r = await run([exampleOnnx, '--runtime', 'web', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).device).toBe('wasm');
  });
  it('TF.js layers model.json + shard', async () => {
    const r = await run([exampleTfjs, ...cpu, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(validateSummaryJSON(json)).toEqual([]);
    expect(json.model.format).toBe('tfjs-layers');
    expect(json.totals).toMatchObject({ params: 9098, trainableParams: 9098 });
    expect(r.stderr).toBe('');
  });
  it('every format, depth, columns, units, ascii, --output', async () => {
    for (const format of ['markdown', 'csv', 'html']) {
      const r = await run([exampleOnnx, ...cpu, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(100);
    }
    const shallow = await run([exampleOnnx, ...cpu, '--depth', '1', '--columns', 'output,params', '--units', 'iec', '--ascii']);
    expect(shallow.stdout).not.toContain('conv1');
    expect(shallow.stdout).toContain('features (scope): 1-1');
    expect(shallow.stdout).toMatch(/KiB/);
    expect(shallow.stdout).not.toMatch(/[^\x00-\x7f]/);
    const file = join(tmp, 'out.md');
    const written = await run([exampleOnnx, ...cpu, '--format', 'markdown', '--output', file]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('|');
  });
  it('progress goes to stderr only on a terminal, and is erased', async () => {
    const r = await run([exampleOnnx, ...cpu, '--format', 'json'], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('\r\x1b[K');
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
  });
});

describe('diff', () => {
  it('two models: table and JSON', async () => {
    const table = await run(['diff', exampleOnnx, exampleTfjs, ...cpu]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Layers: \d+ added, \d+ removed, \d+ changed, \d+ unchanged/);
    const json = JSON.parse((await run(['diff', exampleOnnx, exampleOnnx, ...cpu, '--format', 'json'])).stdout);
    expect(json.totals.params).toEqual({ a: 9098, b: 9098, delta: 0 });
    expect(json.layers).toMatchObject({ added: [], removed: [], changed: [] });
  });
  it('two JSON summaries: batch change shows as changed shapes and MACs', async () => {
    const a = join(tmp, 'a.json');
    const b = join(tmp, 'b.json');
    await run([exampleOnnx, ...cpu, '--format', 'json', '--output', a]);
    await run([exampleOnnx, ...cpu, '--format', 'json', '--output', b, '--batch', '2']);
    const r = await run(['diff', a, b, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.totals.macs.delta).toBe(d.totals.macs.a);
    expect(d.layers.changed.find((l: { id: string }) => l.id === '/features/conv1/Conv').changes.outputShapes).toEqual({ a: [[1, 8, 28, 28]], b: [[2, 8, 28, 28]] });
  });
  it('a broken JSON summary is an error naming the file', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, layers: 'no' }));
    const r = await run(['diff', bad, exampleOnnx]);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /bad\.json: not a valid modelsummary JSON summary/);
  });
});

describeReference('reference models (../shared/reference)', () => {
  it.each(referenceModels)('%s: --format json totals equal the reference', async (file) => {
    const name = file.replace(/\.onnx$/, '');
    // `mnist_net_dynamic` is mnist_net with a symbolic batch axis: same weights, same reference.
    const refName = existsSync(`${referenceDir}/${name}.json`) ? name : name.replace(/_dynamic$/, '');
    const reference = JSON.parse(readFileSync(`${referenceDir}/${refName}.json`, 'utf8'));
    const dynamic = refName !== name;
    const r = await run([`${referenceDir}/models/${file}`, ...cpu, '--format', 'json', ...(dynamic ? ['--batch', '3'] : [])]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(validateSummaryJSON(json)).toEqual([]);
    expect(json.totals.params).toBe(reference.onnx.initializer_elements_total);
    if (dynamic) expect(json.inputs[0].shape[0]).toBe(3);
  });

  const lines = (text: string, labels: string[]) => text.split('\n').filter((l) => labels.some((label) => l.startsWith(label)));
  const torchinfoLabels = ['Total mult-adds', 'Input size', 'Forward/backward pass size', 'Params size', 'Estimated Total Size'];
  it.each(['mnist_net', 'conv_no_bias'])('%s: --memory-convention torchinfo prints torchinfo’s lines and numbers', async (name) => {
    const r = await run([`${referenceDir}/models/${name}.onnx`, ...cpu, '--memory-convention', 'torchinfo']);
    expect(r.code, r.stderr).toBe(0);
    const expected = lines(readFileSync(`${referenceDir}/${name}.torchinfo.txt`, 'utf8'), torchinfoLabels);
    expect(expected.length).toBe(5);
    expect(lines(r.stdout, torchinfoLabels)).toEqual(expected);
  });
  it.each(['mnist_net', 'conv_no_bias'])('%s: --memory-convention torchsummary prints torchsummary’s lines in its (MB)', async (name) => {
    const r = await run([`${referenceDir}/models/${name}.onnx`, ...cpu, '--memory-convention', 'torchsummary']);
    expect(r.code, r.stderr).toBe(0);
    const ours = lines(r.stdout, ['Input size (MB)', 'Forward/backward pass size (MB)', 'Params size (MB)', 'Estimated Total Size (MB)']);
    expect(ours.map((l) => l.split(':')[0])).toEqual(['Input size (MB)', 'Forward/backward pass size (MB)', 'Params size (MB)', 'Estimated Total Size (MB)']);
    for (const l of ours) expect(l).toMatch(/: \d+\.\d\d$/);
    const theirs = lines(readFileSync(`${referenceDir}/${name}.torchsummary.txt`, 'utf8'), ['Input size (MB)', 'Params size (MB)']);
    expect(ours.filter((l) => /^(Input|Params) size/.test(l))).toEqual(theirs);
  });
}, `${referenceDir}/models`);
