/** Runs fuzz cases through the built CLI in-process, one after another, posting each outcome. */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeCase } from './cases.mjs';

const { cliDist, root, family, seeds, tmp } = workerData;
const { main } = await import(cliDist);
const tf = await import('@tensorflow/tfjs-core');
/** Live tensors of the tfjs instance the CLI uses (without starting a backend). */
const liveTensors = () => tf.engine().state.numTensors;
const sources = {
  onnx: readFileSync(join(root, 'examples/models/mnist-cnn.onnx')),
  tfjsJson: JSON.parse(readFileSync(join(root, 'examples/models/tfjs-cnn/model.json'), 'utf8')),
  tfjsShard: readFileSync(join(root, 'examples/models/tfjs-cnn/group1-shard1of1.bin')),
};

for (const seed of seeds) {
  const dir = join(tmp, `${family}-${seed}`);
  parentPort.postMessage({ seed, started: true });
  const { args } = makeCase(family, seed, dir, sources);
  const before = readdirSync(dir, { recursive: true }).sort().join('\n');
  const tensorsBefore = liveTensors();
  let stdout = '';
  let stderr = '';
  let code;
  let threw;
  try {
    code = await main(args, {
      stdout: { write: (s) => (stdout += s), isTTY: false },
      stderr: { write: (s) => (stderr += s), isTTY: false, columns: 100 },
      env: {},
      cwd: dir,
    });
  } catch (error) {
    threw = String(error?.stack ?? error);
  }
  const after = readdirSync(dir, { recursive: true }).sort().join('\n');
  parentPort.postMessage({
    seed,
    args,
    code,
    threw,
    stderr,
    stdoutBytes: stdout.length,
    tensorsLeft: liveTensors() - tensorsBefore,
    filesChanged: before !== after,
  });
  rmSync(dir, { recursive: true, force: true });
}
parentPort.postMessage({ done: true });
