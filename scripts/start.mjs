#!/usr/bin/env node
// `npm start`: builds the CLI and what it depends on, then summarizes a bundled example model
// (examples/models/mnist-cnn.onnx, built by examples/build.mjs and committed). Extra arguments go
// to the CLI: `npm start -- --format markdown`, `npm start -- examples/models/tfjs-cnn/model.json`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.env.TURBO_TELEMETRY_DISABLED = '1';

const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@modelsummary/cli...', '--output-logs=errors-only'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: process.env,
});
if (build.status !== 0) {
  console.error('npm start: the build failed (npx turbo run build --filter=@modelsummary/cli...)');
  process.exit(build.status ?? 1);
}

const args = process.argv.slice(2);
const hasModel = args.some((a) => !a.startsWith('-'));
const example = 'examples/models/mnist-cnn.onnx';
if (!hasModel && !existsSync(`${root}${example}`)) {
  console.error(`npm start: ${example} is missing; run node examples/build.mjs`);
  process.exit(1);
}
const cli = spawnSync(process.execPath, ['packages/cli/dist/bin.js', ...(hasModel ? [] : [example]), ...args], { cwd: root, stdio: 'inherit' });
process.exit(cli.status ?? 1);
