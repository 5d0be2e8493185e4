import type { Dim, DType, KVCacheEstimate, ParamDTypes } from '../contract.js';
import type { LayerRow, MemoryEstimate, ModelSummary, Provenance, SummaryDefaultedDim, SummaryInput, SummaryOutput, SummaryTotals } from '../summary.js';
import {
  bool,
  build,
  count,
  COUNT_SCHEMA,
  is,
  isAmount,
  isCount,
  list,
  object,
  oneOf,
  optional,
  shapeList,
  str,
  stringList,
  type CheckContext,
  type Fields,
  type JsonSchema,
} from './schema.js';
import type { OutputFormatDescriptor } from './types.js';

/** One layer row in schema v1. Optional keys are omitted when unknown; `macs` is null instead. */
export interface LayerJSON {
  id: string;
  name: string;
  type: string;
  depth: number;
  parentId?: string;
  inputShapes: Dim[][];
  outputShapes: Dim[][];
  outputDTypes: DType[];
  params: number;
  trainableParams?: number;
  paramBytes: number;
  /** Bytes of the owned weights as stored in the file, when the adapter reports them. */
  storedParamBytes?: number;
  /** null when unknown ("?"), never 0 for unknown. */
  macs: number | null;
  sharedWith?: string[];
  executed: boolean;
  provenance: { shape: Provenance; macs: Provenance };
  callIndex: number;
  outputBytes: number;
}

/** `toJSON(summary)`: the JSON document of schema version 1 (see DESIGN.md). */
export interface SummaryJSON {
  schemaVersion: 1;
  model: { name: string; format: string; runtime: string };
  device: string;
  batchSize: number;
  inputs: Array<{ name: string; shape: number[]; dtype: DType; bytes: number }>;
  /** The model's outputs, when the adapter names them; a symbolic dim as its name. */
  outputs?: Array<{ name: string; graphName?: string; shape?: (number | string)[]; dtype?: DType }>;
  /** Dims nobody gave: the value used and the CLI flag that sets it. */
  defaultedDims?: Array<{ name: string; value: number; flag: string }>;
  layers: LayerJSON[];
  totals: {
    params: number;
    trainableParams?: number;
    nonTrainableParams?: number;
    paramBytes: number;
    storedParamBytes?: number;
    paramDTypes?: { memory: DType[]; stored: DType[] };
    macs: number;
  };
  memory: MemoryEstimate;
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Schema v1, each object once: its keys in output order, how toJSON reads each from the summary,
// how validateSummaryJSON checks it. Invariants between keys are in the `after` checks below.

/** What the validator keeps while it walks a document: sums of the rows, depth of each layer id. */
interface V1Context extends CheckContext {
  root: Record<string, unknown>;
  params: number;
  trainable: number;
  anyTrainable: boolean;
  paramBytes: number;
  /** Σ of the rows' stored bytes (their `paramBytes` where they report none). */
  storedParamBytes: number;
  depthOf: Map<string, number>;
}

const provenance = oneOf(['observed', 'static', 'unknown']);
/** MACs: a non-negative number (exact integers in practice; a formula may give a fraction). */
const AMOUNT_SCHEMA = { type: 'number', minimum: 0 };

const PROVENANCE: Fields<LayerRow['provenance'], LayerJSON['provenance'], V1Context> = {
  shape: { read: (p) => p.shape, check: provenance },
  macs: { read: (p) => p.macs, check: provenance },
};

const LAYER: Fields<LayerRow, LayerJSON, V1Context> = {
  id: { read: (r) => r.id, check: str },
  name: { read: (r) => r.name, check: str },
  type: { read: (r) => r.type, check: str },
  depth: { read: (r) => r.depth, check: count },
  parentId: { read: (r) => r.parentId, check: optional(str) },
  inputShapes: { read: (r) => r.inputShapes.map((s) => [...s]), check: shapeList },
  outputShapes: { read: (r) => r.outputShapes.map((s) => [...s]), check: shapeList },
  outputDTypes: { read: (r) => [...r.outputDTypes], check: stringList },
  params: { read: (r) => r.params, check: count },
  trainableParams: { read: (r) => r.trainableParams, check: optional(count) },
  paramBytes: { read: (r) => r.paramBytes, check: count },
  storedParamBytes: { read: (r) => r.storedParamBytes, check: optional(count) },
  macs: { read: (r) => r.macs ?? null, check: is((v) => v === null || isAmount(v), 'a non-negative number or null', { anyOf: [AMOUNT_SCHEMA, { type: 'null' }] }) },
  sharedWith: { read: (r) => (r.sharedWith === undefined ? undefined : [...r.sharedWith]), check: optional(stringList) },
  executed: { read: (r) => r.executed, check: bool },
  provenance: { read: (r) => build(PROVENANCE, r.provenance), check: object(PROVENANCE) },
  callIndex: { read: (r) => r.callIndex, check: count },
  outputBytes: { read: (r) => r.outputBytes, check: count },
};

const MODEL: Fields<ModelSummary['model'], SummaryJSON['model'], V1Context> = {
  name: { read: (m) => m.name, check: str },
  format: { read: (m) => m.format, check: str },
  runtime: { read: (m) => m.runtime, check: str },
};

const INPUT: Fields<SummaryInput, SummaryJSON['inputs'][number], V1Context> = {
  name: { read: (i) => i.name, check: str },
  shape: { read: (i) => [...i.shape], check: is((v) => Array.isArray(v) && v.every(isCount), 'an array of non-negative integers', { type: 'array', items: COUNT_SCHEMA }) },
  dtype: { read: (i) => i.dtype, check: str },
  bytes: { read: (i) => i.bytes, check: count },
};

const OUTPUT: Fields<SummaryOutput, NonNullable<SummaryJSON['outputs']>[number], V1Context> = {
  name: { read: (o) => o.name, check: str },
  graphName: { read: (o) => o.graphName, check: optional(str) },
  shape: {
    read: (o) => (o.shape ? [...o.shape] : undefined),
    check: optional(
      is((v) => Array.isArray(v) && v.every((d) => isCount(d) || typeof d === 'string'), 'an array of non-negative integers and dim names', {
        type: 'array',
        items: { anyOf: [COUNT_SCHEMA, { type: 'string' }] },
      }),
    ),
  },
  dtype: { read: (o) => o.dtype, check: optional(str) },
};

const DEFAULTED_DIM: Fields<SummaryDefaultedDim, NonNullable<SummaryJSON['defaultedDims']>[number], V1Context> = {
  name: { read: (d) => d.name, check: str },
  value: { read: (d) => d.value, check: count },
  flag: { read: (d) => d.flag, check: str },
};

const PARAM_DTYPES: Fields<ParamDTypes, ParamDTypes, V1Context> = {
  memory: { read: (d) => [...d.memory], check: stringList },
  stored: { read: (d) => [...d.stored], check: stringList },
};

const TOTALS: Fields<SummaryTotals, SummaryJSON['totals'], V1Context> = {
  params: { read: (t) => t.params, check: count },
  trainableParams: { read: (t) => t.trainableParams, check: optional(count) },
  nonTrainableParams: {
    read: (t) =>
      t.trainableParams === undefined && t.nonTrainableParams === undefined ? undefined : (t.nonTrainableParams ?? t.params - (t.trainableParams ?? 0)),
    check: optional(count),
  },
  paramBytes: { read: (t) => t.paramBytes, check: count },
  storedParamBytes: { read: (t) => t.storedParamBytes, check: optional(count) },
  paramDTypes: {
    read: (t) => (t.paramDTypes === undefined ? undefined : build(PARAM_DTYPES, t.paramDTypes)),
    check: optional(object(PARAM_DTYPES)),
  },
  macs: { read: (t) => t.macs, check: is(isAmount, 'a non-negative number', AMOUNT_SCHEMA) },
};

const KV_CACHE: Fields<KVCacheEstimate, KVCacheEstimate, V1Context> = {
  bytesPerToken: { read: (k) => k.bytesPerToken, check: count },
  bytes: { read: (k) => k.bytes, check: count },
  tokens: { read: (k) => k.tokens, check: count },
};

const MEMORY: Fields<MemoryEstimate, MemoryEstimate, V1Context> = {
  convention: { read: (m) => m.convention, check: oneOf(['default', 'torchsummary', 'torchinfo']) },
  inputBytes: { read: (m) => m.inputBytes, check: count },
  activationBytes: { read: (m) => m.activationBytes, check: count },
  forwardBackwardBytes: { read: (m) => m.forwardBackwardBytes, check: count },
  paramBytes: { read: (m) => m.paramBytes, check: count },
  storedParamBytes: { read: (m) => m.storedParamBytes, check: optional(count) },
  totalBytes: { read: (m) => m.totalBytes, check: count },
  peakActivationBytes: { read: (m) => m.peakActivationBytes, check: count },
  measuredPeakBytes: { read: (m) => m.measuredPeakBytes, check: optional(count) },
  kvCache: { read: (m) => (m.kvCache === undefined ? undefined : build(KV_CACHE, m.kvCache)), check: optional(object(KV_CACHE)) },
};

const SUMMARY: Fields<ModelSummary, SummaryJSON, V1Context> = {
  schemaVersion: { read: () => 1, check: is((v) => v === 1, '1', { const: 1 }) },
  model: { read: (s) => build(MODEL, s.model), check: object(MODEL) },
  device: { read: (s) => s.device, check: str },
  batchSize: { read: (s) => s.batchSize, check: is((v) => isCount(v) && v >= 1, 'a positive integer', { ...COUNT_SCHEMA, minimum: 1 }) },
  inputs: { read: (s) => s.inputs.map((i) => build(INPUT, i)), check: list(object(INPUT)) },
  outputs: { read: (s) => s.outputs?.map((o) => build(OUTPUT, o)), check: optional(list(object(OUTPUT))) },
  defaultedDims: { read: (s) => s.defaultedDims?.map((d) => build(DEFAULTED_DIM, d)), check: optional(list(object(DEFAULTED_DIM))) },
  layers: { read: (s) => s.layers.map((r) => build(LAYER, r)), check: list(object(LAYER, layerInvariants)) },
  totals: { read: (s) => build(TOTALS, s.totals), check: object(TOTALS, totalsInvariants) },
  memory: { read: (s) => build(MEMORY, s.memory), check: object(MEMORY) },
  warnings: { read: (s) => [...s.warnings], check: stringList },
};

/** Trainable within params, repeated calls own nothing, parents before children; adds to the sums. */
function layerInvariants(p: string, layer: Record<string, unknown>, ctx: V1Context): void {
  const { params, trainableParams, paramBytes, storedParamBytes, callIndex, id, depth, parentId } = layer;
  if (isCount(params)) ctx.params += params;
  if (isCount(paramBytes)) ctx.paramBytes += paramBytes;
  if (isCount(storedParamBytes)) ctx.storedParamBytes += storedParamBytes;
  else if (isCount(paramBytes)) ctx.storedParamBytes += paramBytes;
  if (isCount(trainableParams)) {
    ctx.anyTrainable = true;
    ctx.trainable += trainableParams;
    if (isCount(params) && trainableParams > params) ctx.problems.push(`${p}.trainableParams: ${trainableParams} exceeds params ${params}`);
  }
  if (isCount(callIndex) && callIndex > 0 && params !== 0) {
    ctx.problems.push(`${p}.params: a repeated call (callIndex ${callIndex}) owns no params, got ${String(params)}`);
  }
  if (typeof id !== 'string' || !isCount(depth)) return;
  if (typeof parentId === 'string') {
    const parentDepth = ctx.depthOf.get(parentId);
    if (parentDepth === undefined) ctx.problems.push(`${p}.parentId: "${parentId}" is not a layer listed before it`);
    else if (depth !== parentDepth + 1) ctx.problems.push(`${p}.depth: expected ${parentDepth + 1} (parent depth + 1), got ${depth}`);
  } else if (parentId === undefined && depth !== 0) {
    ctx.problems.push(`${p}.depth: a layer without parentId has depth 0, got ${depth}`);
  }
  if (!ctx.depthOf.has(id)) ctx.depthOf.set(id, depth);
}

/** Totals equal the sums of the rows; non-trainable = params - trainable. */
function totalsInvariants(p: string, t: Record<string, unknown>, ctx: V1Context): void {
  const { params, trainableParams, nonTrainableParams, paramBytes, storedParamBytes } = t;
  if (Array.isArray(ctx.root.layers)) {
    if (isCount(params) && params !== ctx.params) ctx.problems.push(`${p}.params: ${params} is not the sum of layer params ${ctx.params}`);
    if (isCount(paramBytes) && paramBytes !== ctx.paramBytes) {
      ctx.problems.push(`${p}.paramBytes: ${paramBytes} is not the sum of layer paramBytes ${ctx.paramBytes}`);
    }
    if (isCount(storedParamBytes) && storedParamBytes !== ctx.storedParamBytes) {
      ctx.problems.push(`${p}.storedParamBytes: ${storedParamBytes} is not the sum of layer storedParamBytes ${ctx.storedParamBytes}`);
    }
    if (isCount(trainableParams) && ctx.anyTrainable && trainableParams !== ctx.trainable) {
      ctx.problems.push(`${p}.trainableParams: ${trainableParams} is not the sum of layer trainableParams ${ctx.trainable}`);
    }
  }
  if (!isCount(trainableParams) || !isCount(params)) return;
  if (trainableParams > params) ctx.problems.push(`${p}.trainableParams: ${trainableParams} exceeds params ${params}`);
  if (nonTrainableParams === undefined) ctx.problems.push(`${p}.nonTrainableParams: required when trainableParams is present`);
  else if (isCount(nonTrainableParams) && nonTrainableParams !== params - trainableParams) {
    ctx.problems.push(`${p}.nonTrainableParams: expected params - trainableParams = ${params - trainableParams}, got ${nonTrainableParams}`);
  }
}

/**
 * The summary as schema v1 data: plain objects and arrays (no shared references with the
 * summary), keys in a fixed order, undefined keys omitted, `macs: null` for unknown MACs.
 */
export function toJSON(summary: ModelSummary): SummaryJSON {
  return build(SUMMARY, summary);
}

/**
 * Checks a value against JSON schema v1 and its invariants. Returns the problems found, each as
 * `path: what is wrong`; an empty array means valid. Checks every required key and its type, no
 * unknown keys, parents listed before children with depth = parent depth + 1, trainable <= params,
 * and totals equal to the sums of the rows (params, trainable, param bytes).
 */
export function validateSummaryJSON(value: unknown): string[] {
  const root = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const ctx: V1Context = { problems: [], root, params: 0, trainable: 0, anyTrainable: false, paramBytes: 0, storedParamBytes: 0, depthOf: new Map() };
  object(SUMMARY)('$', value, ctx);
  return ctx.problems;
}

export const jsonFormat: OutputFormatDescriptor<'json'> = {
  name: 'json',
  aliases: [],
  description: 'the schema-v1 JSON, exactly toJSON(summary)',
  options: [],
  render: (summary) => JSON.stringify(toJSON(summary), null, 2),
};

/**
 * The JSON Schema (draft 2020-12) of schema v1, made from the same key tables `toJSON` writes
 * and `validateSummaryJSON` checks. It says the structure; the sums and links between keys (totals
 * = Σ rows, parents listed first) are `validateSummaryJSON`'s. Published as `@modelsummary/core/schema.json`.
 */
export function summaryJSONSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://unpkg.com/@modelsummary/core/schema.json',
    title: 'modelsummary summary (schema version 1)',
    description: 'What toJSON(summary) and `modelsummary --format json` print. Byte figures are exact integers in bytes.',
    ...(object(SUMMARY).schema ?? {}),
  };
}
