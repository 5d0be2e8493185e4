import type { DeviceRequest, HookableModel, InputOverride, LayerEvent, MaybePromise, MockInputs, RemoveHooks } from './contract.js';
import { errorMessage, failedLayerOf, ForwardPassError, ModelSummaryError, summaryError, type SummaryStep } from './errors.js';
import { foldSummary } from './fold.js';
import { checkInputBudget, DEFAULT_SYMBOLIC_DIM, guessedInputsHint, resolveInputs, type InputResolution } from './inputs.js';
import type { MemoryConvention, ModelSummary } from './summary.js';

/** Default limit on the bytes of all mock inputs together: 2 GB. */
export const DEFAULT_MAX_INPUT_BYTES = 2_000_000_000;

/** Options of `summarize`. */
export interface SummarizeOptions {
  /** Fills the leading symbolic / null dim of every input. Default 1. */
  batchSize?: number;
  /** Input overrides, by name (or position when unnamed): a shape, a dtype, a value that fills every element. */
  inputs?: readonly InputOverride[];
  /**
   * Values for symbolic dims, by name (a name inside an expression dim too:
   * `past_sequence_length`), or `"input[axis]"` for an unnamed dim. An unknown name is an error.
   */
  dims?: Readonly<Record<string, number>>;
  /** Where the mock pass runs. Default `auto` (the GPU when the adapter finds one). */
  device?: DeviceRequest;
  /** Refuse mock inputs above this many bytes. Default 2 GB. */
  maxInputBytes?: number;
  /** Memory convention of the estimate. Default `default` (ours). */
  memoryConvention?: MemoryConvention;
}

const SUPPORTED_SPECIFICATION = 'v1';

/**
 * Summarizes a model: list layers, resolve inputs, check the memory guard, register hooks, create
 * mock inputs, run once, then dispose inputs and remove hooks (always, in `finally`), and fold.
 * Calls on the same model object run one after another (each gets what a lone call gets): a model
 * holds one set of hooks and one session at a time. Every failure is a `ModelSummaryError` whose
 * `details.step` names the adapter step it happened in.
 */
export function summarize(model: HookableModel, options: SummarizeOptions = {}): Promise<ModelSummary> {
  const previous = running.get(model) ?? Promise.resolve();
  const mine = previous.then(
    () => summarizeAlone(model, options),
    () => summarizeAlone(model, options),
  );
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  running.set(model, settled);
  void settled.then(() => {
    if (running.get(model) === settled) running.delete(model);
  });
  return mine;
}

/** The last call queued on each model object. */
const running = new WeakMap<object, Promise<void>>();

async function summarizeAlone(model: HookableModel, options: SummarizeOptions): Promise<ModelSummary> {
  checkSpecification(model);
  const batchSize = options.batchSize ?? 1;
  const declared = await step('inputSpecs', () => model.inputSpecs());
  const resolve = (dims: Readonly<Record<string, number>> | undefined) =>
    resolveInputs(declared, { batchSize, ...(options.inputs ? { inputs: options.inputs } : {}), ...(dims ? { dims } : {}) });
  let resolution = resolve(options.dims);
  let layers = await step('listLayers', () => model.listLayers({ inputs: resolution.inputs, dims: resolution.dims }));
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  checkInputBudget(resolution.inputs, maxInputBytes);

  let events: LayerEvent[] = [];
  let device = 'none';
  const retryWarnings: string[] = [];
  const firstDefaulted = resolution.defaulted;
  let raisedDims: readonly string[] = [];
  if (!model.staticOnly) {
    try {
      device = await runHooked(model, resolution, options.device ?? 'auto', events);
    } catch (error) {
      // A pass that fails with dims at their default of 1 (an audio frame of 1 sample, a 1×1
      // image) is run again with those dims at RETRY_DIM: all of them, then one at a time.
      if (!(error instanceof ForwardPassError) || resolution.defaulted.length === 0) throw error;
      const first = resolution;
      let done = false;
      for (const raised of retryPlans(first.defaulted.map((d) => d.name))) {
        const dims = { ...options.dims, ...Object.fromEntries(raised.map((n) => [n, RETRY_DIM])) };
        let again: InputResolution;
        try {
          again = resolve(dims);
          checkInputBudget(again.inputs, maxInputBytes);
        } catch {
          continue;
        }
        const retryEvents: LayerEvent[] = [];
        const retryLayers = await step('listLayers', () => model.listLayers({ inputs: again.inputs, dims: again.dims }));
        try {
          device = await runHooked(model, again, options.device ?? 'auto', retryEvents);
        } catch (retryError) {
          if (retryError instanceof ForwardPassError) continue;
          throw retryError;
        }
        const used = raised.map((n) => `${n}=${RETRY_DIM}`).join(', ');
        const flags = first.defaulted.map((d) => d.flag).join(' ');
        retryWarnings.push(
          `the pass failed with symbolic dims at their default ${DEFAULT_SYMBOLIC_DIM} (${first.defaulted.map((d) => d.name).join(', ')}: ${error.message.split('\n')[0]}); it ran with ${used}: set them with ${flags}`,
        );
        resolution = { ...again, warnings: again.warnings.filter((w) => !raised.some((n) => w.includes(`"${n}"`))) };
        layers = retryLayers;
        events = retryEvents;
        raisedDims = raised;
        done = true;
        break;
      }
      if (!done) throw error;
    }
  }

  const adapterWarnings = (await step('warnings', () => model.warnings?.())) ?? [];
  const kvCache = await step('kvCache', () => model.kvCache?.());
  const outputs = await step('outputSpecs', () => model.outputSpecs?.());
  const defaultedDims = firstDefaulted.map((d) => ({ name: d.name, value: raisedDims.includes(d.name) ? RETRY_DIM : d.value, flag: d.flag }));
  const measuredPeakBytes = model.staticOnly ? undefined : await step('measuredPeakBytes', () => model.measuredPeakBytes?.());
  return foldSummary({
    model: { name: model.name, format: model.format ?? model.runtime, runtime: model.runtime },
    device,
    batchSize: resolution.batch, // the batch the inputs have: a batchSize that could not apply is a warning
    inputs: resolution.inputs,
    ...(outputs ? { outputs } : {}),
    defaultedDims,
    layers,
    events,
    observed: !model.staticOnly,
    ...(options.memoryConvention ? { memoryConvention: options.memoryConvention } : {}),
    ...(measuredPeakBytes === undefined ? {} : { measuredPeakBytes }),
    ...(kvCache === undefined ? {} : { kvCache }),
    warnings: [...resolution.warnings, ...retryWarnings, ...adapterWarnings, ...(model.staticOnly ? ['static mode: shapes were not observed (no forward pass ran)'] : [])],
  });
}

/** Value a defaulted dim takes when the pass is run again after failing with 1. */
export const RETRY_DIM = 512;

/** Which defaulted dims to raise, in order: all of them, then each alone (at most 4 more tries). */
function retryPlans(names: readonly string[]): string[][] {
  const plans: string[][] = [names.slice()];
  if (names.length > 1) for (const n of names.slice(0, 4)) plans.push([n]);
  return plans;
}

/** Runs one adapter step; what it throws becomes a typed error naming the step. */
async function step<T>(name: SummaryStep, f: () => MaybePromise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    throw stepFailure(name, error);
  }
}

function stepFailure(name: SummaryStep, error: unknown): ModelSummaryError {
  if (ModelSummaryError.isInstance(error)) {
    if (error.details.step === undefined) (error.details as Record<string, unknown>).step = name;
    return error;
  }
  if (name === 'createMockInputs' && error instanceof RangeError) {
    // A typed array or buffer the runtime cannot allocate: the inputs are too large for this process.
    return summaryError('INPUT_TOO_LARGE', `the mock inputs could not be allocated (${error.message}); set smaller dims or --batch`, { cause: error, details: { step: name } });
  }
  return summaryError('ADAPTER_FAILED', `the adapter failed in ${name}(): ${errorMessage(error)}`, { cause: error, details: { step: name } });
}

async function runHooked(model: HookableModel, resolution: InputResolution, device: DeviceRequest, events: LayerEvent[]): Promise<string> {
  const inputs = resolution.inputs;
  const removeHooks: RemoveHooks = await step('registerHooks', () => model.registerHooks((event) => events.push(event)));
  let mock: MockInputs | undefined;
  let failure: { error: ModelSummaryError } | undefined;
  try {
    mock = await step('createMockInputs', () => model.createMockInputs(inputs, device));
    const tensors = mock.tensors;
    try {
      await model.run(tensors);
    } catch (error) {
      throw ModelSummaryError.isInstance(error) ? stepFailure('run', error) : forwardFailure(error, events, resolution);
    }
  } catch (error) {
    failure = { error: error as ModelSummaryError };
  } finally {
    // Both cleanups run whatever happens; a cleanup error never hides the pass's own error.
    const cleanups: [SummaryStep, () => MaybePromise<void>][] = [
      ['disposeInputs', () => (mock ? model.disposeInputs(mock.tensors) : undefined)],
      ['removeHooks', removeHooks],
    ];
    for (const [name, cleanup] of cleanups) {
      try {
        await step(name, cleanup);
      } catch (error) {
        failure ??= { error: error as ModelSummaryError };
      }
    }
  }
  if (failure) throw failure.error;
  return (mock as MockInputs).device;
}

/**
 * The error of a failed pass: where it failed, why, and what the mock inputs guessed (dims that
 * took a default, inputs fed mock data) with the flags that set them.
 */
function forwardFailure(cause: unknown, events: readonly LayerEvent[], resolution: InputResolution): ForwardPassError {
  const ran = [...new Set(events.map((e) => e.id))];
  const failed = failedLayerOf(cause);
  const last = ran.slice(-5).join(', ');
  const before = ran.length === 0 ? 'before any layer ran' : `after ${ran.length} layer(s) ran (last: ${last})`;
  const where = failed !== undefined ? `in layer "${failed}" (${ran.length === 0 ? 'the first to run' : before})` : before;
  const hint = guessedInputsHint(resolution);
  const message = `forward pass failed ${where}: ${errorMessage(cause).trimEnd()}${hint.lines.map((l) => `\n  ${l}`).join('')}`;
  return new ForwardPassError(message, ran, cause, { ...hint.details, step: 'run', ...(failed === undefined ? {} : { failedLayer: failed }) });
}

function checkSpecification(model: HookableModel): void {
  const version = (model as { specificationVersion?: unknown }).specificationVersion;
  if (version !== SUPPORTED_SPECIFICATION) {
    throw summaryError(
      'UNSUPPORTED_SPEC_VERSION',
      `adapter "${String((model as { name?: unknown }).name)}" implements specification ${JSON.stringify(version)}; this core supports "${SUPPORTED_SPECIFICATION}"`,
      { details: { specificationVersion: version } },
    );
  }
}
