import type { HookableModel, LayerEvent, ResolvedInput } from '../contract.js';
import { isKnownDType, tensorBytes } from '../dtype.js';
import { ModelSummaryError } from '../errors.js';
import { toJSON, validateSummaryJSON } from '../format/index.js';
import { resolveInputs } from '../inputs.js';
import { elementCount, isConcreteShape } from '../shape.js';
import { summarize, type SummarizeOptions } from '../summarize.js';
import type { ModelSummary } from '../summary.js';

/** What `testAdapter` needs to know about the adapter under test. */
export interface AdapterConformanceOptions {
  /** Suite name. */
  name: string;
  /** Makes a fresh adapter over a model whose forward pass succeeds. */
  create: () => Promise<HookableModel> | HookableModel;
  /** Makes a fresh adapter over a model whose forward pass throws (e.g. a layer that throws). */
  createFailing?: () => Promise<HookableModel> | HookableModel;
  /** Counts live tensors of the runtime (tfjs: `tf.memory().numTensors`); compared before and after. */
  liveTensors?: () => number | Promise<number>;
  /** Counts hooks installed in the runtime (tfjs: layers with an own `call`); compared before and after. */
  activeHooks?: () => number | Promise<number>;
  /** Options passed to every `summarize` call of the suite (device, batch, ...). */
  summarizeOptions?: SummarizeOptions;
  /** Options for the failing model's pass, when its inputs differ (its dims); default `summarizeOptions`. */
  failingSummarizeOptions?: SummarizeOptions;
  /** Known facts the suite checks when given. */
  expect?: { params?: number; trainableParams?: number; device?: string | RegExp; minLayers?: number };
}

/** One conformance check: a name and a function that throws when the adapter breaks the contract. */
export interface ConformanceCheck {
  name: string;
  run: () => Promise<void>;
}

/** The conformance checks, usable from any test runner (Bun, Deno, node:test) without vitest. */
export function conformanceChecks(options: AdapterConformanceOptions): ConformanceCheck[] {
  const summarizeOnce = async () => {
    const model = await options.create();
    try {
      return { model, summary: await summarize(model, options.summarizeOptions) };
    } finally {
      await model.dispose?.();
    }
  };
  const checks: ConformanceCheck[] = [
    {
      name: 'declares specification v1, a runtime and a name',
      run: async () => {
        const model = await options.create();
        try {
          assert(model.specificationVersion === 'v1', `specificationVersion is ${String(model.specificationVersion)}`);
          assert(typeof model.runtime === 'string' && model.runtime.length > 0, 'runtime is empty');
          assert(typeof model.name === 'string' && model.name.length > 0, 'name is empty');
        } finally {
          await model.dispose?.();
        }
      },
    },
    {
      name: 'lists layers in pre-order with unique ids and valid params',
      run: async () => {
        const model = await options.create();
        try {
          const layers = await model.listLayers();
          const seen = new Set<string>();
          for (const layer of layers) {
            assert(!seen.has(layer.id), `layer id "${layer.id}" listed twice`);
            assert(layer.parentId === undefined || seen.has(layer.parentId), `layer "${layer.id}" listed before its parent "${layer.parentId}"`);
            assert(Number.isInteger(layer.params) && layer.params >= 0, `layer "${layer.id}" params ${layer.params}`);
            assert(Number.isInteger(layer.paramBytes) && layer.paramBytes >= 0, `layer "${layer.id}" paramBytes ${layer.paramBytes}`);
            if (layer.trainableParams !== undefined) {
              assert(layer.trainableParams >= 0 && layer.trainableParams <= layer.params, `layer "${layer.id}" trainable ${layer.trainableParams} > params`);
            }
            seen.add(layer.id);
          }
          for (const layer of layers) {
            for (const other of layer.sharedWith ?? []) assert(seen.has(other), `layer "${layer.id}" sharedWith unknown layer "${other}"`);
          }
          if (options.expect?.minLayers !== undefined) {
            assert(layers.length >= options.expect.minLayers, `${layers.length} layers, expected at least ${options.expect.minLayers}`);
          }
        } finally {
          await model.dispose?.();
        }
      },
    },
    {
      name: 'summarizes, reports the device, and every output of every call',
      run: async () => {
        const { summary } = await summarizeOnce();
        assert(summary.device.length > 0 && summary.device !== 'none', `device "${summary.device}"`);
        if (options.expect?.device !== undefined) {
          const want = options.expect.device;
          assert(typeof want === 'string' ? summary.device === want : want.test(summary.device), `device "${summary.device}", expected ${String(want)}`);
        }
        const executed = summary.layers.filter((r) => r.executed && !r.isContainer);
        assert(executed.length > 0, 'no layer reported an event');
        for (const row of executed) checkRowOutputs(row);
      },
    },
    {
      name: 'counts params once: rows sum to totals, shared weights not counted twice',
      run: async () => {
        const { summary } = await summarizeOnce();
        const sum = summary.layers.reduce((s, r) => s + r.params, 0);
        assert(sum === summary.totals.params, `Σ row params ${sum} != total ${summary.totals.params}`);
        const bytes = summary.layers.reduce((s, r) => s + r.paramBytes, 0);
        assert(bytes === summary.totals.paramBytes, `Σ row paramBytes ${bytes} != total ${summary.totals.paramBytes}`);
        for (const row of summary.layers) {
          if (row.callIndex > 0) assert(row.params === 0, `repeated call of "${row.id}" owns params again`);
        }
        if (options.expect?.params !== undefined) {
          assert(summary.totals.params === options.expect.params, `total params ${summary.totals.params}, expected ${options.expect.params}`);
        }
        if (options.expect?.trainableParams !== undefined) {
          assert(
            summary.totals.trainableParams === options.expect.trainableParams,
            `trainable ${String(summary.totals.trainableParams)}, expected ${options.expect.trainableParams}`,
          );
        }
      },
    },
    {
      name: 'produces schema-v1 JSON',
      run: async () => {
        const { summary } = await summarizeOnce();
        const json = JSON.parse(JSON.stringify(toJSON(summary))) as unknown;
        const problems = validateSummaryJSON(json);
        assert(problems.length === 0, `JSON problems: ${problems.join('; ')}`);
      },
    },
    {
      name: 'removes its hooks after a successful pass and gives the same result twice',
      run: async () => {
        const model = await options.create();
        try {
          const { summary: first } = await summarizeAndProbeHooks(model, options.summarizeOptions, false);
          const second = await summarize(model, options.summarizeOptions);
          assert(
            JSON.stringify(stable(first as ModelSummary)) === JSON.stringify(stable(second)),
            'a second summary of the same adapter differs from the first (hooks left behind?)',
          );
        } finally {
          await model.dispose?.();
        }
      },
    },
    {
      name: 'disposes every mock input it created, and frees tensors',
      run: async () => {
        const before = options.liveTensors ? await options.liveTensors() : 0;
        const hooksBefore = options.activeHooks ? await options.activeHooks() : 0;
        const model = await options.create();
        const created = new Set<unknown>();
        const probe: HookableModel = Object.create(model, {
          createMockInputs: {
            value: async (...args: Parameters<HookableModel['createMockInputs']>) => {
              const mock = await model.createMockInputs(...args);
              mock.tensors.forEach((t) => created.add(t));
              return mock;
            },
          },
          disposeInputs: {
            value: async (tensors: unknown[]) => {
              tensors.forEach((t) => created.delete(t));
              return model.disposeInputs(tensors);
            },
          },
        });
        try {
          await summarize(probe, options.summarizeOptions);
        } finally {
          await model.dispose?.();
        }
        assert(created.size === 0, `${created.size} mock input(s) were never passed to disposeInputs`);
        if (options.liveTensors) {
          const after = await options.liveTensors();
          assert(after === before, `live tensors ${before} before, ${after} after`);
        }
        if (options.activeHooks) {
          const after = await options.activeHooks();
          assert(after === hooksBefore, `hooks installed: ${hooksBefore} before, ${after} after`);
        }
      },
    },
  ];
  if (options.createFailing) {
    const createFailing = options.createFailing;
    checks.push({
      name: 'a throwing pass gives a typed error, removes hooks and frees tensors',
      run: async () => {
        const before = options.liveTensors ? await options.liveTensors() : 0;
        const hooksBefore = options.activeHooks ? await options.activeHooks() : 0;
        const model = await createFailing();
        try {
          const { error } = await summarizeAndProbeHooks(model, options.failingSummarizeOptions ?? options.summarizeOptions, true);
          assert(error !== undefined, 'summarize did not throw for the failing model');
          assert(ModelSummaryError.isInstance(error), `error is not a ModelSummaryError: ${String(error)}`);
        } finally {
          await model.dispose?.();
        }
        if (options.liveTensors) {
          const after = await options.liveTensors();
          assert(after === before, `live tensors ${before} before, ${after} after the failing pass`);
        }
        if (options.activeHooks) {
          const hooks = await options.activeHooks();
          assert(hooks === hooksBefore, `hooks installed: ${hooksBefore} before, ${hooks} after the failing pass`);
        }
      },
    });
  }
  return checks;
}

/** Runs the conformance checks as a vitest suite. Call it at the top level of a test file. */
export async function testAdapter(options: AdapterConformanceOptions): Promise<void> {
  const { describe, it } = await import('vitest');
  describe(`adapter conformance: ${options.name}`, () => {
    for (const check of conformanceChecks(options)) it(check.name, check.run);
  });
}

function checkRowOutputs(row: ModelSummary['layers'][number]): void {
  assert(row.outputShapes.length > 0, `layer "${row.id}" call ${row.callIndex} reported no outputs`);
  assert(row.outputDTypes.length === row.outputShapes.length, `layer "${row.id}": ${row.outputShapes.length} shapes, ${row.outputDTypes.length} dtypes`);
  let expected = 0;
  for (const [k, shape] of row.outputShapes.entries()) {
    const dtype = row.outputDTypes[k] as string;
    if (!isConcreteShape(shape) || !isKnownDType(dtype)) return;
    expected += tensorBytes(elementCount(shape) as number, dtype);
  }
  assert(row.outputBytes === expected, `layer "${row.id}" reports ${row.outputBytes} output bytes, its shapes and dtypes give ${expected}`);
}

/**
 * Summarizes through a probe that keeps listening to summarize's own hook callback, then runs the
 * model once more: any event reaching that callback after summarize returned is a leaked hook.
 */
async function summarizeAndProbeHooks(
  model: HookableModel,
  summarizeOptions: SummarizeOptions | undefined,
  expectFailure: boolean,
): Promise<{ summary?: ModelSummary; error?: unknown }> {
  let finished = false;
  let late = 0;
  const probe: HookableModel = Object.create(model, {
    registerHooks: {
      value: (onEvent: (event: LayerEvent) => void) =>
        model.registerHooks((event) => {
          if (finished) late += 1;
          else onEvent(event);
        }),
    },
  });
  const result: { summary?: ModelSummary; error?: unknown } = {};
  try {
    result.summary = await summarize(probe, summarizeOptions);
  } catch (error) {
    if (!expectFailure) throw error;
    result.error = error;
  }
  finished = true;
  const { inputs } = resolveInputs(await model.inputSpecs(), {
    ...(summarizeOptions?.batchSize ? { batchSize: summarizeOptions.batchSize } : {}),
    ...(summarizeOptions?.inputs ? { inputs: summarizeOptions.inputs } : {}),
    ...(summarizeOptions?.dims ? { dims: summarizeOptions.dims } : {}),
  });
  const mock = await model.createMockInputs(inputs as ResolvedInput[], summarizeOptions?.device ?? 'auto');
  try {
    await model.run(mock.tensors);
  } catch (error) {
    if (!expectFailure) throw error;
  } finally {
    await model.disposeInputs(mock.tensors);
  }
  assert(late === 0, `summarize's hooks still reported ${late} event(s) after it returned`);
  return result;
}

function stable(summary: ModelSummary) {
  const { memory, ...rest } = summary;
  const { measuredPeakBytes: _ignored, ...memoryRest } = memory;
  return { ...rest, memory: memoryRest };
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`conformance: ${message}`);
}
