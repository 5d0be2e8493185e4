import type { DeviceRequest, HookableModel, InputSpec, LayerEvent, MockInputs, RemoveHooks } from './contract.js';
import { ForwardPassError, ModelSummaryError, summaryError } from './errors.js';
import { foldSummary } from './fold.js';
import { checkInputBudget, resolveInputs } from './inputs.js';
import type { MemoryConvention, ModelSummary } from './summary.js';

/** Default limit on the bytes of all mock inputs together: 2 GB. */
export const DEFAULT_MAX_INPUT_BYTES = 2_000_000_000;

/** Options of `summarize`. */
export interface SummarizeOptions {
  /** Fills the leading symbolic / null dim of every input. Default 1. */
  batchSize?: number;
  /** Input overrides, by name (or position when unnamed). */
  inputs?: readonly InputSpec[];
  /** Values for named symbolic dims. */
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
  const layers = await model.listLayers();
  const batchSize = options.batchSize ?? 1;
  const resolution = resolveInputs(await model.inputSpecs(), {
    batchSize,
    ...(options.inputs ? { inputs: options.inputs } : {}),
    ...(options.dims ? { dims: options.dims } : {}),
  });
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  checkInputBudget(resolution.inputs, maxInputBytes);

  const events: LayerEvent[] = [];
  let device = 'none';
  if (!model.staticOnly) device = await runHooked(model, resolution.inputs, options.device ?? 'auto', events);

  const adapterWarnings = (await model.warnings?.()) ?? [];
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
    warnings: [...resolution.warnings, ...adapterWarnings, ...(model.staticOnly ? ['static mode: shapes were not observed (no forward pass ran)'] : [])],
  });
}

async function runHooked(
  model: HookableModel,
  inputs: Parameters<HookableModel['createMockInputs']>[0],
  device: DeviceRequest,
  events: LayerEvent[],
): Promise<string> {
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
    throw forwardFailure(failure, events);
  }
  return (mock as MockInputs).device;
}

function forwardFailure(cause: unknown, events: readonly LayerEvent[]): ForwardPassError {
  const ran = [...new Set(events.map((e) => e.id))];
  const reason = cause instanceof Error ? cause.message : String(cause);
  const last = ran.slice(-5).join(', ');
  const where = ran.length === 0 ? 'before any layer ran' : `after ${ran.length} layer(s) ran (last: ${last})`;
  return new ForwardPassError(`forward pass failed ${where}: ${reason}`, ran, cause);
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
