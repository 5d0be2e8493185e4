#!/usr/bin/env node
// The README's test command: installs the system packages the tests need when they are missing
// (scripts/system-deps.mjs: Chromium, the Vulkan loader, Mesa's EGL / GLES), builds every package,
// type-checks them (one test), runs the vitest suites (which also spawn Bun and Deno against the
// built packages), and ends with one line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureSystemPackages } from './system-deps.mjs';

process.env.TURBO_TELEMETRY_DISABLED = '1';
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;

let passed = 0;
let failed = 0;

if (!ensureSystemPackages()) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) {
  console.error('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (run('npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']) === 0) passed += 1;
else {
  console.error('typecheck failed');
  failed += 1;
}

mkdirSync('artifacts', { recursive: true });
const report = 'artifacts/vitest-report.json';
rmSync(report, { force: true });
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  // Skipped tests are not failures, but they must not look like passes either.
  const skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  if (skipped > 0) console.log(`${skipped} skipped (the lines starting with !!! above say why)`);
  if (vitestStatus !== 0 && result.numFailedTests === 0) failed += 1;
} catch {
  failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
