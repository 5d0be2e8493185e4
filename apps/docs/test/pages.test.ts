/**
 * The pages stay true to the code: the reference comparison is regenerated from real runs, the CLI
 * page lists exactly the CLI's flags, the API page lists every runtime export, every included
 * snippet exists. `UPDATE_DOCS=1` rewrites the generated table instead of failing.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DOCS, REPO } from './helpers.js';
import { referenceTable, testReference } from './reference-table.js';

const page = (name: string) => readFileSync(join(DOCS, 'guide', `${name}.md`), 'utf8');
const allPages = () => [
  ...readdirSync(join(DOCS, 'guide')).map((f) => join(DOCS, 'guide', f)),
  join(DOCS, 'index.md'),
  join(DOCS, 'playground.md'),
];

describe('docs pages match the code', () => {
  testReference('Memory and MACs: the side-by-side table equals a fresh run on the reference models', async () => {
    const file = join(DOCS, 'guide', 'memory-and-macs.md');
    const text = readFileSync(file, 'utf8');
    const re = /(<!-- reference-table:start -->\n)([\s\S]*?)(<!-- reference-table:end -->)/;
    expect(text).toMatch(re);
    const table = await referenceTable();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(file, text.replace(re, `$1${table}\n$3`));
    else expect(text.match(re)![2]!.trim(), 'run with UPDATE_DOCS=1 to regenerate').toBe(table);
  }, 120_000);

  test('CLI reference: every flag of `modelsummary --help` is documented, and no other', async () => {
    const { HELP } = (await import(join(REPO, 'packages/cli/src/help.ts'))) as { HELP: string };
    const flags = (text: string) => new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => `--${m[1]}`));
    const inHelp = flags(HELP);
    const onPage = flags(page('cli'));
    expect([...inHelp].filter((f) => !onPage.has(f)), 'flags missing from cli.md').toEqual([]);
    expect([...onPage].filter((f) => !inHelp.has(f)), 'flags on cli.md that the CLI does not have').toEqual([]);
  });

  test('API reference: every runtime export of every public entry point is listed', async () => {
    const text = page('api');
    const entries: Record<string, () => Promise<Record<string, unknown>>> = {
      '@modelsummary/core': () => import('@modelsummary/core'),
      '@modelsummary/core/testing': () => import('@modelsummary/core/testing'),
      '@modelsummary/adapter-onnx': () => import('@modelsummary/adapter-onnx'),
      '@modelsummary/adapter-onnx/node': () => import('@modelsummary/adapter-onnx/node'),
      '@modelsummary/adapter-tfjs': () => import('@modelsummary/adapter-tfjs'),
      '@modelsummary/adapter-tfjs/node': () => import('@modelsummary/adapter-tfjs/node'),
      '@modelsummary/cli': () => import('@modelsummary/cli'),
    };
    const missing: string[] = [];
    for (const [entry, load] of Object.entries(entries)) {
      expect(text, entry).toContain(`## \`${entry}\``);
      for (const name of Object.keys(await load())) {
        if (name === 'default') continue;
        if (!new RegExp(`\`${name}\\b|^### ${name}$`, 'm').test(text)) missing.push(`${entry}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every included snippet exists, and every snippet is included somewhere', () => {
    const included = new Set<string>();
    for (const file of allPages()) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^<<< @\/([^\s#{]+)/gm)) {
        expect(existsSync(join(DOCS, m[1]!)), `${file}: ${m[1]}`).toBe(true);
        included.add(m[1]!);
      }
    }
    for (const f of readdirSync(join(DOCS, 'snippets'))) expect(included.has(`snippets/${f}`), `snippets/${f} is not shown on any page`).toBe(true);
  });
});
