/**
 * The build every package shares (each `packages/*\/tsup.config.ts` adds its entries and what is
 * particular to it): ES modules for ES2022 with their `.d.ts`, a clean `dist/`.
 */
import { defineConfig, type Options } from 'tsup';

export function packageBuild(options: Options) {
  return defineConfig({ format: ['esm'], dts: true, clean: true, target: 'es2022', ...options });
}
