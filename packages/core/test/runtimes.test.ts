import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = 'tests/runtimes/summary.mjs';
const built = existsSync(`${root}packages/core/dist/index.js`) && existsSync(`${root}packages/core/dist/testing/index.js`);

const runtimes: Record<string, string[]> = {
  node: [process.execPath, script],
  bun: [`${root}node_modules/.bin/bun`, script],
  deno: [`${root}node_modules/.bin/deno`, 'run', '--allow-read', '--allow-env', script],
};

function runIn(runtime: string): string {
  const [cmd, ...args] = runtimes[runtime] as string[];
  const result = spawnSync(cmd as string, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${runtime} exited ${result.status}: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

describe('the same JSON from Node, Bun and Deno (built packages)', () => {
  it('the packages are built (npm test builds them first)', () => {
    expect(built, 'packages/core/dist is missing: run `npm run build` (npm test does it)').toBe(true);
  });

  describe.runIf(built)('runtimes', () => {
    const outputs: Record<string, string> = {};
    it.each(Object.keys(runtimes))('%s prints a valid schema-v1 summary', (runtime) => {
      const out = runIn(runtime);
      const json = JSON.parse(out) as { schemaVersion: number; totals: { params: number }; layers: unknown[] };
      expect(json.schemaVersion).toBe(1);
      expect(json.totals.params).toBe(340);
      expect(json.layers).toHaveLength(5);
      outputs[runtime] = out;
    });
    it('Bun and Deno print exactly what Node prints', () => {
      expect(outputs.bun).toBe(outputs.node);
      expect(outputs.deno).toBe(outputs.node);
    });
  });
});
