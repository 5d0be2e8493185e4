import type { DeviceRequest, HookableModel, InputOverride, LayerEvent, MockInputs, RemoveHooks } from './contract.js';
import { ForwardPassError, ModelSummaryError, summaryError } from './errors.js';
import { foldSummary } from './fold.js';
import { checkInputBudget, guessedInputsHint, resolveInputs, type InputResolution } from './inputs.js';
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
 */
export async function summarize(model: HookableModel, options: SummarizeOptions = {}): Promise<ModelSummary> {
  checkSpecification(model);
  const batchSize = options.batchSize ?? 1;
  const resolution = resolveInputs(await model.inputSpecs(), {
    batchSize,
    ...(options.inputs ? { inputs: options.inputs } : {}),
    ...(options.dims ? { dims: options.dims } : {}),
  });
  const layers = await model.listLayers({ inputs: resolution.inputs, dims: resolution.dims });
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  checkInputBudget(resolution.inputs, maxInputBytes);

  const events: LayerEvent[] = [];
  let device = 'none';
  if (!model.staticOnly) device = await runHooked(model, resolution, options.device ?? 'auto', events);

  const adapterWarnings = (await model.warnings?.()) ?? [];
  const kvCache = await model.kvCache?.();
  const measuredPeakBytes = model.staticOnly ? undefined : await model.measuredPeakBytes?.();
  return foldSummary({
    model: { name: model.name, format: model.format ?? model.runtime, runtime: model.runtime },
    device,
    batchSize,
    inputs: resolution.inputs,
    layers,
    events,
    observed: !model.staticOnly,
    ...(options.memoryConvention ? { memoryConvention: options.memoryConvention } : {}),
    ...(measuredPeakBytes === undefined ? {} : { measuredPeakBytes }),
    ...(kvCache === undefined ? {} : { kvCache }),
    warnings: [...resolution.warnings, ...adapterWarnings, ...(model.staticOnly ? ['static mode: shapes were not observed (no forward pass ran)'] : [])],
  });
}

async function runHooked(model: HookableModel, resolution: InputResolution, device: DeviceRequest, events: LayerEvent[]): Promise<string> {
  const inputs = resolution.inputs;
  const removeHooks: RemoveHooks = await model.registerHooks((event) => events.push(event));
  let mock: MockInputs | undefined;
  let failure: unknown;
  let failedInRun = false;
  try {
    mock = await model.createMockInputs(inputs, device);
    failedInRun = true;
    await model.run(mock.tensors);
    failedInRun = false;
  } catch (error) {
    failure = error;
  } finally {
    // Both cleanups run whatever happens; a cleanup error never hides the pass's own error.
    for (const cleanup of [() => (mock ? model.disposeInputs(mock.tensors) : undefined), removeHooks]) {
      try {
        await cleanup();
      } catch (error) {
        if (failure === undefined) {
          failure = error;
          failedInRun = false;
        }
      }
    }
  }
  if (failure !== undefined) {
    if (!failedInRun || ModelSummaryError.isInstance(failure)) throw failure;
    throw forwardFailure(failure, events, resolution);
  }
  return (mock as MockInputs).device;
}

/**
 * The error of a failed pass: where it failed, why, and what the mock inputs guessed (dims that
 * took a default, inputs fed mock data) with the flags that set them.
 */
function forwardFailure(cause: unknown, events: readonly LayerEvent[], resolution: InputResolution): ForwardPassError {
  const ran = [...new Set(events.map((e) => e.id))];
  const reason = cause instanceof Error ? cause.message : String(cause);
  const last = ran.slice(-5).join(', ');
  const where = ran.length === 0 ? 'before any layer ran' : `after ${ran.length} layer(s) ran (last: ${last})`;
  const hint = guessedInputsHint(resolution);
  const message = `forward pass failed ${where}: ${reason.trimEnd()}${hint.lines.map((l) => `\n  ${l}`).join('')}`;
  return new ForwardPassError(message, ran, cause, hint.details);
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
