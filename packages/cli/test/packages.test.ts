/**
 * What a consumer gets from npm: each package packed (`npm pack`), checked the way a consumer's
 * tools see it — its files and metadata, publint, Are the Types Wrong (profile esm-only: the
 * packages are ES modules, see the README), `require()` on Node ≥ 20.19 — and a TypeScript
 * project that installs the tarballs with npm type-checks with `strict` and `skipLibCheck: false`
 * under `nodenext` and `bundler` resolution. Every bare import of a dist is a dependency or peer
 * dependency of its package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './helpers.js';

const PACKAGES = ['core', 'adapter-onnx', 'adapter-tfjs', 'cli'] as const;
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NO_UPDATE_NOTIFIER: '1' };

// Outside the repository: the tarballs and their dependencies come from npm (the cache that
// `npm ci` filled, the registry for what it lacks), as in a consumer's project.
const work = mkdtempSync(join(tmpdir(), 'modelsummary-consumer-'));
const tarballs: Record<string, string> = {};
const manifests: Record<string, Record<string, unknown>> = {};
const packedFiles: Record<string, string[]> = {};

beforeAll(() => {
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@modelsummary/cli...', '--output-logs=errors-only'], { cwd: root, encoding: 'utf8', env, timeout: 300_000 });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr || build.stdout}`);
  const packs = join(work, 'packs');
  mkdirSync(packs);
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name);
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packs], { cwd: dir, encoding: 'utf8', env })) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarballs[name] = join(packs, info!.filename);
    packedFiles[name] = info!.files.map((f) => f.path);
    manifests[name] = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  }
  // The consumer: the four tarballs and @types/node (the version the repository uses), no install
  // scripts (onnxruntime-node, optional, is left out: its script downloads CUDA).
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const typesNode = JSON.parse(readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8')).version as string;
  const install = spawnSync(
    'npm',
    ['install', '--prefer-offline', '--ignore-scripts', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error', ...PACKAGES.map((n) => tarballs[n]!), `@types/node@${typesNode}`],
    { cwd: work, encoding: 'utf8', env, timeout: 300_000 },
  );
  if (install.status !== 0) throw new Error(`npm install of the tarballs failed: ${install.stderr}`);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe.each(PACKAGES)('@modelsummary/%s, as packed', (name) => {
  it('has LICENSE, README and the metadata a consumer reads', () => {
    expect(packedFiles[name]).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(readFileSync(join(work, 'node_modules/@modelsummary', name, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    const m = manifests[name]!;
    for (const key of ['description', 'license', 'repository', 'homepage', 'bugs', 'keywords', 'engines']) expect(m[key], key).toBeTruthy();
    expect((m.repository as { directory: string }).directory).toBe(`packages/${name}`);
    expect((m.engines as { node: string }).node).toBe('>=20.19');
  });

  it('publint: no finding', () => {
    const r = spawnSync(bin('publint'), ['run', tarballs[name]!, '--strict'], { encoding: 'utf8', env });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('All good!');
  });

  it('Are the Types Wrong (esm-only): no finding', () => {
    const r = spawnSync(bin('attw'), [tarballs[name]!, '--profile', 'esm-only', '--format', 'ascii'], { encoding: 'utf8', env });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('declares every package its dist imports', () => {
    const m = manifests[name]!;
    const declared = new Set(Object.keys({ ...(m.dependencies as object), ...(m.peerDependencies as object), ...(m.optionalDependencies as object) }));
    const dist = join(root, 'packages', name, 'dist');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const imported = new Set<string>();
    for (const f of files) {
      for (const match of readFileSync(join(dist, f), 'utf8').matchAll(/(?:\bfrom|\bimport\(|\brequire\()\s*["']([^"'./][^"']*)["']/g)) {
        const spec = match[1]!;
        if (spec.startsWith('node:')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(pkg) && !builtinModules.includes(pkg)) imported.add(pkg);
      }
    }
    expect([...imported].filter((p) => !declared.has(p)), 'imported but not declared').toEqual([]);
  });
});

describe('require() on Node >= 20.19', () => {
  it.each([
    ['@modelsummary/core', 'summarize'],
    ['@modelsummary/core/testing', 'testAdapter'],
    ['@modelsummary/adapter-onnx', 'onnxAdapter'],
    ['@modelsummary/adapter-tfjs', 'tfjsAdapter'],
  ])('require(%s)', (spec, name) => {
    const r = spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(spec)}); if (typeof m.${name} !== 'function') process.exit(3);`], { cwd: work, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
  });
  it('the JSON Schema: require(@modelsummary/core/schema.json)', () => {
    const r = spawnSync(process.execPath, ['-e', `const s = require('@modelsummary/core/schema.json'); if (s.properties.schemaVersion.const !== 1) process.exit(3);`], { cwd: work, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
  });
});

/** A consumer's code: the documented calls of every package. */
const CONSUMER = `import { formatSummary, summarize, toJSON, validateSummaryJSON, type HookableModel, type ModelSummary, type SummaryJSON } from '@modelsummary/core';
import { createMockModel, testAdapter } from '@modelsummary/core/testing';
import { onnxAdapter } from '@modelsummary/adapter-onnx';
import { onnxAdapterFromFile } from '@modelsummary/adapter-onnx/node';
import { tfjsAdapter } from '@modelsummary/adapter-tfjs';
import { main, EXIT, type CliIO } from '@modelsummary/cli';

export async function report(model: HookableModel): Promise<string> {
  const summary: ModelSummary = await summarize(model, { batchSize: 2, device: 'auto' });
  const json: SummaryJSON = toJSON(summary);
  const problems: string[] = validateSummaryJSON(json);
  return formatSummary(summary, { format: 'table', depth: 2, maxWidth: 80, foldRepeats: true }) + problems.join('\\n');
}

export const mock: HookableModel = createMockModel({ layers: [{ id: 'a', type: 'Dense', params: 4, paramBytes: 16 }] });
export const conformance: typeof testAdapter = testAdapter;
export const adapters = [onnxAdapter, onnxAdapterFromFile, tfjsAdapter] as const;
const io: CliIO = { stdout: { write: () => true }, stderr: { write: () => true } };
export const run = (): Promise<number> => main(['--version'], io).then((code) => (code === EXIT.OK ? 0 : code));
`;

describe('a TypeScript consumer project (strict, skipLibCheck: false)', () => {
  it.each([
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('type-checks under %s resolution', (label, resolution) => {
    const dir = join(work, `ts-${label}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${label}`, private: true, type: 'module' }));
    writeFileSync(join(dir, 'index.ts'), CONSUMER);
    const compilerOptions = { ...resolution, target: 'es2022', lib: ['es2023', 'dom'], strict: true, skipLibCheck: false, noEmit: true };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2));
    const r = spawnSync(bin('tsc'), ['-p', dir], { encoding: 'utf8', env, timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
