import { defineConfig } from 'vitest/config';

const conditions = ['@modelsummary/source', 'module', 'node', 'import', 'default'];

const project = (name: string, dir: string, testTimeout = 30_000) => ({
  extends: true as const,
  test: { name, include: [`${dir}/test/**/*.test.ts`], testTimeout },
});

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@modelsummary/source'] } },
  test: {
    projects: [
      project('core', 'packages/core'),
      project('adapter-onnx', 'packages/adapter-onnx', 120_000),
      project('adapter-tfjs', 'packages/adapter-tfjs', 120_000),
      project('cli', 'packages/cli', 120_000),
      project('docs', 'apps/docs', 240_000),
    ],
  },
});
