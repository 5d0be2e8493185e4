import type { LayerEvent, Shape } from './contract.js';
import { isKnownDType, tensorBytes } from './dtype.js';
import { elementCount } from './shape.js';
import type { LayerRow, MemoryConvention, MemoryEstimate, SummaryInput } from './summary.js';

/** torchinfo adds the size of a Python object header to every input tensor it reports. */
export const TORCHINFO_INPUT_OVERHEAD_BYTES = 56;
/** torchsummary assumes every element takes 4 bytes. */
export const TORCHSUMMARY_BYTES_PER_ELEMENT = 4;

/** What the memory math reads. */
export interface MemoryFacts {
  inputs: readonly SummaryInput[];
  rows: readonly LayerRow[];
  /** Executed leaf events in execution order, for the liveness peak. */
  events: readonly LayerEvent[];
  paramBytes: number;
  measuredPeakBytes?: number;
}

/** The memory estimate under one convention. All figures are exact bytes. */
export function estimateMemory(convention: MemoryConvention, facts: MemoryFacts): MemoryEstimate {
  const peakActivationBytes = peakLiveBytes(facts.events);
  const measured = facts.measuredPeakBytes === undefined ? {} : { measuredPeakBytes: facts.measuredPeakBytes };
  const parts =
    convention === 'torchsummary' ? torchsummaryMemory(facts) : convention === 'torchinfo' ? torchinfoMemory(facts) : defaultMemory(facts);
  return { convention, ...parts, peakActivationBytes, ...measured };
}

type MemoryParts = Pick<MemoryEstimate, 'inputBytes' | 'activationBytes' | 'forwardBackwardBytes' | 'paramBytes' | 'totalBytes'>;

/** Ours: dtype-exact inputs + Σ leaf outputs + params; forward/backward = 2 × activations. */
function defaultMemory(facts: MemoryFacts): MemoryParts {
  const inputBytes = sum(facts.inputs.map((i) => i.bytes));
  const activationBytes = sum(executedLeaves(facts.rows).map((r) => r.outputBytes));
  return {
    inputBytes,
    activationBytes,
    forwardBackwardBytes: 2 * activationBytes,
    paramBytes: facts.paramBytes,
    totalBytes: inputBytes + activationBytes + facts.paramBytes,
  };
}

/**
 * torchinfo: dtype bytes + 56 per input; forward/backward = 2 × outputs of leaf layers that have
 * parameters (every call); params counted once; total = input + forward/backward + params.
 */
function torchinfoMemory(facts: MemoryFacts): MemoryParts {
  const inputBytes = sum(facts.inputs.map((i) => i.bytes + TORCHINFO_INPUT_OVERHEAD_BYTES));
  const owned = ownerParams(facts.rows);
  const activationBytes = sum(executedLeaves(facts.rows).filter((r) => (owned.get(r.id) ?? 0) > 0).map((r) => r.outputBytes));
  const forwardBackwardBytes = 2 * activationBytes;
  return {
    inputBytes,
    activationBytes,
    forwardBackwardBytes,
    paramBytes: facts.paramBytes,
    totalBytes: inputBytes + forwardBackwardBytes + facts.paramBytes,
  };
}

/**
 * torchsummary, quirks included so its printed lines come out the same: 4 bytes per element;
 * the batch dim counts as -1 (so a layer with two outputs adds a positive product of both, and
 * several inputs multiply into one product); params counted on every call of a layer.
 */
function torchsummaryMemory(facts: MemoryFacts): MemoryParts {
  const perSample = (shape: Shape) => elementCount(shape.slice(1)) ?? 0;
  const inputElements = Math.abs(facts.inputs.reduce((product, input) => product * perSample(input.shape), -1));
  const owned = ownerParams(facts.rows);
  const hooked = facts.rows.filter((r) => r.executed && r.type !== 'scope' && r.outputShapes.length > 0);
  const outputElements = Math.abs(
    sum(hooked.map((r) => r.outputShapes.reduce((product, shape) => product * -perSample(shape), 1))),
  );
  const callParams = sum(hooked.map((r) => owned.get(r.id) ?? 0));
  const inputBytes = inputElements * TORCHSUMMARY_BYTES_PER_ELEMENT;
  const activationBytes = outputElements * TORCHSUMMARY_BYTES_PER_ELEMENT;
  const paramBytes = callParams * TORCHSUMMARY_BYTES_PER_ELEMENT;
  return {
    inputBytes,
    activationBytes,
    forwardBackwardBytes: 2 * activationBytes,
    paramBytes,
    totalBytes: inputBytes + 2 * activationBytes + paramBytes,
  };
}

/** What liveness needs of one executed call: the bytes of each output, and the tensor names when known. */
export interface LivenessStep {
  outputSizes: readonly number[];
  inputNames?: readonly string[];
  outputNames?: readonly string[];
}

/**
 * Live activation bytes while each step runs, in execution order. A tensor is live from the step
 * that makes it to the last step that reads it. Steps without tensor names are taken as a chain:
 * each reads the outputs of the one before. (The peak is `memory.peakActivationBytes`; the docs
 * playground draws the whole curve.)
 */
export function liveBytesByStep(steps: readonly LivenessStep[]): number[] {
  const named = steps.length > 0 && steps.every((e) => e.outputNames !== undefined && e.inputNames !== undefined);
  const delta = new Float64Array(steps.length + 1);
  const lastUse = new Map<string, number>();
  if (named) steps.forEach((e, i) => e.inputNames?.forEach((name) => lastUse.set(name, i)));
  steps.forEach((e, i) => {
    e.outputSizes.forEach((bytes, k) => {
      const name = named ? e.outputNames?.[k] : undefined;
      const end = named ? Math.max(i, (name === undefined ? undefined : lastUse.get(name)) ?? i) : Math.min(i + 1, steps.length - 1);
      addAt(delta, i, bytes);
      addAt(delta, end + 1, -bytes);
    });
  });
  const live: number[] = [];
  let current = 0;
  for (let i = 0; i < steps.length; i += 1) {
    current += delta[i] as number;
    live.push(current);
  }
  return live;
}

/** The largest sum of live activations over the execution order ({@link liveBytesByStep}'s peak). */
export function peakLiveBytes(events: readonly LayerEvent[]): number {
  const live = liveBytesByStep(
    events.map((e) => ({
      outputSizes: outputSizes(e),
      ...(e.inputNames ? { inputNames: e.inputNames } : {}),
      ...(e.outputNames ? { outputNames: e.outputNames } : {}),
    })),
  );
  return live.reduce((peak, v) => (v > peak ? v : peak), 0);
}

function addAt(values: Float64Array, index: number, amount: number): void {
  values[index] = (values[index] ?? 0) + amount;
}

function outputSizes(event: LayerEvent): number[] {
  const sizes = event.outputShapes.map((shape, k) => {
    const dtype = event.outputDTypes[k];
    const elements = elementCount(shape);
    return elements !== undefined && dtype !== undefined && isKnownDType(dtype) ? tensorBytes(elements, dtype) : undefined;
  });
  if (sizes.every((s) => s !== undefined)) return sizes as number[];
  const share = event.outputShapes.length === 0 ? 0 : event.outputBytes / event.outputShapes.length;
  return event.outputShapes.map(() => share);
}

/** The leaf rows of the pass: the executed ones; in a static summary (none executed) every leaf that would run. */
function executedLeaves(rows: readonly LayerRow[]): LayerRow[] {
  const leaves = rows.filter((r) => !r.isContainer && r.type !== 'scope');
  return rows.some((r) => r.executed) ? leaves.filter((r) => r.executed) : leaves.filter((r) => !r.skipped);
}

/** Params of each layer as owned by its first call (later calls show 0 on their rows). */
function ownerParams(rows: readonly LayerRow[]): Map<string, number> {
  const owned = new Map<string, number>();
  for (const row of rows) if (row.callIndex === 0) owned.set(row.id, row.params);
  return owned;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
