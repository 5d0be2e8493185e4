/**
 * The built binary, spawned: Node, Bun and Deno print the same JSON; --version / --help load no
 * ML runtime (checked with a module-resolution hook) and start fast. Builds the CLI and its
 * dependencies once (turbo; a cache hit when `npm test` already built them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_FORMATS } from '@modelsummary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatInfo } from '../src/format-info.js';
import { formatHelp } from '../src/help.js';
import { referenceAvailable } from '../../core/test/reference-folder.js';
import { referenceDir, root } from './helpers.js';

const bin = 'packages/cli/dist/bin.js';
const model = 'examples/models/mnist-cnn.onnx';
const tfjsModel = 'examples/models/tfjs-cnn/model.json';
const env = { ...process.env, NO_COLOR: '1', TURBO_TELEMETRY_DISABLED: '1' };

const runtimes: Record<string, string[]> = {
  node: [process.execPath, bin],
  bun: [`${root}node_modules/.bin/bun`, bin],
  deno: [`${root}node_modules/.bin/deno`, 'run', '-A', bin],
};

function spawn(cmd: string[], args: string[]) {
  const [exe, ...pre] = cmd as [string, ...string[]];
  return spawnSync(exe, [...pre, ...args], { cwd: root, encoding: 'utf8', env, timeout: 120_000 });
}

beforeAll(() => {
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@modelsummary/cli...', '--output-logs=errors-only'], {
    cwd: root,
    encoding: 'utf8',
    env,
    timeout: 300_000,
  });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr || build.stdout}`);
}, 300_000);

describe('the documented invocations: npx, bunx, deno run npm:', () => {
  const invocations: Record<string, string[]> = {
    'npx modelsummary': ['npx', '--no-install', 'modelsummary'],
    'bunx modelsummary': [`${root}node_modules/.bin/bunx`, 'modelsummary'],
    'deno run -A npm:@modelsummary/cli': [`${root}node_modules/.bin/deno`, 'run', '-A', 'npm:@modelsummary/cli'],
  };
  it('print the same JSON for the ONNX example', () => {
    const outputs = Object.entries(invocations).map(([name, cmd]) => {
      const r = spawn(cmd, [model, '--format', 'json', '--device', 'cpu']);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      return r.stdout;
    });
    expect(JSON.parse(outputs[0]!).totals.params).toBe(9_098);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });
});

describe('the built binary on Node, Bun and Deno', () => {
  const outputs: Record<string, string> = {};
  it.each(Object.keys(runtimes))('%s: ONNX and TF.js examples as JSON, exit 0', (name) => {
    let out = '';
    for (const m of [model, tfjsModel]) {
      const r = spawn(runtimes[name]!, [m, '--format', 'json', '--device', 'cpu']);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
      out += r.stdout;
    }
    outputs[name] = out;
  });
  it('Bun and Deno print exactly what Node prints', () => {
    expect(outputs.node).toBeTruthy();
    expect(outputs.bun).toBe(outputs.node);
    expect(outputs.deno).toBe(outputs.node);
  });
  it('a usage error exits 2 with one line, on every runtime', () => {
    for (const name of Object.keys(runtimes)) {
      const r = spawn(runtimes[name]!, [model, '--batch', '0']);
      expect(r.status, name).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
  it('the default device (auto) works and says where it ran', () => {
    const r = spawn(runtimes.node!, [model]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Device:\s+\S+ \(onnxruntime-(node|web) /);
  });
});

describe('startup: --version and --help load no ML runtime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelsummary-hook-'));
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/onnxruntime|tensorflow|@modelsummary[\\\\/](core|adapter)|packages[\\\\/](core|adapter)/.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n');
  return r;
}\n`,
  );
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);

  it.each(['--version', '--help'])('%s', (flag) => {
    const r = spawnSync(process.execPath, ['--import', register, bin, flag], { cwd: root, encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('LOADED');
  });
  it('--help lists core’s formats all the same (the build inlines the registry)', () => {
    const r = spawnSync(process.execPath, [bin, '--help'], { cwd: root, encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${formatHelp(formatInfo(OUTPUT_FORMATS))}\n`);
    const bad = spawnSync(process.execPath, [bin, model, '--format', 'xml'], { cwd: root, encoding: 'utf8', env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`--format must be one of ${OUTPUT_FORMATS.map((f) => f.name).join(', ')}, got "xml"`);
  });
  it('the hook does see a real summary load them (the check above can fail)', () => {
    // --debug: in-process, so what the hook writes on stderr is not kept back (see quiet.ts).
    const r = spawnSync(process.execPath, ['--import', register, bin, model, '--static', '--format', 'json', '--debug'], { cwd: root, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('LOADED');
  });
});

describe('stderr: only the tool’s own lines', () => {
  it.each([model, tfjsModel])('the default device on %s: nothing on stderr', (m) => {
    const r = spawn(runtimes.node!, [m]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Total params');
  });
  it('a reader that stops early (| head -c 10) gets no error', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" ${bin} ${model} --format json --device cpu | head -c 10`], { cwd: root, encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('{\n  "schem');
    expect(r.stderr).toBe('');
  });

  // A stand-in for native code writing on fd 2 (Dawn, the Vulkan loader, onnxruntime's logger), in
  // the process that runs the model: the quiet child, or the one process of --debug.
  const dir = mkdtempSync(join(tmpdir(), 'modelsummary-noise-'));
  const noisy = join(dir, 'noisy.mjs');
  writeFileSync(
    noisy,
    `import { writeSync } from 'node:fs';
if (process.env.MODELSUMMARY_OWN_STDERR !== undefined || process.argv.includes('--debug')) {
  writeSync(2, 'Warning: vkCreateInstance: Found no drivers!\\n');
  if (process.env.NOISE_CRASH) process.kill(process.pid, 'SIGSEGV');
}
`,
  );
  const noisyRun = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', noisy, bin, ...args], { cwd: root, encoding: 'utf8', env: { ...env, ...extra } });

  it('what native code writes on fd 2 is kept back; the tool’s own errors are not', () => {
    const ok = noisyRun([model]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
    const bad = noisyRun(['missing.onnx']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('modelsummary: error: missing.onnx: no such file\n');
  });
  it('--debug shows it', () => {
    const r = noisyRun([model, '--debug']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('Found no drivers!');
  });
  it('a crash shows it, and says how the process died', () => {
    const r = noisyRun([model], { NOISE_CRASH: '1' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Found no drivers!');
    expect(r.stderr).toContain('modelsummary: error: the process was killed by SIGSEGV');
  });
});

describe('--device cpu: one process, onnxruntime’s logger off', () => {
  // Every node process of a run appends a line to this file (a preload): the quiet child makes two.
  const dir = mkdtempSync(join(tmpdir(), 'modelsummary-procs-'));
  const count = join(dir, 'count.mjs');
  writeFileSync(count, `import { appendFileSync } from 'node:fs';\nappendFileSync(process.env.PROCS_FILE, process.pid + '\\n');\n`);
  let k = 0;
  const counted = (args: string[]) => {
    const file = join(dir, `procs${k++}`);
    const r = spawnSync(process.execPath, ['--import', count, bin, ...args], { cwd: root, encoding: 'utf8', env: { ...env, PROCS_FILE: file }, timeout: 120_000 });
    return { ...r, processes: existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length : 0 };
  };
  // A merged decoder without --dim: onnxruntime fails inside its If, and its logger would say so natively.
  const failing = 'packages/adapter-onnx/test/fixtures/real/gpt2_merged.onnx';

  it('runs in one process; the default device and --runtime web keep the quiet child', () => {
    expect(counted([model, '--device', 'cpu']).processes).toBe(1);
    expect(counted([model, '--device=CPU', '--format', 'json']).processes).toBe(1);
    expect(counted([model]).processes).toBe(2);
    expect(counted([model, '--device', 'cpu', '--runtime', 'web']).processes).toBe(2);
  });
  it('a kernel that fails: one line of ours on stderr, nothing from onnxruntime', () => {
    const r = counted([failing, '--device', 'cpu']);
    expect(r.processes).toBe(1);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^modelsummary: error: .*gpt2_merged\.onnx: forward pass failed/);
  });
  it('the logger is off for onnxruntime-web too, in one process (the check can fail: --debug keeps it on)', () => {
    const inProcess = (args: string[]) =>
      spawnSync(process.execPath, [bin, failing, '--device', 'cpu', '--runtime', 'web', ...args], { cwd: root, encoding: 'utf8', env: { ...env, MODELSUMMARY_IN_PROCESS: '1' }, timeout: 120_000 });
    const quiet = inProcess([]);
    expect(quiet.status).toBe(1);
    expect(quiet.stderr.trim().split('\n'), quiet.stderr).toHaveLength(1);
    expect(inProcess(['--debug']).stderr).toMatch(/\[E:onnxruntime:/);
  });
});

describe('an 80×24 terminal (a pty from util-linux `script`)', () => {
  const mobilenet = join(referenceDir, 'models/mobilenet_v2.onnx');
  /** What the terminal shows: the CLI run in a pty of 80×24, the progress line's erasures applied. */
  const inTerminal = (args: string[]) => {
    const command = `stty cols 80 rows 24; "${process.execPath}" ${bin} ${args.map((a) => `'${a}'`).join(' ')}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, encoding: 'utf8', env, timeout: 120_000 });
    const lines = r.stdout.replace(/\r/g, '').split('\n').map((l) => l.slice(l.lastIndexOf('\x1b[K') + 1).replace(/^\[K/, ''));
    return { status: r.status, lines };
  };
  if (referenceAvailable('mobilenet_v2 in 80 columns', mobilenet)) it('mobilenet_v2: no line over 80 columns, every op type shown', () => {
    const { status, lines } = inTerminal([mobilenet, '--device', 'cpu']);
    expect(status).toBe(0);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    const json = JSON.parse(spawn(runtimes.node!, [mobilenet, '--device', 'cpu', '--format', 'json']).stdout);
    const text = lines.join('\n');
    for (const type of new Set<string>(json.layers.map((l: { type: string }) => l.type))) expect(text, type).toMatch(new RegExp(`\\b${type}\\b`));
    expect(text).toMatch(/×2 \(scope\)/); // identical blocks folded
  });
  it('--depth 1 shows only depth-1 rows; --width applies off a terminal; not a terminal: full width', () => {
    const { lines } = inTerminal([model, '--device', 'cpu', '--depth', '1']);
    const idx = lines.flatMap((l) => [...l.matchAll(/: (\d+)-\d+/g)].map((m) => m[1]));
    expect(idx.length).toBeGreaterThan(0);
    expect(new Set(idx)).toEqual(new Set(['1']));
    const piped = spawn(runtimes.node!, [model, '--device', 'cpu']).stdout;
    expect(piped).toContain('├─features (scope): 1-1');
    expect(Math.max(...piped.split('\n').map((l) => [...l].length))).toBeGreaterThan(80);
    const narrow = spawn(runtimes.node!, [model, '--device', 'cpu', '--width', '60']).stdout;
    for (const line of narrow.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(60);
  });
});

describe('--batch on a model with a fixed batch', () => {
  const fixed = join(referenceDir, 'models/mnist_net.onnx');
  if (referenceAvailable('--batch on a fixed batch', fixed)) it('warns, naming the input and its batch', () => {
    const r = spawn(runtimes.node!, [fixed, '--device', 'cpu', '--batch', '8']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Batch size: 1');
    expect(r.stdout).toMatch(/Warning: batch size 8 cannot apply: input "input" has a fixed batch of 1 \(\[1, 1, 28, 28\]\)/);
    // The example's batch is symbolic: there it applies, without a warning.
    const symbolic = spawn(runtimes.node!, [model, '--device', 'cpu', '--batch', '8']).stdout;
    expect(symbolic).toContain('Batch size: 8');
    expect(symbolic).not.toContain('cannot apply');
  });
});

describe('examples/build.mjs', () => {
  it('reproduces the committed example models byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'modelsummary-examples-'));
    const r = spawnSync(process.execPath, ['examples/build.mjs', '--out', out], { cwd: root, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const files = ['mnist-cnn.onnx', ...readdirSync(join(root, 'examples/models/tfjs-cnn')).map((f) => `tfjs-cnn/${f}`)];
    expect(files.length).toBe(3);
    for (const f of files) {
      expect(existsSync(join(out, f)), f).toBe(true);
      expect(Buffer.compare(readFileSync(join(out, f)), readFileSync(join(root, 'examples/models', f))), f).toBe(0);
    }
  });
});
