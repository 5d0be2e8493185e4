/**
 * Where the reference models are, and what a test that needs them does when they are not there.
 * Every package's tests use this (one rule): `../shared/reference` beside the repository, or
 * `$MODELSUMMARY_SHARED/reference`. When the folder is missing, a reference test FAILS under CI
 * (`CI` set and not `0` / `false`), with a message naming the folder; elsewhere it is skipped,
 * with a loud warning and a skipped placeholder test that names the folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'vitest';

/** `../shared/reference` beside the repository (MODELSUMMARY_SHARED overrides `../shared`). */
export const REFERENCE_DIR = process.env.MODELSUMMARY_SHARED
  ? join(process.env.MODELSUMMARY_SHARED, 'reference')
  : fileURLToPath(new URL('../../../../shared/reference', import.meta.url));

/** True under CI (`.ci/run` sets CI=true): missing reference models are a failure there. */
export const IN_CI = ((ci) => ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false')(process.env.CI);

const warned = new Set<string>();

/**
 * True when `needs` (the reference folder, or a path inside it) exists. When it does not, registers
 * one test under `title` in the current file: failing under CI, skipped elsewhere (and warns once).
 */
export function referenceAvailable(title: string, needs: string = REFERENCE_DIR): boolean {
  if (existsSync(needs)) return true;
  const what = needs === REFERENCE_DIR ? `the reference folder ${REFERENCE_DIR}` : `${needs} (in the reference folder ${REFERENCE_DIR})`;
  const message = `${what} is missing: the reference tests need it (../shared/reference beside the repository, or MODELSUMMARY_SHARED=<dir holding reference/>)`;
  if (!warned.has(needs)) {
    warned.add(needs);
    console.warn(`\n!!! ${message}. ${IN_CI ? 'CI: the reference tests FAIL.' : 'The reference tests are SKIPPED (under CI=true they fail).'}\n`);
  }
  if (IN_CI) {
    test(`${title}: needs ${needs}`, () => {
      throw new Error(message);
    });
  } else {
    test.skip(`${title}: SKIPPED, ${needs} is missing`, () => {});
  }
  return false;
}

/** `describe` for tests that read the reference models: runs them, or fails (CI) / skips without the folder. */
export function describeReference(title: string, fn: () => void, needs: string = REFERENCE_DIR): void {
  if (referenceAvailable(title, needs)) describe(title, fn);
}

/** `test` for one test that reads the reference models: runs it, or fails (CI) / skips without the folder. */
export function testReference(title: string, fn: () => unknown, timeout?: number, needs: string = REFERENCE_DIR): void {
  if (referenceAvailable(title, needs)) test(title, fn as () => Promise<void>, timeout);
}
