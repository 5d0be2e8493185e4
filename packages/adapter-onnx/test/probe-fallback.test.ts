import { describe, expect, test } from 'vitest';
import { summarize, type ModelSummary } from '@modelsummary/core';
import { onnxAdapter } from '../src/index.js';
import { SHAPES_OUTPUT } from '../src/proto.js';
import type { OrtModule } from '../src/runtime.js';
import { MODELS_DIR, countingOrt, describeReference, modelBytes, ortNode } from './helpers.js';

const marker = new TextEncoder().encode(SHAPES_OUTPUT);
const holdsProbes = (bytes: Uint8Array): boolean => {
  outer: for (let i = 0; i + marker.length <= bytes.length; i += 1) {
    for (let k = 0; k < marker.length; k += 1) if (bytes[i + k] !== marker[k]) continue outer;
    return true;
  }
  return false;
};

/** An onnxruntime that refuses probed models at create time, or fails their run with a probe error. */
function refusingProbes(ort: OrtModule, when: 'create' | 'run'): OrtModule {
  return {
    ...ort,
    InferenceSession: {
      async create(bytes: Uint8Array, options: unknown) {
        const probed = holdsProbes(bytes);
        if (probed && when === 'create') throw new Error('this provider cannot run Shape');
        const session = await ort.InferenceSession.create(bytes, options as never);
        if (probed && when === 'run') {
          (session as { run: unknown }).run = async () => {
            throw new Error(`Non-zero status code returned while running Shape node. Name:'${SHAPES_OUTPUT}_probe_0'`);
          };
        }
        return session;
      },
    } as OrtModule['InferenceSession'],
  };
}

const rows = (s: ModelSummary) => JSON.stringify(s.layers.map((l) => [l.id, l.inputShapes, l.outputShapes, l.outputDTypes, l.params, l.macs]));

describeReference('shape probes fall back to fetching every output', () => {
  test.each(['create', 'run'] as const)('a runtime that fails the probes at %s gives the same rows, sessions released', async (when) => {
    const plain = await onnxAdapter(modelBytes('mobilenet_v2'), { ort: ortNode });
    const expected = await summarize(plain, { device: 'cpu' });
    await plain.dispose();
    const counting = countingOrt(refusingProbes(ortNode, when));
    const model = await onnxAdapter(modelBytes('mobilenet_v2'), { ort: counting.ort });
    const got = await summarize(model, { device: 'cpu' });
    await model.dispose();
    expect(rows(got)).toBe(rows(expected));
    expect(got.totals).toEqual(expected.totals);
    expect(counting.live()).toBe(0);
    expect(counting.created()).toBe(when === 'create' ? 1 : 2);
  });
}, MODELS_DIR);
