import { chmodSync, readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // bin.ts starts with `#!/usr/bin/env node` (esbuild keeps an entry's hashbang).
  entry: { bin: 'src/bin.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  target: 'es2022',
  platform: 'node',
  // Heavy modules (core's formatters, adapters, runtimes) are imported lazily: chunks keep
  // `--version` / `--help` from loading them.
  splitting: true,
  define: { __MODELSUMMARY_CLI_VERSION__: JSON.stringify(pkg.version) },
  // Executable, so `node_modules/.bin/modelsummary` works from the workspace link too.
  onSuccess: async () => chmodSync('dist/bin.js', 0o755),
});
