// The baseline a user would run anyway: load an .onnx file with onnxruntime-node (cpu) and run it once
// on zero-filled inputs (symbolic dims = 1). Used as a whole process by bench/cli.mjs.
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const session = await ort.InferenceSession.create(readFileSync(process.argv[2]), { executionProviders: ['cpu'] });
const feeds = {};
for (const m of session.inputMetadata) {
  const shape = m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  feeds[m.name] = new ort.Tensor(m.type, m.type === 'int64' ? new BigInt64Array(shape.reduce((a, b) => a * b, 1)) : new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
}
await session.run(feeds);
await session.release();
