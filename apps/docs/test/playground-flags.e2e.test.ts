/**
 * The playground's options field in Debian's Chromium (built site): a model that needs input values
 * and dims fails first, the error's button puts the flags core suggests in the field, the user
 * fills them in and runs again; a bad flag is core's INVALID_OPTION; `?example=…&flags=…` fills the
 * field and a copied link carries it; an ONNX model with external data picked with its data file,
 * picked without it, and fetched by URL (its data file fetched beside it). Expected values come
 * from the CLI's `--format json` with the same flags. Screenshots (1280 / 390 px, light / dark) go
 * to artifacts/playground/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, expectedSummary } from './helpers.js';
import { ensureBuilt, expectResult, launch, openPlayground, runsOf, serveSite, shoot, shownTotals, snapshotOfSite, totalsOf, waitForOutcome, type Browser, type Site } from './browser.js';

const REAL = join(REPO, 'packages/adapter-onnx/test/fixtures/real');
const GPT2_MERGED = join(REAL, 'gpt2_merged.onnx');
const BERT_EXTERNAL = join(REAL, 'bert_external.onnx');
const EXAMPLE = 'examples/models/mnist-cnn.onnx';

let site: Site;
/** Another origin with CORS, serving the ONNX adapter's real models (bert_external.onnx and its .data). */
let other: Site;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureBuilt();
  site = await serveSite(snapshotOfSite());
  other = await serveSite(REAL, { cors: true });
  browser = await launch(site.base);
  page = browser.page;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await other?.close();
});

const field = '[data-testid="flags-input"]';
const errorText = async () => (await page.textContent('[data-testid="error"]')) ?? '';

/** Picks files (as the file picker does) and waits for the run they start. */
async function pick(files: string[]): Promise<'result' | 'error'> {
  const before = await runsOf(page);
  await page.setInputFiles('[data-testid="file-input"]', files);
  return waitForOutcome(page, before);
}

describe('the options field, in Chromium (built site)', () => {
  test('a model that needs flags fails, the suggested flags fill the field, the completed flags run', async () => {
    const flags = ['--dim', 'sequence_length=3', '--dim', 'past_sequence_length=5', '--input', 'use_cache_branch=true'];
    const expected = await expectedSummary(GPT2_MERGED, flags);
    await openPlayground(page, site.base);
    expect(await page.inputValue(field)).toBe('');

    expect(await pick([GPT2_MERGED])).toBe('error');
    expect(await errorText()).toMatch(/gpt2_merged\.onnx.*set them with --dim sequence_length=N --dim past_sequence_length=N/s);
    await shoot(page, '30-flags-suggested');
    await page.click('[data-testid="use-suggested-flags"]');
    // Core's wording: the dims left at their default, then the non-float inputs that got mock values.
    expect(await page.inputValue(field)).toBe(
      '--dim sequence_length=N --dim past_sequence_length=N --input input_ids=VALUE --input attention_mask=VALUE --input use_cache_branch=VALUE',
    );
    const focus = await page.evaluate(() => {
      const input = document.activeElement as HTMLInputElement;
      return { testid: input.dataset.testid, selected: input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0), at: input.selectionStart };
    });
    expect(focus).toEqual({ testid: 'flags-input', selected: 'N', at: '--dim sequence_length='.length });

    // Typing replaces the selected N; a VALUE left in is core's INVALID_OPTION, with no suggestion to take.
    await page.keyboard.type('3');
    expect(await page.inputValue(field)).toMatch(/^--dim sequence_length=3 --dim past_sequence_length=N /);
    let before = await runsOf(page);
    await page.click('[data-testid="rerun"]');
    expect(await waitForOutcome(page, before)).toBe('error');
    expect(await errorText()).toMatch(/INVALID_OPTION: --dim "past_sequence_length=N": the value must be a whole number/);
    expect(await page.locator('[data-testid="use-suggested-flags"]').count()).toBe(0);

    // The user gives the past length and the branch, drops the inputs whose mock values are fine, presses Enter.
    await page.fill(field, flags.join(' '));
    before = await runsOf(page);
    await page.press(field, 'Enter');
    await expectResult(page, 'gpt2_merged.onnx with flags', before);
    expect(await shownTotals(page)).toEqual(totalsOf(expected.json));
    const inputs = await page.$$eval('[data-testid="inputs"] .ms-sig', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()));
    expect(inputs).toEqual(expected.json.inputs.map((i) => `${i.name} [${i.shape.join(', ')}] ${i.dtype}`));
    const outputs = await page.$$eval('[data-testid="outputs"] .ms-sig code', (els) => els.map((e) => e.textContent));
    expect(outputs).toEqual((expected.json.outputs ?? []).map((o) => (o.graphName ? `${o.name} (${o.graphName})` : o.name)));
    expect(expected.json.defaultedDims ?? []).toEqual([]);
    expect(await page.locator('[data-testid="open-dims"]').count()).toBe(0);
    await shoot(page, '31-flags-result');
  }, 300_000);

  test('a bad flag is an inline INVALID_OPTION naming it', async () => {
    await openPlayground(page, site.base);
    await page.fill(field, '--dims sequence_length=3');
    expect(await pick([GPT2_MERGED])).toBe('error');
    expect(await errorText()).toContain('INVALID_OPTION: "--dims": expected --input, --dim or --batch');
  }, 120_000);

  test('open dims are listed with their flags, and can be put in the field', async () => {
    const expected = await expectedSummary(join(REAL, 'bert_tiny.onnx'));
    const open = expected.json.defaultedDims ?? [];
    expect(open.length, 'bert_tiny.onnx leaves dims open without flags').toBeGreaterThan(0);
    await openPlayground(page, site.base);
    expect(await pick([join(REAL, 'bert_tiny.onnx')])).toBe('result');
    const shown = await page.$$eval('[data-testid="open-dims"] .ms-sig', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()));
    expect(shown).toEqual(open.map((d) => `${d.name}=${d.value} (${d.flag})`));
    await shoot(page, '32-open-dims');
    await page.click('[data-testid="use-open-dims"]');
    expect(await page.inputValue(field)).toBe(open.map((d) => d.flag).join(' '));
  }, 120_000);

  test('?example=…&flags=… fills the field and runs with it; a copied link carries the flags', async () => {
    const flags = '--batch 3';
    const expected = await expectedSummary(join(REPO, EXAMPLE), ['--batch', '3']);
    const before = 0;
    await openPlayground(page, site.base, `?example=${encodeURIComponent(EXAMPLE)}&flags=${encodeURIComponent(flags)}`);
    expect(await page.inputValue(field)).toBe(flags);
    await expectResult(page, 'the example with --batch 3', before);
    expect((await page.textContent('[data-testid="batch"]'))?.trim()).toBe('batch 3');
    expect(await shownTotals(page)).toEqual(totalsOf(expected.json));
    expect(expected.json.batchSize).toBe(3);
    await page.click('[data-testid="copy-link"]');
    const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(link.searchParams.get('example')).toBe(EXAMPLE);
    expect(link.searchParams.get('flags')).toBe(flags);
  }, 120_000);

  test('an ONNX model picked with its external data file gives the CLI totals; without it, the error says what to select', async () => {
    const expected = await expectedSummary(BERT_EXTERNAL);
    await openPlayground(page, site.base);
    expect(await pick([BERT_EXTERNAL, `${BERT_EXTERNAL}.data`])).toBe('result');
    await expectResult(page, 'bert_external.onnx + .data');
    expect(await shownTotals(page)).toEqual(totalsOf(expected.json));
    expect(await page.textContent('[data-testid="status"]')).toContain('bert_external.onnx + 1 data file');

    expect(await pick([BERT_EXTERNAL])).toBe('error');
    expect(await errorText()).toContain(
      'bert_external.onnx keeps its weights in bert_external.onnx.data, which was not given. Select bert_external.onnx together with bert_external.onnx.data.',
    );
    expect(await pick([join(REAL, 'bert_tiny.onnx'), `${BERT_EXTERNAL}.data`])).toBe('error');
    expect(await errorText()).toContain('bert_external.onnx.data: not external data of bert_tiny.onnx (it keeps all its weights inside the .onnx file).');
  }, 180_000);

  test('?model= an ONNX URL with external data fetches the data file beside it', async () => {
    const expected = await expectedSummary(BERT_EXTERNAL);
    const url = `${other.base}/bert_external.onnx`;
    await openPlayground(page, site.base, `?model=${encodeURIComponent(url)}`);
    await expectResult(page, 'bert_external.onnx by URL');
    expect(await shownTotals(page)).toEqual(totalsOf(expected.json));
    expect(other.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/bert_external.onnx', '/bert_external.onnx.data']));
  }, 120_000);

  test('the page logged no errors of its own', () => {
    expect(browser.consoleErrors).toEqual([]);
    expect(site.notFound).toEqual([]);
  });
});
