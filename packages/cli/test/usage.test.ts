/** Usage errors say what was meant: option typos get a suggestion, negative numbers their own message, names as the help writes them. */
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../src/argv.js';
import { exampleOnnx, run } from './helpers.js';

const cpu = ['--device', 'cpu'];

describe('usage errors', () => {
  it('an unknown option gets "did you mean"', async () => {
    const r = await run([exampleOnnx, '--frmat', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('modelsummary: error: unknown option --frmat; did you mean --format? (run modelsummary --help)\n');
    expect((await run([exampleOnnx, '--dpeth', '2'])).stderr).toContain('did you mean --depth?');
    expect((await run([exampleOnnx, '--width=70', '--asci'])).stderr).toContain('did you mean --ascii?');
    const far = await run([exampleOnnx, '--zzzzzz']);
    expect(far.stderr).toBe('modelsummary: error: unknown option --zzzzzz (run modelsummary --help)\n');
  });

  it('a negative number is reported as one, not as an unknown option', async () => {
    const depth = await run([exampleOnnx, '--depth', '-1']);
    expect(depth.code).toBe(2);
    expect(depth.stderr).toBe('modelsummary: error: --depth cannot be negative, got -1: it takes a non-negative integer\n');
    expect((await run([exampleOnnx, '--batch', '-2'])).stderr).toContain('--batch cannot be negative, got -2: it takes a positive integer');
    expect((await run([exampleOnnx, '--max-params=-5'])).stderr).toContain('--max-params cannot be negative');
    expect((await run([exampleOnnx, '--width', '-80'])).stderr).toContain('--width cannot be negative');
  });

  it('an unknown column is named as --columns names it, with a suggestion', async () => {
    const r = await run([exampleOnnx, ...cpu, '--columns', 'input,paramz']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown column "paramz"; choose among input, output, kernel, params, percent, trainable, macs, bytes (did you mean "params"?)');
    expect(r.stderr).not.toContain('paramsPercent');
  });

  it('--width and --expand', async () => {
    const narrow = await run([exampleOnnx, ...cpu, '--width', '72']);
    expect(narrow.code).toBe(0);
    for (const line of narrow.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(72);
    expect((await run([exampleOnnx, ...cpu, '--width', '0'])).stderr).toContain('--width must be a positive integer, got "0"');
    expect((await run([exampleOnnx, ...cpu, '--expand'])).code).toBe(0);
  });
});

describe('closest', () => {
  it('finds typos (a swap counts 1), not unrelated words', () => {
    expect(editDistance('--fromat', '--format')).toBe(1);
    expect(closest('--fromat', ['--format', '--depth'])).toBe('--format');
    expect(closest('--form', ['--format', '--depth'])).toBe('--format');
    expect(closest('--colums', ['--columns', '--no-color'])).toBe('--columns');
    expect(closest('--xyz', ['--format', '--depth'])).toBeUndefined();
  });
});
