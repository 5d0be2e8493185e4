import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeToLayer, ForwardPassError, ModelSummaryError } from '../src/errors.js';
import type { LayerEvent } from '../src/contract.js';
import { resolveInputs } from '../src/inputs.js';
import { peakLiveBytes } from '../src/memory.js';
import { summarize } from '../src/summarize.js';
import { createMockModel, type MockLayer } from '../src/testing/mock-model.js';
import { smallCnn, tricky } from './fixtures-models.js';

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(ModelSummaryError.isInstance(error)).toBe(true);
    return { code: (error as ModelSummaryError).code, message: (error as Error).message };
  }
  throw new Error('expected a rejection');
};

describe('summarize', () => {
  it('folds a nested model: depth, own params, totals = column sums, device and batch', async () => {
    const s = await summarize(createMockModel(smallCnn), { batchSize: 3 });
    expect(s.layers.map((r) => [r.id, r.depth, r.params])).toEqual([
      ['features', 0, 0],
      ['conv1', 1, 80],
      ['relu', 1, 0],
      ['head', 0, 2_890],
    ]);
    expect(s.totals).toMatchObject({ params: 2_970, trainableParams: 2_970, nonTrainableParams: 0, paramBytes: 11_880, macs: 21_322 });
    expect(s.device).toBe('mock-gpu');
    expect(s.batchSize).toBe(3);
    expect(s.inputs).toEqual([{ name: 'image', shape: [3, 1, 8, 8], dtype: 'float32', bytes: 768 }]);
    expect(s.layers.find((r) => r.id === 'head')?.outputShapes).toEqual([[3, 10]]);
    expect(s.layers.find((r) => r.id === 'features')).toMatchObject({ executed: true, isContainer: true, macs: 0 });
  });

  it('memory: dtype-exact, activations of leaves, forward/backward ×2, liveness peak from tensor names', async () => {
    const s = await summarize(createMockModel(smallCnn));
    const conv = 8 * 6 * 6 * 4;
    expect(s.memory).toMatchObject({
      convention: 'default',
      inputBytes: 256,
      activationBytes: conv + conv + 40,
      forwardBackwardBytes: 2 * (conv + conv + 40),
      paramBytes: 11_880,
      totalBytes: 256 + conv + conv + 40 + 11_880,
      peakActivationBytes: conv + conv,
    });
  });

  it('shared weights once, both calls of a shared layer, every output, never-executed layers marked', async () => {
    const s = await summarize(createMockModel(tricky));
    const shared = s.layers.filter((r) => r.id === 'shared');
    expect(shared.map((r) => [r.callIndex, r.params, r.macs])).toEqual([
      [0, 20, 20],
      [1, 0, 20],
    ]);
    expect(s.totals.params).toBe(20 + 4 + 96 + 5);
    expect(s.totals.trainableParams).toBe(20 + 96 + 5);
    expect(s.layers.find((r) => r.id === 'lstm')?.outputShapes).toHaveLength(3);
    expect(s.layers.find((r) => r.id === 'tied')?.sharedWith).toEqual(['shared']);
    expect(s.layers.find((r) => r.id === 'unused')).toMatchObject({ executed: false, params: 5, outputBytes: 0 });
    expect(s.warnings.join('\n')).toMatch(/1 layer\(s\) declared but never executed: unused/);
    expect(s.warnings.join('\n')).toMatch(/MACs unknown for 1 layer\(s\) \(LSTM\)/);
    expect(s.totals.unknownMacsLayers).toBe(1);
    expect(s.layers.find((r) => r.id === 'lstm')?.macs).toBeUndefined();
    expect(s.inputs.map((i) => i.bytes)).toEqual([16, 8]);
  });

  it('a throwing pass: typed error naming the layers that ran, hooks removed, inputs freed', async () => {
    const model = createMockModel({ ...smallCnn, throwAt: 'relu' });
    const error = await summarize(model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForwardPassError);
    expect((error as ForwardPassError).executedLayers).toEqual(['conv1']);
    expect((error as Error).message).toMatch(/after 1 layer\(s\) ran \(last: conv1\): mock layer "relu" failed on purpose/);
    expect(model.activeHooks()).toBe(0);
    expect(model.liveTensors()).toBe(0);
    model.setThrowAt(undefined);
    const ok = await summarize(model);
    expect(ok.layers.filter((r) => r.executed)).toHaveLength(4);
    expect(model.activeHooks()).toBe(0);
  });

  it('static mode: no mock inputs, static shapes, no "never executed" warning', async () => {
    const model = createMockModel({
      staticOnly: true,
      layers: [{ id: 'dense', type: 'Dense', params: 10, macs: 8, staticOutputShapes: [['batch', 2]], staticOutputDTypes: ['float32'] }],
    });
    const s = await summarize(model);
    expect(s.device).toBe('none');
    expect(model.liveTensors()).toBe(0);
    expect(s.layers[0]).toMatchObject({ executed: false, outputShapes: [['batch', 2]], provenance: { shape: 'static', macs: 'static' } });
    expect(s.warnings.join('\n')).toMatch(/static mode/);
    expect(s.warnings.join('\n')).not.toMatch(/never executed/);
  });

  it('rejects an unknown specification version with a named error', async () => {
    const model = { ...createMockModel(smallCnn), specificationVersion: 'v9' } as unknown as Parameters<typeof summarize>[0];
    expect(await codeOf(summarize(model))).toMatchObject({ code: 'UNSUPPORTED_SPEC_VERSION', message: expect.stringMatching(/"v9".*"v1"/) });
  });

  it('bad input: negative / fractional dims, unknown dtype, over the guard, unknown input name, bad batch', async () => {
    const model = createMockModel(smallCnn);
    expect(await codeOf(summarize(model, { inputs: [{ name: 'image', shape: [1, 1, -8, 8] }] }))).toMatchObject({
      code: 'INVALID_SHAPE',
      message: expect.stringMatching(/input "image" dim 2 must be a non-negative integer, got -8/),
    });
    expect(await codeOf(summarize(model, { inputs: [{ name: 'image', shape: [1, 1, 8.5, 8] }] }))).toMatchObject({ code: 'INVALID_SHAPE' });
    expect(await codeOf(summarize(model, { inputs: [{ name: 'image', shape: [1, 1, 8, 8], dtype: 'float24' }] }))).toMatchObject({
      code: 'UNKNOWN_DTYPE',
      message: expect.stringMatching(/unknown dtype "float24"/),
    });
    expect(await codeOf(summarize(model, { batchSize: 1_000_000, maxInputBytes: 1e6 }))).toMatchObject({
      code: 'INPUT_TOO_LARGE',
      message: expect.stringMatching(/256000000 bytes, over the limit of 1000000 bytes/),
    });
    expect(await codeOf(summarize(model, { inputs: [{ name: 'img', shape: [1, 1, 8, 8] }] }))).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/no input named "img" \(its inputs: image\)/),
    });
    expect(await codeOf(summarize(model, { inputs: [{ name: 'image', shape: [1, 8, 8] }] }))).toMatchObject({ code: 'INVALID_SHAPE' });
    expect(await codeOf(summarize(model, { batchSize: 0 }))).toMatchObject({ code: 'INVALID_OPTION' });
    expect(await codeOf(summarize(model, { inputs: [{ name: 'image', shape: [1e9, 1e9, 1e9, 8] }] }))).toMatchObject({ code: 'INPUT_TOO_LARGE' });
    expect(model.activeHooks()).toBe(0);
    expect(model.liveTensors()).toBe(0);
  });

  it('a default input guard of 2 GB', async () => {
    const model = createMockModel({ inputs: [{ name: 'x', shape: [null, 1024, 1024, 1024] }], layers: [{ id: 'a', outputs: [{ shape: [null] }] }] });
    expect(await codeOf(summarize(model))).toMatchObject({ code: 'INPUT_TOO_LARGE' });
  });

  it('errors carry a Symbol.for marker so isInstance works across package copies', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('modelsummary.error')]: true, code: 'INVALID_MODEL' });
    expect(ModelSummaryError.isInstance(foreign)).toBe(true);
    expect(ModelSummaryError.isInstance(new Error('x'))).toBe(false);
  });
});

describe('resolveInputs', () => {
  it('batch fills the leading symbolic dim; named dims; other symbols default to 1 with a warning', () => {
    const r = resolveInputs(
      [
        { name: 'ids', shape: ['batch', 'seq'], dtype: 'int64' },
        { name: 'mask', shape: ['batch', 'seq', 'heads'], dtype: 'bool' },
      ],
      { batchSize: 2, dims: { seq: 7 } },
    );
    expect(r.inputs.map((i) => [i.shape, i.bytes])).toEqual([
      [[2, 7], 112],
      [[2, 7, 1], 14],
    ]);
    expect(r.warnings).toEqual([expect.stringMatching(/symbolic dim "heads" \(input "mask" dim 2\) has no value: using 1; pass dims/)]);
  });
});

describe('peakLiveBytes', () => {
  it('keeps a tensor live until its last reader (skip connection)', () => {
    const ev = (id: string, out: string, ins: string[], bytes: number) => ({
      id,
      inputShapes: [],
      outputShapes: [[bytes / 4]],
      outputDTypes: ['float32'],
      outputBytes: bytes,
      inputNames: ins,
      outputNames: [out],
    });
    expect(peakLiveBytes([ev('a', 'x', [], 100), ev('b', 'y', ['x'], 40), ev('c', 'z', ['y'], 40), ev('d', 'w', ['z', 'x'], 8)])).toBe(100 + 40 + 40);
    expect(peakLiveBytes([ev('a', 'x', [], 100), ev('b', 'y', ['x'], 40), ev('c', 'z', ['y'], 40), ev('d', 'w', ['z'], 8)])).toBe(140);
  });
});

describe('property: totals equal column sums on random models', () => {
  const layerArb = fc.record({
    params: fc.nat(10_000),
    trainableShare: fc.double({ min: 0, max: 1, noNaN: true }),
    calls: fc.integer({ min: 0, max: 3 }),
    macs: fc.option(fc.nat(1e6), { nil: undefined }),
    parent: fc.nat(),
    outputs: fc.integer({ min: 1, max: 3 }),
  });
  it('Σ row params / paramBytes / macs = totals; trainable ≤ params', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(layerArb, { minLength: 1, maxLength: 40 }), async (specs) => {
        const layers: MockLayer[] = specs.map((s, i) => ({
          id: `l${i}`,
          ...(i > 0 && s.parent % 3 !== 0 ? { parentId: `l${s.parent % i}` } : {}),
          params: s.params,
          trainableParams: Math.floor(s.params * s.trainableShare),
          ...(s.macs === undefined ? {} : { macs: s.macs }),
          ...(s.calls === 0
            ? { skip: true }
            : { calls: Array.from({ length: s.calls }, () => ({ outputs: Array.from({ length: s.outputs }, () => ({ shape: [null, 3] })) })) }),
        }));
        const summary = await summarize(createMockModel({ layers }));
        const sum = (f: (r: (typeof summary.layers)[number]) => number) => summary.layers.reduce((a, r) => a + f(r), 0);
        expect(sum((r) => r.params)).toBe(summary.totals.params);
        expect(sum((r) => r.paramBytes)).toBe(summary.totals.paramBytes);
        expect(sum((r) => r.macs ?? 0)).toBe(summary.totals.macs);
        expect(summary.totals.params).toBe(specs.reduce((a, s) => a + s.params, 0));
        expect(summary.totals.trainableParams).toBeLessThanOrEqual(summary.totals.params);
        expect(summary.layers.length).toBe(specs.reduce((a, s) => a + Math.max(1, s.calls), 0));
      }),
      { numRuns: 200 },
    );
  });
});

describe('cleanup errors', () => {
  it('a throwing disposeInputs still removes the hooks; the pass error wins over cleanup errors', async () => {
    const model = createMockModel({ ...smallCnn, throwAt: 'relu' });
    let disposeCalls = 0;
    const broken = Object.create(model, {
      disposeInputs: {
        value: () => {
          disposeCalls += 1;
          throw new Error('dispose failed');
        },
      },
    });
    const error = await summarize(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForwardPassError);
    expect(disposeCalls).toBe(1);
    expect(model.activeHooks()).toBe(0);
    model.setThrowAt(undefined);
    const cleanupOnly = await summarize(broken).catch((e: unknown) => e);
    // The cleanup's own error surfaces, typed and naming the step (issue 13's error contract).
    expect(cleanupOnly).toMatchObject({ code: 'ADAPTER_FAILED', details: { step: 'disposeInputs' } });
    expect((cleanupOnly as Error).message).toBe('the adapter failed in disposeInputs(): dispose failed');
    expect(((cleanupOnly as Error).cause as Error).message).toBe('dispose failed');
    expect(model.activeHooks()).toBe(0);
  });
});

describe('the error contract: every failure typed, naming its step', () => {
  const steps = ['inputSpecs', 'listLayers', 'registerHooks', 'createMockInputs', 'disposeInputs'] as const;
  for (const name of steps) {
    for (const [what, thrown] of [['an Error', new Error('boom')], ['a string', 'boom'], ['undefined', undefined], ['null', null]] as const) {
      it(`${what} thrown in ${name}() is a ModelSummaryError with details.step = "${name}"`, async () => {
        const model = createMockModel(smallCnn);
        const broken = Object.create(model, {
          [name]: {
            value: () => {
              throw thrown;
            },
          },
        });
        const error = await summarize(broken).then(
          () => 'resolved',
          (e: unknown) => e,
        );
        expect(ModelSummaryError.isInstance(error), String(error)).toBe(true);
        expect((error as ModelSummaryError).details.step).toBe(name);
        expect((error as Error).message).toContain(`${name}()`);
        expect(model.activeHooks()).toBe(0);
      });
    }
  }

  it('an allocation the runtime refuses (RangeError) in createMockInputs is INPUT_TOO_LARGE', async () => {
    const model = createMockModel(smallCnn);
    const huge = Object.create(model, {
      createMockInputs: {
        value: () => new Float32Array(2 ** 53),
      },
    });
    await expect(summarize(huge, { maxInputBytes: 1e16 })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE', details: { step: 'createMockInputs' } });
    expect(model.activeHooks()).toBe(0);
  });

  it('a throw undefined in run() or in the hook remover is not swallowed', async () => {
    const model = createMockModel(smallCnn);
    const inRun = Object.create(model, {
      run: {
        value: () => {
          throw undefined;
        },
      },
    });
    await expect(summarize(inRun)).rejects.toMatchObject({ code: 'FORWARD_FAILED', details: { step: 'run' } });
    const inRemover = Object.create(model, {
      registerHooks: {
        value: async (onEvent: (e: LayerEvent) => void) => {
          const remove = await model.registerHooks(onEvent);
          return async () => {
            await remove();
            throw undefined;
          };
        },
      },
    });
    await expect(summarize(inRemover)).rejects.toMatchObject({ code: 'ADAPTER_FAILED', details: { step: 'removeHooks' } });
    expect(model.activeHooks()).toBe(0);
  });

  it('the layer the adapter names as the one that threw is in the ForwardPassError, also when it ran first', async () => {
    const model = createMockModel(smallCnn);
    const first = smallCnn.layers.find((l) => l.parentId === undefined && !smallCnn.layers.some((c) => c.parentId === l.id))?.id ?? smallCnn.layers[0]!.id;
    const broken = Object.create(model, {
      run: {
        value: () => {
          throw attributeToLayer(new Error('kernel not implemented'), first);
        },
      },
    });
    const error = (await summarize(broken).catch((e: unknown) => e)) as ForwardPassError;
    expect(error).toBeInstanceOf(ForwardPassError);
    expect(error.details.failedLayer).toBe(first);
    expect(error.message).toBe(`forward pass failed in layer "${first}" (the first to run): kernel not implemented`);
  });
});

describe('concurrent summaries of one model object', () => {
  it('20 concurrent calls give what a lone call gives, one at a time, hooks removed', async () => {
    const model = createMockModel(smallCnn);
    const alone = await summarize(model, { batchSize: 1 });
    let active = 0;
    let most = 0;
    const counted = Object.create(model, {
      registerHooks: {
        value: async (onEvent: (e: LayerEvent) => void) => {
          active += 1;
          most = Math.max(most, active);
          const remove = await model.registerHooks(onEvent);
          return async () => {
            await remove();
            active -= 1;
          };
        },
      },
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => summarize(counted, { batchSize: 1 + (i % 3) })));
    expect(most).toBe(1);
    results.forEach((r, i) => expect(r.batchSize).toBe(1 + (i % 3)));
    expect(JSON.stringify(results[0]!.layers)).toBe(JSON.stringify(alone.layers));
    expect(results.filter((_, i) => i % 3 === 0).every((r) => JSON.stringify(r) === JSON.stringify(alone))).toBe(true);
    expect(model.activeHooks()).toBe(0);
  });

  it('a failing call does not block the next one', async () => {
    const model = createMockModel(smallCnn);
    let runs = 0;
    const once = Object.create(model, {
      run: {
        value: async (tensors: unknown[]) => {
          runs += 1;
          if (runs === 1) throw new Error('first pass fails');
          return model.run(tensors as never);
        },
      },
    });
    const failing = summarize(once);
    const next = summarize(once);
    await expect(failing).rejects.toBeInstanceOf(ForwardPassError);
    await expect(next).resolves.toMatchObject({ batchSize: 1 });
  });
});
