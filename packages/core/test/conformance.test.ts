import { describe, expect, it } from 'vitest';
import type { HookableModel, LayerEvent } from '../src/contract.js';
import { conformanceChecks, createMockModel, testAdapter } from '../src/testing/index.js';
import { smallCnn, tricky } from './fixtures-models.js';

let live = 0;
const counted = (spec: Parameters<typeof createMockModel>[0]) => {
  const model = createMockModel(spec);
  const create = model.createMockInputs.bind(model);
  const dispose = model.disposeInputs.bind(model);
  return Object.assign(model, {
    createMockInputs: (...args: Parameters<typeof create>) => {
      const result = create(...args);
      live += (result as { tensors: unknown[] }).tensors.length;
      return result;
    },
    disposeInputs: (tensors: Parameters<typeof dispose>[0]) => {
      live -= tensors.length;
      return dispose(tensors);
    },
  });
};

await testAdapter({
  name: 'mock model',
  create: () => counted(tricky),
  createFailing: () => counted({ ...smallCnn, throwAt: 'relu' }),
  liveTensors: () => live,
  expect: { params: 125, trainableParams: 121, device: 'mock-gpu', minLayers: 4 },
});

/** Runs every check and returns the names of those that failed. */
async function failures(model: () => HookableModel, extra: Partial<Parameters<typeof conformanceChecks>[0]> = {}) {
  const failed: string[] = [];
  for (const check of conformanceChecks({ name: 'broken', create: model, ...extra })) {
    await check.run().catch(() => failed.push(check.name));
  }
  return failed;
}

describe('the conformance suite catches broken adapters', () => {
  it('an adapter that never removes its hooks', async () => {
    const broken = () => {
      const model = createMockModel(smallCnn);
      return { ...model, registerHooks: (onEvent: (e: LayerEvent) => void) => (model.registerHooks(onEvent), () => undefined) };
    };
    expect(await failures(broken)).toEqual(['removes its hooks after a successful pass and gives the same result twice']);
  });

  it('an adapter whose hooks stay installed in the runtime (activeHooks capability)', async () => {
    let installed = 0;
    const broken = () => {
      const model = createMockModel(smallCnn);
      return { ...model, registerHooks: (onEvent: (e: LayerEvent) => void) => ((installed += 1), model.registerHooks(onEvent)) };
    };
    expect(await failures(broken, { activeHooks: () => installed })).toEqual(['disposes every mock input it created, and frees tensors']);
  });

  it('an adapter that leaks mock tensors', async () => {
    let leaked = 0;
    const broken = () => {
      const model = createMockModel(smallCnn);
      return { ...model, createMockInputs: (...a: Parameters<typeof model.createMockInputs>) => ((leaked += 1), model.createMockInputs(...a)) };
    };
    expect(await failures(broken, { liveTensors: () => leaked })).toEqual(['disposes every mock input it created, and frees tensors']);
  });

  it('an adapter that reports wrong output bytes and lists a child before its parent', async () => {
    const broken = () =>
      createMockModel({
        layers: [
          { id: 'child', parentId: 'parent', outputs: [{ shape: [null, 2] }] },
          { id: 'parent', outputs: [{ shape: [null, 2], bytes: 3 }] },
        ],
      });
    const failed = await failures(broken);
    expect(failed).toContain('lists layers in pre-order with unique ids and valid params');
    expect(failed).toContain('summarizes, reports the device, and every output of every call');
  });

  it('an adapter whose failing pass throws an untyped error is still wrapped by core', async () => {
    expect(await failures(() => createMockModel(smallCnn), { createFailing: () => createMockModel({ ...smallCnn, throwAt: 'conv1' }) })).toEqual([]);
  });
});
