import { chmodSync, readFileSync } from 'node:fs';
import { OUTPUT_FORMATS } from '@modelsummary/core';
import { packageBuild } from '../../tsup.preset.js';
import { formatInfo } from './src/format-info.js';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default packageBuild({
  // bin.ts starts with `#!/usr/bin/env node` (esbuild keeps an entry's hashbang).
  entry: { bin: 'src/bin.ts', index: 'src/index.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  platform: 'node',
  // Heavy modules (core's formatters, adapters, runtimes) are imported lazily: chunks keep
  // `--version` / `--help` from loading them.
  splitting: true,
  // Core's format registry as data (built before the CLI: turbo's ^build), so `--help` and the
  // `--format` check need no core at run time.
  define: { __MODELSUMMARY_CLI_VERSION__: JSON.stringify(pkg.version), __MODELSUMMARY_FORMATS__: JSON.stringify(formatInfo(OUTPUT_FORMATS)) },
  // Executable, so `node_modules/.bin/modelsummary` works from the workspace link too.
  onSuccess: async () => chmodSync('dist/bin.js', 0o755),
});
