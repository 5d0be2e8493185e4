/**
 * The playground, end to end, in Debian's Chromium driven by playwright-core: the BUILT site
 * (apps/docs/.vitepress/dist, made by `turbo run build`) served on 127.0.0.1 by a static server
 * started here. Expected numbers come from the CLI's `--format json` on the same files (a failing
 * CLI fails the test); only when the CLI is not built (packages/cli/dist/bin.js), outside CI, from
 * core + the adapter run in Node (see helpers.ts; each test's log line says which). Under CI,
 * Chromium must offer WebGPU (SwiftShader): without it the suite fails, it does not skip the GPU
 * checks. Screenshots go to <repo>/artifacts/playground/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SummaryJSON } from '@modelsummary/core';
import { DIST, REPO, expectedSummary, type Expected } from './helpers.js';
import { ensureBuilt, serveSite, snapshotOfSite, type Site } from './browser.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO, 'artifacts', 'playground');
const ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const WIDE = { width: 1280, height: 900 };
/** CI (`.ci/run` installs chromium with its SwiftShader Vulkan driver): WebGPU is required there. */
const IN_CI = ((ci) => ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false')(process.env.CI);
const NARROW = { width: 390, height: 844 };

interface ExampleEntry {
  id: string;
  label: string;
  kind: 'onnx' | 'tfjs';
  files: string[];
}

if (!existsSync(CHROMIUM)) {
  // Loud on purpose: a missing browser must not look like a passing suite.
  throw new Error(
    `Chromium not found at ${CHROMIUM}: the docs playground e2e test needs it.\n` +
      `Install Debian's Chromium with:  apt-get install -y chromium   (or set CHROMIUM_PATH).\n` +
      `In CI, .ci/run installs it.`,
  );
}

/** The built site, copied at start (a build elsewhere empties .vitepress/dist while it runs). */
let SITE = DIST;
let site: Site;
let base = '';
let context: BrowserContext;
let page: Page;
let userDataDir = '';
let webgpuOffered = false;
const browserRequests: string[] = [];
const consoleErrors: string[] = [];
let examples: ExampleEntry[] = [];

beforeAll(async () => {
  ensureBuilt();
  SITE = snapshotOfSite();
  examples = JSON.parse(readFileSync(join(SITE, 'examples', 'index.json'), 'utf8')) as ExampleEntry[];
  mkdirSync(ARTIFACTS, { recursive: true });
  site = await serveSite(SITE);
  base = site.base;
  userDataDir = mkdtempSync(join(tmpdir(), 'ms-docs-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: WIDE,
    acceptDownloads: true,
    // The page's offline copy (a service worker) would answer requests page.route() is meant to
    // fail; the offline test (playground-explore.e2e.test.ts) runs with it.
    serviceWorkers: 'block',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  context.on('request', (r) => browserRequests.push(r.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
}, 240_000);

afterAll(async () => {
  await context?.close();
  await site?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function shoot(name: string): Promise<void> {
  await page.setViewportSize(WIDE);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize(NARROW);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-390.png`), fullPage: true });
  // Nothing may stick out sideways at 390 px except inside the scrollable table / chart boxes.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'page scrolls sideways at 390 px').toBeLessThanOrEqual(0);
  await page.setViewportSize(WIDE);
}

/** The totals card, read from the text the user sees (`21,840` → 21840). */
async function shownTotals(): Promise<Record<string, number | undefined>> {
  const entries = await page.$$eval('[data-testid="totals"] dd', (dds) => dds.map((dd) => [dd.getAttribute('data-key'), dd.textContent ?? '']));
  const out: Record<string, number | undefined> = {};
  for (const [key, text] of entries) {
    const digits = (text ?? '').replace(/[^0-9]/g, '');
    out[key as string] = (text ?? '').trim() === '--' || digits === '' ? undefined : Number(digits);
  }
  return out;
}

function totalsOf(json: SummaryJSON): Record<string, number | undefined> {
  const t = json.totals as unknown as Record<string, number | undefined>;
  return {
    params: t.params,
    trainableParams: t.trainableParams ?? undefined,
    nonTrainableParams: t.nonTrainableParams ?? undefined,
    paramBytes: t.paramBytes,
    macs: t.macs,
  };
}

async function openPlayground(): Promise<void> {
  await page.goto(`${base}/playground.html`);
  await page.waitForSelector('[data-testid="example-select"] option', { state: 'attached', timeout: 60_000 });
}

/** Whether the page's browser offers a WebGPU adapter. */
async function offersWebGPU(): Promise<boolean> {
  await openPlayground();
  return page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu ? (await gpu.requestAdapter()) != null : false;
  });
}

async function waitForOutcome(): Promise<'result' | 'error'> {
  const handle = await page.waitForSelector('[data-testid="result"], [data-testid="error"]', { timeout: 150_000 });
  return (await handle.getAttribute('data-testid')) as 'result' | 'error';
}

async function summarizeExample(kind: 'onnx' | 'tfjs'): Promise<{ example: ExampleEntry; expected: Expected; json: SummaryJSON }> {
  const example = examples.find((e) => e.kind === kind);
  expect(example, `a bundled ${kind} example in ${join(DIST, 'examples/index.json')} (examples/build.mjs makes them)`).toBeDefined();
  const expected = await expectedSummary(join(SITE, example!.files[0]!));
  console.log(`[docs e2e] ${example!.label}: expected totals from ${expected.via === 'cli' ? 'the CLI (packages/cli/dist, --format json)' : 'core + adapter in Node (CLI not built)'}`);
  await openPlayground();
  await page.selectOption('[data-testid="backend-select"]', 'auto');
  await page.selectOption('[data-testid="example-select"]', example!.id);
  await page.click('[data-testid="run-example"]');
  const outcome = await waitForOutcome();
  if (outcome === 'error') throw new Error(`the playground showed an error: ${await page.textContent('[data-testid="error"]')}`);

  const downloadPromise = page.waitForEvent('download');
  await page.click('[data-testid="download-json"]');
  const download = await downloadPromise;
  const json = JSON.parse(readFileSync((await download.path()) as string, 'utf8')) as SummaryJSON;
  return { example: example!, expected, json };
}

describe('docs playground in Chromium (built site)', () => {
  test('the playground page loads, and reports WebGPU as the browser offers it', async () => {
    webgpuOffered = await offersWebGPU();
    console.log(`[docs e2e] Chromium offers WebGPU: ${webgpuOffered}${webgpuOffered || IN_CI ? '' : ' — the webgpu checks below are SKIPPED (under CI=true this fails)'}`);
    await page.waitForFunction(() => !document.querySelector('[data-testid="webgpu-support"]')?.textContent?.includes('checking'));
    const support = await page.textContent('[data-testid="webgpu-support"]');
    expect(support).toContain(webgpuOffered ? 'available' : 'not available');
    expect(examples.some((e) => e.kind === 'onnx'), 'a bundled ONNX example').toBe(true);
    expect(examples.some((e) => e.kind === 'tfjs'), 'a bundled TF.js example').toBe(true);
    await shoot('00-empty');
  }, 120_000);

  test.runIf(IN_CI)('CI: Chromium offers WebGPU (SwiftShader, installed by .ci/run)', async () => {
    expect(await offersWebGPU(), `Chromium at ${CHROMIUM} (${ARGS.join(' ')}) offers no WebGPU adapter: CI requires it`).toBe(true);
  }, 120_000);

  test('summarizes the bundled ONNX example: totals equal the CLI JSON, device is webgpu when offered', async () => {
    const { expected, json } = await summarizeExample('onnx');
    expect(await shownTotals()).toEqual(totalsOf(expected.json));
    expect(totalsOf(json)).toEqual(totalsOf(expected.json));
    expect(json.memory).toMatchObject({ paramBytes: expected.json.memory.paramBytes, inputBytes: expected.json.memory.inputBytes });
    const device = (await page.textContent('[data-testid="device"]'))?.trim();
    expect(device).toBe(json.device);
    if (webgpuOffered) expect(device).toBe('webgpu');
    else expect(['wasm', 'webgl', 'cpu']).toContain(device);
    expect(await page.locator('[data-testid="table"] table.modelsummary tbody tr').count()).toBeGreaterThan(3);
    expect(await page.locator('[data-testid="treemap"] svg rect').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="memory-timeline"] svg path').count()).toBe(1);

    await page.click('[data-testid="copy-markdown"]');
    await page.waitForSelector('[data-testid="copied"]');
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    expect(clip).toContain('| Layer');
    expect(clip).toContain('Total params');
    await shoot('01-onnx');
  }, 240_000);

  test('summarizes the bundled TF.js example: totals equal the CLI JSON, device is webgpu when offered', async () => {
    const { expected, json } = await summarizeExample('tfjs');
    expect(await shownTotals()).toEqual(totalsOf(expected.json));
    expect(totalsOf(json)).toEqual(totalsOf(expected.json));
    const device = (await page.textContent('[data-testid="device"]'))?.trim();
    expect(device).toBe(json.device);
    if (webgpuOffered) expect(device).toBe('webgpu');
    else expect(['wasm', 'webgl', 'cpu']).toContain(device);
    await shoot('02-tfjs');
  }, 240_000);

  test('summarizing the TF.js example again leaves no tensors behind (the loaded model is disposed)', async () => {
    const example = examples.find((e) => e.kind === 'tfjs')!;
    // The engine hands `tf` to this object when it exists (see engine.ts loadTf); pages without it get nothing.
    await page.addInitScript(() => {
      (window as unknown as { __msPlaygroundDebug?: object }).__msPlaygroundDebug = {};
    });
    await openPlayground();
    await page.selectOption('[data-testid="backend-select"]', 'auto');
    await page.selectOption('[data-testid="example-select"]', example.id);
    const once = async (): Promise<{ numTensors: number; numBytes: number }> => {
      await page.click('[data-testid="run-example"]');
      await page.waitForSelector('[data-testid="run-example"]:not([disabled])', { timeout: 150_000 });
      if ((await waitForOutcome()) === 'error') throw new Error(`the playground showed an error: ${await page.textContent('[data-testid="error"]')}`);
      return page.evaluate(() => {
        const tf = (window as unknown as { __msPlaygroundDebug: { tf: { memory(): { numTensors: number; numBytes: number } } } }).__msPlaygroundDebug.tf;
        const m = tf.memory();
        return { numTensors: m.numTensors, numBytes: m.numBytes };
      });
    };
    const first = await once();
    const second = await once();
    const third = await once();
    console.log(`[docs e2e] tf.memory() after 3 runs of ${example.label}: ${[first, second, third].map((m) => `${m.numTensors} tensors / ${m.numBytes} B`).join(', ')}`);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  }, 300_000);

  test('auto falls back from a failing WebGPU to wasm with a warning (no DEVICE_UNAVAILABLE)', async () => {
    const example = examples.find((e) => e.kind === 'onnx')!;
    // A browser that offers a WebGPU adapter whose device cannot be created: the runtime's WebGPU start fails.
    const broken = await context.newPage();
    broken.on('pageerror', (e) => consoleErrors.push(String(e)));
    await broken.addInitScript(() => {
      const proto = (globalThis as { GPUAdapter?: { prototype: { requestDevice: unknown } } }).GPUAdapter?.prototype;
      if (proto) proto.requestDevice = () => Promise.reject(new Error('test: no WebGPU device'));
    });
    try {
      await broken.goto(`${base}/playground.html`);
      await broken.waitForSelector('[data-testid="example-select"] option', { state: 'attached', timeout: 60_000 });
      await broken.selectOption('[data-testid="backend-select"]', 'auto');
      await broken.selectOption('[data-testid="example-select"]', example.id);
      await broken.click('[data-testid="run-example"]');
      const handle = await broken.waitForSelector('[data-testid="result"], [data-testid="error"]', { timeout: 150_000 });
      if ((await handle.getAttribute('data-testid')) === 'error') throw new Error(`the playground showed an error: ${await broken.textContent('[data-testid="error"]')}`);
      expect((await broken.textContent('[data-testid="device"]'))?.trim()).toBe('wasm');
      expect(await broken.textContent('[data-testid="warnings"]')).toMatch(/device "auto".*wasm/);
    } finally {
      await broken.close();
    }
  }, 240_000);

  test('a playground chunk that fails to load shows an inline error, and the controls stay usable', async () => {
    const flaky = await context.newPage();
    const unhandled: string[] = [];
    flaky.on('pageerror', (e) => unhandled.push(String(e)));
    await flaky.route(/\/assets\/chunks\/engine\.[^/]*\.js$/, (route) => route.abort());
    try {
      await flaky.goto(`${base}/playground.html`);
      await flaky.waitForSelector('[data-testid="error"]', { timeout: 60_000 });
      expect(await flaky.textContent('[data-testid="error"]')).toMatch(/could not start.*could not be loaded/);
      expect(await flaky.textContent('[data-testid="webgpu-support"]')).toContain('unknown');
      // A file given now fails the same way (the browser keeps a failed module import), inline, and
      // the page is not left busy.
      const modelJson = readFileSync(join(SITE, examples.find((e) => e.kind === 'tfjs')!.files[0]!));
      await flaky.setInputFiles('[data-testid="file-input"]', { name: 'model.json', mimeType: 'application/json', buffer: modelJson });
      await flaky.waitForFunction(() => document.querySelector('[data-testid="error"]')?.textContent?.includes('Could not summarize model.json'), undefined, {
        timeout: 60_000,
      });
      expect(await flaky.textContent('[data-testid="error"]')).toContain('could not be loaded');
      expect(await flaky.isDisabled('[data-testid="backend-select"]')).toBe(false);
      expect(unhandled).toEqual([]);
    } finally {
      await flaky.close();
    }
  }, 120_000);

  test('a corrupt .onnx file shows an inline error', async () => {
    await openPlayground();
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    await page.setInputFiles('[data-testid="file-input"]', { name: 'corrupt.onnx', mimeType: 'application/octet-stream', buffer: garbage });
    expect(await waitForOutcome()).toBe('error');
    const text = (await page.textContent('[data-testid="error"]')) ?? '';
    expect(text).toContain('corrupt.onnx');
    expect(text).toMatch(/INVALID_MODEL/);
    await shoot('03-corrupt-onnx');
  }, 120_000);

  test('a model.json without its .bin shard shows an inline error naming the shard', async () => {
    const example = examples.find((e) => e.kind === 'tfjs')!;
    await openPlayground();
    const modelJson = readFileSync(join(SITE, example.files[0]!));
    await page.setInputFiles('[data-testid="file-input"]', { name: 'model.json', mimeType: 'application/json', buffer: modelJson });
    expect(await waitForOutcome()).toBe('error');
    const text = (await page.textContent('[data-testid="error"]')) ?? '';
    for (const shard of example.files.slice(1)) expect(text).toContain(shard.split('/').pop());
    await shoot('04-missing-shard');
  }, 120_000);

  test('everything was served by the site itself (no other origin was contacted)', async () => {
    expect(site.requests.some((r) => r.path.startsWith('/ort/') && r.path.endsWith('.wasm'))).toBe(true);
    const foreign = browserRequests.filter((u) => !u.startsWith(`${base}/`) && !/^(blob|data):/.test(u));
    expect(foreign).toEqual([]);
    expect(site.notFound).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
