/**
 * The code shown in the docs is these files (included with `<<< @/snippets/...`): each one runs here,
 * so a snippet that stops compiling or stops giving the numbers the page states fails the suite.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DOCS, REPO, summarizeInNode } from './helpers.js';

const ONNX_EXAMPLE = join(REPO, 'examples', 'models', 'mnist-cnn.onnx');

/** Imports a snippet as a module and returns what it printed. */
async function runSnippet(path: string): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  try {
    await import(/* @vite-ignore */ `${path}?t=${Date.now()}`);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

let cwd: string | undefined;
let scratch: string | undefined;
afterEach(() => {
  if (cwd) process.chdir(cwd);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  cwd = scratch = undefined;
});

/** A scratch folder holding the example ONNX model, made the working directory (the snippet reads `mnist-cnn.onnx`). */
function inScratchWithModel(): string {
  expect(existsSync(ONNX_EXAMPLE), `${ONNX_EXAMPLE} (examples/build.mjs makes it)`).toBe(true);
  scratch = mkdtempSync(join(tmpdir(), 'ms-docs-snippet-'));
  copyFileSync(ONNX_EXAMPLE, join(scratch, 'mnist-cnn.onnx'));
  cwd = process.cwd();
  process.chdir(scratch);
  return scratch;
}

describe('getting-started snippets run', () => {
  test('snippets/onnx-node.ts (onnxruntime-node) prints the table and the totals', async () => {
    inScratchWithModel();
    const out = await runSnippet(join(DOCS, 'snippets/onnx-node.ts'));
    const expected = await summarizeInNode(ONNX_EXAMPLE);
    expect(out).toContain('Total params');
    expect(out).toContain(`${expected.totals.params} params, ${expected.totals.macs} MACs, ran on `);
  }, 60_000);

  test('snippets/tfjs-node.ts (@tensorflow/tfjs) prints Markdown with 50,890 params', async () => {
    const out = await runSnippet(join(DOCS, 'snippets/tfjs-node.ts'));
    expect(out).toMatch(/^\| Layer/m);
    // 784·64 + 64 and 64·10 + 10
    expect(out).toContain('50890 params (50890 trainable) on ');
  }, 60_000);

  test('snippets/browser-onnx.ts runs (onnxruntime-web, wasm in Node) and returns the HTML table', async () => {
    const { summarizeFile } = (await import(join(DOCS, 'snippets/browser-onnx.ts'))) as typeof import('../snippets/browser-onnx.js');
    const file = new File([readFileSync(ONNX_EXAMPLE)], 'mnist-cnn.onnx');
    const { html, device } = await summarizeFile(file);
    expect(html).toContain('<table class="modelsummary">');
    expect(html).toContain('mnist-cnn');
    expect(device).toBe('wasm');
  }, 60_000);

  test('snippets/custom-adapter-usage.ts: 192 params, 384 mult-adds, on cpu', async () => {
    const out = await runSnippet(join(DOCS, 'snippets/custom-adapter-usage.ts'));
    expect(out).toMatch(/Total params: 192\b/);
    expect(out).toMatch(/Total mult-adds: 384\b/);
    expect(out).toMatch(/Device:\s+cpu/);
  });

  test('the custom adapter is about 40 lines', () => {
    const lines = readFileSync(join(DOCS, 'snippets/custom-adapter.ts'), 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThanOrEqual(60);
  });

  const bun = join(REPO, 'node_modules', '.bin', 'bun');
  test.skipIf(!existsSync(bun))('snippets/onnx-node.ts runs unchanged under Bun', () => {
    const dir = inScratchWithModel();
    const run = spawnSync(bun, ['--conditions=@modelsummary/source', join(DOCS, 'snippets/onnx-node.ts')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr + run.stdout).toContain('Total params');
    expect(run.status).toBe(0);
  }, 70_000);
});
