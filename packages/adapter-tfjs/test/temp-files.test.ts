import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = join(import.meta.dirname, '../dist/node.js');
const xdgFolders = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('modelsummary-xdg-')));

function withoutXdg(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.XDG_RUNTIME_DIR;
  return env;
}

describe.runIf(existsSync(dist))('files left behind', () => {
  it('setupNodeWebGPU leaves no modelsummary-xdg-* folder in the temp dir once the process ends', () => {
    const before = xdgFolders();
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const { setupNodeWebGPU } = await import(${JSON.stringify(dist)}); console.log(JSON.stringify(await setupNodeWebGPU()));`],
      { encoding: 'utf8', env: withoutXdg(), stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(out).toMatch(/"available"/);
    const left = [...xdgFolders()].filter((f) => !before.has(f));
    expect(left).toEqual([]);
  });
});
