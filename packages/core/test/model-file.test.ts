import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelSummaryError } from '../src/errors.js';
import { toJSON } from '../src/format/index.js';
import { detectModelFile, type ModelFileProblem } from '../src/model-file.js';
import { smallCnn } from './fixtures/summaries.js';

const examples = fileURLToPath(new URL('../../../examples/models/', import.meta.url));
const onnx = new Uint8Array(readFileSync(`${examples}mnist-cnn.onnx`));
const modelJson = new Uint8Array(readFileSync(`${examples}tfjs-cnn/model.json`));
const shard = new Uint8Array(readFileSync(`${examples}tfjs-cnn/group1-shard1of1.bin`));
const summaryJson = new TextEncoder().encode(JSON.stringify(toJSON(smallCnn), null, 2));

function refusal(content: Uint8Array | string, name: string): { message: string; problem: ModelFileProblem } {
  try {
    detectModelFile(content, name);
  } catch (e) {
    expect(ModelSummaryError.isInstance(e)).toBe(true);
    const error = e as ModelSummaryError;
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.details.file).toBe(name);
    return { message: error.message, problem: error.details.problem as ModelFileProblem };
  }
  return expect.unreachable('no error');
}

describe('detectModelFile (the one model-file detection: CLI and playground)', () => {
  it('tells the example ONNX file, TF.js model.json and a saved summary apart by content', () => {
    expect(detectModelFile(onnx, 'mnist-cnn.onnx')).toEqual({ kind: 'onnx' });
    const tfjs = detectModelFile(modelJson, 'model.json');
    expect(tfjs.kind).toBe('tfjs');
    expect(tfjs.kind === 'tfjs' && tfjs.json).toEqual(JSON.parse(new TextDecoder().decode(modelJson)));
    const summary = detectModelFile(summaryJson, 'summary.json');
    expect(summary.kind).toBe('summary-json');
    expect(summary.kind === 'summary-json' && summary.json).toEqual(toJSON(smallCnn));
  });

  it('the content decides, not the name; text, a BOM and leading white space are fine', () => {
    expect(detectModelFile(modelJson, 'weights.onnx').kind).toBe('tfjs');
    expect(detectModelFile(onnx, 'model').kind).toBe('onnx');
    expect(detectModelFile(`\uFEFF \n\t${new TextDecoder().decode(modelJson)}`, 'model.json').kind).toBe('tfjs');
    expect(detectModelFile(new Uint8Array([0xef, 0xbb, 0xbf, ...summaryJson]), 's.json').kind).toBe('summary-json');
    // Not JSON and not named .json: the ONNX decoder gets it (and names what is wrong).
    expect(detectModelFile(shard, 'group1-shard1of1.bin')).toEqual({ kind: 'onnx' });
  });

  it('refuses an empty file, broken JSON, JSON of neither kind, and a .json file that is not JSON', () => {
    expect(refusal(new Uint8Array(0), 'empty.onnx')).toEqual({ problem: 'empty', message: 'empty.onnx: the file is empty (0 bytes), not a model' });
    expect(refusal('', 'model.json').problem).toBe('empty');
    const broken = refusal(modelJson.subarray(0, modelJson.byteLength - 5), 'model.json');
    expect(broken.problem).toBe('bad-json');
    expect(broken.message).toMatch(/^model\.json: looks like JSON but does not parse \(.+\)$/);
    expect(refusal('{"format": "layers-model"}', 'x.json')).toEqual({
      problem: 'unknown-json',
      message: 'x.json: a JSON file that is neither a TF.js model.json (no "modelTopology") nor a modelsummary JSON summary',
    });
    expect(refusal('{"schemaVersion": 1}', 'partial.json').problem).toBe('unknown-json');
    expect(refusal(shard, 'model.json').problem).toBe('not-json');
    expect(refusal('[1, 2]', 'list.json').problem).toBe('not-json');
  });

  it('names the file in every message, with a default when none is given', () => {
    expect(() => detectModelFile(new Uint8Array(0))).toThrow(/^the file: the file is empty/);
  });
});

describe('a TF.js weights manifest without a topology (face-api ships them)', () => {
  const manifest = [{ paths: ['tiny_face_detector_model-shard1'], weights: [{ name: 'conv0/filters', shape: [3, 3, 3, 16], dtype: 'float32' }] }];
  it('is refused as a weights manifest, whatever the file is named', () => {
    for (const name of ['tiny_face_detector_model-weights_manifest.json', 'weights_manifest', 'model.bin']) {
      const { message, problem } = refusal(JSON.stringify(manifest), name);
      expect(problem, name).toBe('weights-manifest');
      expect(message).toMatch(/weights manifest .*no model topology/);
      expect(message).not.toMatch(/ONNX/);
    }
  });
  it('an object with weightsManifest and no modelTopology too', () => {
    const { problem } = refusal(JSON.stringify({ weightsManifest: manifest, format: 'layers-model' }), 'model.json');
    expect(problem).toBe('weights-manifest');
  });
  it('other JSON arrays keep their message', () => {
    expect(refusal('[1, 2]', 'x.json').problem).toBe('not-json');
  });
});
