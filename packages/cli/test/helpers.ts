import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from '../src/index.js';
import { REFERENCE_DIR } from '../../core/test/reference-folder.js';

export { describeReference } from '../../core/test/reference-folder.js';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
/** `../shared/reference` beside the repository (MODELSUMMARY_SHARED overrides `../shared`): core's one rule. */
export const referenceDir = REFERENCE_DIR;
export const referenceModels = existsSync(`${referenceDir}/models`)
  ? readdirSync(`${referenceDir}/models`).filter((f) => f.endsWith('.onnx')).sort()
  : [];
export const exampleOnnx = `${root}examples/models/mnist-cnn.onnx`;
export const exampleTfjs = `${root}examples/models/tfjs-cnn/model.json`;

/** Runs the CLI in-process with buffers; `tty` makes stderr a terminal. */
export async function run(argv: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.tty === true, columns: 100 },
    env: { ...(opts.env ?? {}) },
    cwd: root,
  });
  return { code, stdout, stderr };
}
