/**
 * What the playground's browser tests share: the built site served on 127.0.0.1 (with a switch that
 * takes the server down, for the offline test, and a second origin for models fetched by URL),
 * Debian's Chromium through playwright-core, and screenshots at 1280 and 390 px in both themes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { SummaryJSON } from '@modelsummary/core';
import { DIST, DOCS, REPO } from './helpers.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'artifacts', 'playground');
export const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 390, height: 844 };
export const IN_CI = ((ci) => ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false')(process.env.CI);

if (!existsSync(CHROMIUM)) {
  throw new Error(
    `Chromium not found at ${CHROMIUM}: the docs playground e2e tests need it.\n` +
      `Install Debian's Chromium with:  apt-get install -y chromium   (or set CHROMIUM_PATH).`,
  );
}

/** The built site; built here when missing (the normal path is `turbo run build` before the tests). */
export function ensureBuilt(): void {
  if (existsSync(join(DIST, 'playground.html')) && existsSync(join(DIST, 'sw.js'))) return;
  const build = spawnSync(process.execPath, [join(REPO, 'node_modules', 'vitepress', 'bin', 'vitepress.js'), 'build'], { cwd: DOCS, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`vitepress build failed:\n${build.stdout}\n${build.stderr}`);
}

/** Content types of the built site's files. */
export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

export interface Site {
  base: string;
  /** Every path asked for, and the methods used. */
  requests: { method: string; path: string }[];
  notFound: string[];
  /** While true every connection is cut at once: the site is unreachable. */
  down: boolean;
  close(): Promise<void>;
}

/**
 * A copy of the built site taken now, so that a build running elsewhere meanwhile (it empties
 * .vitepress/dist first) cannot pull files from under a test. Removed when the process exits.
 */
export function snapshotOfSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ms-docs-site-'));
  cpSync(DIST, dir, { recursive: true });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A static server for `root` on 127.0.0.1; `cors` adds `Access-Control-Allow-Origin: *` (another origin's files). */
export async function serveSite(root: string, options: { cors?: boolean } = {}): Promise<Site> {
  const sockets = new Set<Socket>();
  const site: Site = { base: '', requests: [], notFound: [], down: false, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    if (site.down) {
      req.socket.destroy();
      return;
    }
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    site.requests.push({ method: req.method ?? 'GET', path: url });
    if (options.cors) res.setHeader('Access-Control-Allow-Origin', '*');
    let file = normalize(join(root, url));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (!existsSync(file)) {
      site.notFound.push(url);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    if (site.down) s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  site.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return site;
}

/** Sets the site unreachable (or back): every open connection is cut too. */
export function setDown(site: Site, down: boolean): void {
  site.down = down;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Chromium with its own profile (service workers, clipboard), one page, console errors collected. */
export async function launch(origin: string): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'ms-docs-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: WIDE, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    // Expected, from the runtimes themselves when a WebGPU pass fails and the page runs it again on
    // wasm: WebGPU's validation messages, and onnxruntime-web's log line for the failed kernel (it
    // logs at the run's level, which the ONNX adapter does not set). Anything else is the page's.
    if (m.type() === 'error' && !/WebGPU|\[Buffer|\[Queue\]|\[Device\]|\[E:onnxruntime:/.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return {
    context,
    page,
    consoleErrors,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function openPlayground(page: Page, base: string, search = ''): Promise<void> {
  await page.goto(`${base}/playground.html${search}`, { timeout: 120_000 });
  await page.waitForSelector('[data-testid="example-select"] option', { state: 'attached', timeout: 90_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="webgpu-support"]')?.textContent?.includes('checking'));
}

/** How many runs the page has finished (`data-runs`): take it before an action, wait past it after. */
export async function runsOf(page: Page): Promise<number> {
  return Number((await page.getAttribute('[data-testid="playground"]', 'data-runs')) ?? 0);
}

/** Waits for the run after `before` to finish; 'error' when it showed an error. */
export async function waitForOutcome(page: Page, before = 0, timeout = 240_000): Promise<'result' | 'error'> {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="playground"]')?.getAttribute('data-runs') ?? 0) > n, before, { timeout, polling: 200 });
  return (await page.locator('[data-testid="error"]').count()) > 0 ? 'error' : 'result';
}

export async function expectResult(page: Page, what: string, before = 0): Promise<void> {
  const outcome = await waitForOutcome(page, before);
  if (outcome === 'error') throw new Error(`${what}: the playground showed an error: ${await page.textContent('[data-testid="error"]')}`);
  await page.waitForSelector('[data-testid="render-time"]', { timeout: 60_000 });
}

/** The totals card, read from the text the user sees (`21,840` → 21840). */
export async function shownTotals(page: Page): Promise<Record<string, number | undefined>> {
  const entries = await page.$$eval('[data-testid="totals"] dd', (dds) => dds.map((dd) => [dd.getAttribute('data-key'), dd.textContent ?? '']));
  const out: Record<string, number | undefined> = {};
  for (const [key, text] of entries) {
    const digits = (text ?? '').replace(/[^0-9]/g, '');
    out[key as string] = (text ?? '').trim() === '--' || digits === '' ? undefined : Number(digits);
  }
  return out;
}

export function totalsOf(json: SummaryJSON): Record<string, number | undefined> {
  const t = json.totals as unknown as Record<string, number | undefined>;
  return { params: t.params, trainableParams: t.trainableParams ?? undefined, nonTrainableParams: t.nonTrainableParams ?? undefined, paramBytes: t.paramBytes, macs: t.macs };
}

/** Light or dark, as a visitor whose system asks for it (VitePress follows prefers-color-scheme). */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await page.waitForFunction((dark) => document.documentElement.classList.contains('dark') === dark, theme === 'dark');
}

/**
 * Screenshots of the whole page (or one element) at 1280 and 390 px, light and dark, into
 * artifacts/playground/. At 390 px nothing may stick out sideways.
 */
export async function shoot(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    for (const [size, viewport] of [
      ['1280', WIDE],
      ['390', NARROW],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(150);
      const path = join(ARTIFACTS, `${name}-${size}-${theme}.png`);
      if (selector) await page.locator(selector).first().screenshot({ path });
      else await page.screenshot({ path, fullPage: true });
      if (size === '390') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${name}: the page scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
      }
    }
  }
  await setTheme(page, 'light');
  await page.setViewportSize(WIDE);
}
