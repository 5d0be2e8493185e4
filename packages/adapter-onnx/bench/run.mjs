// Bundles bench/onnx-bench.ts (core from source) and runs it with Node.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
// inside the package, so that onnxruntime-node / -web resolve from node_modules
const cache = join(here, '..', 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const out = join(cache, 'onnx-bench.mjs');
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(here, 'onnx-bench.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: out,
  conditions: ['@modelsummary/source'],
  external: ['onnxruntime-node', 'onnxruntime-web'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
execFileSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: here });
