import type { Dim, DType } from '../contract.js';
import type { LayerRow, MemoryEstimate, ModelSummary, Provenance } from '../summary.js';

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
  layers: LayerJSON[];
  totals: { params: number; trainableParams?: number; nonTrainableParams?: number; paramBytes: number; macs: number };
  memory: MemoryEstimate;
  warnings: string[];
}

function layerJSON(row: LayerRow): LayerJSON {
  const out: LayerJSON = {
    id: row.id,
    name: row.name,
    type: row.type,
    depth: row.depth,
  } as LayerJSON;
  if (row.parentId !== undefined) out.parentId = row.parentId;
  out.inputShapes = row.inputShapes.map((s) => [...s]);
  out.outputShapes = row.outputShapes.map((s) => [...s]);
  out.outputDTypes = [...row.outputDTypes];
  out.params = row.params;
  if (row.trainableParams !== undefined) out.trainableParams = row.trainableParams;
  out.paramBytes = row.paramBytes;
  out.macs = row.macs ?? null;
  if (row.sharedWith !== undefined) out.sharedWith = [...row.sharedWith];
  out.executed = row.executed;
  out.provenance = { shape: row.provenance.shape, macs: row.provenance.macs };
  out.callIndex = row.callIndex;
  out.outputBytes = row.outputBytes;
  return out;
}

/**
 * The summary as schema v1 data: plain objects and arrays (no shared references with the
 * summary), keys in a fixed order, undefined keys omitted, `macs: null` for unknown MACs.
 */
export function toJSON(summary: ModelSummary): SummaryJSON {
  const t = summary.totals;
  const totals: SummaryJSON['totals'] = { params: t.params } as SummaryJSON['totals'];
  if (t.trainableParams !== undefined) totals.trainableParams = t.trainableParams;
  if (t.trainableParams !== undefined || t.nonTrainableParams !== undefined) {
    totals.nonTrainableParams = t.nonTrainableParams ?? t.params - (t.trainableParams ?? 0);
  }
  totals.paramBytes = t.paramBytes;
  totals.macs = t.macs;

  const m = summary.memory;
  const memory: SummaryJSON['memory'] = {
    convention: m.convention,
    inputBytes: m.inputBytes,
    activationBytes: m.activationBytes,
    forwardBackwardBytes: m.forwardBackwardBytes,
    paramBytes: m.paramBytes,
    totalBytes: m.totalBytes,
    peakActivationBytes: m.peakActivationBytes,
  };
  if (m.measuredPeakBytes !== undefined) memory.measuredPeakBytes = m.measuredPeakBytes;

  return {
    schemaVersion: 1,
    model: { name: summary.model.name, format: summary.model.format, runtime: summary.model.runtime },
    device: summary.device,
    batchSize: summary.batchSize,
    inputs: summary.inputs.map((i) => ({ name: i.name, shape: [...i.shape], dtype: i.dtype, bytes: i.bytes })),
    layers: summary.layers.map(layerJSON),
    totals,
    memory,
    warnings: [...summary.warnings],
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const describe = (v: unknown): string => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v);
const PROVENANCE = new Set(['observed', 'static', 'unknown']);
const CONVENTIONS = new Set(['default', 'torchsummary', 'torchinfo']);

const TOP_KEYS = ['schemaVersion', 'model', 'device', 'batchSize', 'inputs', 'layers', 'totals', 'memory', 'warnings'];
const LAYER_KEYS = [
  'id', 'name', 'type', 'depth', 'parentId', 'inputShapes', 'outputShapes', 'outputDTypes', 'params',
  'trainableParams', 'paramBytes', 'macs', 'sharedWith', 'executed', 'provenance', 'callIndex', 'outputBytes',
];
const TOTALS_KEYS = ['params', 'trainableParams', 'nonTrainableParams', 'paramBytes', 'macs'];
const MEMORY_KEYS = [
  'convention', 'inputBytes', 'activationBytes', 'forwardBackwardBytes', 'paramBytes', 'totalBytes',
  'peakActivationBytes', 'measuredPeakBytes',
];

/**
 * Checks a value against JSON schema v1 and its invariants. Returns the problems found, each as
 * `path: what is wrong`; an empty array means valid. Checks every required key and its type, no
 * unknown keys, parents listed before children with depth = parent depth + 1, trainable <= params,
 * and totals equal to the sums of the rows (params, trainable, param bytes).
 */
export function validateSummaryJSON(value: unknown): string[] {
  const problems: string[] = [];
  const bad = (path: string, expected: string, got: unknown) => problems.push(`${path}: expected ${expected}, got ${describe(got)}${typeof got === 'number' || typeof got === 'string' ? ` ${JSON.stringify(got)}` : ''}`);
  const keys = (path: string, obj: Obj, allowed: string[]) => {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) problems.push(`${path}.${k}: unknown key`);
  };
  const str = (path: string, obj: Obj, key: string, optional = false) => {
    const v = obj[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string') bad(`${path}.${key}`, 'a string', v);
  };
  const count = (path: string, obj: Obj, key: string, optional = false) => {
    const v = obj[key];
    if (v === undefined && optional) return;
    if (!isCount(v)) bad(`${path}.${key}`, 'a non-negative integer', v);
  };
  const shapeList = (path: string, v: unknown) => {
    if (!Array.isArray(v)) return bad(path, 'an array of shapes', v);
    v.forEach((shape, i) => {
      if (!Array.isArray(shape)) return bad(`${path}[${i}]`, 'a shape (array)', shape);
      shape.forEach((d, j) => {
        if (!(d === null || typeof d === 'string' || isCount(d))) bad(`${path}[${i}][${j}]`, 'a dim (integer >= 0, string or null)', d);
      });
    });
  };
  const stringList = (path: string, v: unknown) => {
    if (!Array.isArray(v)) return bad(path, 'an array of strings', v);
    v.forEach((s, i) => typeof s !== 'string' && bad(`${path}[${i}]`, 'a string', s));
  };

  if (!isObj(value)) {
    bad('$', 'an object', value);
    return problems;
  }
  keys('$', value, TOP_KEYS);
  if (value.schemaVersion !== 1) bad('$.schemaVersion', '1', value.schemaVersion);

  if (!isObj(value.model)) bad('$.model', 'an object', value.model);
  else {
    keys('$.model', value.model, ['name', 'format', 'runtime']);
    for (const k of ['name', 'format', 'runtime']) str('$.model', value.model, k);
  }
  str('$', value, 'device');
  if (!isCount(value.batchSize) || value.batchSize < 1) bad('$.batchSize', 'a positive integer', value.batchSize);

  if (!Array.isArray(value.inputs)) bad('$.inputs', 'an array', value.inputs);
  else
    value.inputs.forEach((input: unknown, i) => {
      const p = `$.inputs[${i}]`;
      if (!isObj(input)) return bad(p, 'an object', input);
      keys(p, input, ['name', 'shape', 'dtype', 'bytes']);
      str(p, input, 'name');
      str(p, input, 'dtype');
      count(p, input, 'bytes');
      if (!Array.isArray(input.shape) || !input.shape.every(isCount)) bad(`${p}.shape`, 'an array of non-negative integers', input.shape);
    });

  let sumParams = 0;
  let sumTrainable = 0;
  let anyTrainable = false;
  let sumParamBytes = 0;
  const depthOf = new Map<string, number>();
  if (!Array.isArray(value.layers)) bad('$.layers', 'an array', value.layers);
  else
    value.layers.forEach((layer: unknown, i) => {
      const p = `$.layers[${i}]`;
      if (!isObj(layer)) return bad(p, 'an object', layer);
      keys(p, layer, LAYER_KEYS);
      str(p, layer, 'id');
      str(p, layer, 'name');
      str(p, layer, 'type');
      count(p, layer, 'depth');
      str(p, layer, 'parentId', true);
      shapeList(`${p}.inputShapes`, layer.inputShapes);
      shapeList(`${p}.outputShapes`, layer.outputShapes);
      stringList(`${p}.outputDTypes`, layer.outputDTypes);
      count(p, layer, 'params');
      count(p, layer, 'trainableParams', true);
      count(p, layer, 'paramBytes');
      if (!(layer.macs === null || isAmount(layer.macs))) bad(`${p}.macs`, 'a non-negative number or null', layer.macs);
      if (layer.sharedWith !== undefined) stringList(`${p}.sharedWith`, layer.sharedWith);
      if (typeof layer.executed !== 'boolean') bad(`${p}.executed`, 'a boolean', layer.executed);
      if (!isObj(layer.provenance)) bad(`${p}.provenance`, 'an object', layer.provenance);
      else {
        keys(`${p}.provenance`, layer.provenance, ['shape', 'macs']);
        for (const k of ['shape', 'macs']) {
          if (!PROVENANCE.has(layer.provenance[k] as string)) bad(`${p}.provenance.${k}`, '"observed", "static" or "unknown"', layer.provenance[k]);
        }
      }
      count(p, layer, 'callIndex');
      count(p, layer, 'outputBytes');

      if (isCount(layer.params)) sumParams += layer.params;
      if (isCount(layer.paramBytes)) sumParamBytes += layer.paramBytes;
      if (isCount(layer.trainableParams)) {
        anyTrainable = true;
        sumTrainable += layer.trainableParams;
        if (isCount(layer.params) && layer.trainableParams > layer.params) {
          problems.push(`${p}.trainableParams: ${layer.trainableParams} exceeds params ${layer.params}`);
        }
      }
      if (isCount(layer.callIndex) && layer.callIndex > 0 && layer.params !== 0) {
        problems.push(`${p}.params: a repeated call (callIndex ${layer.callIndex}) owns no params, got ${String(layer.params)}`);
      }
      if (typeof layer.id === 'string' && isCount(layer.depth)) {
        if (typeof layer.parentId === 'string') {
          const parentDepth = depthOf.get(layer.parentId);
          if (parentDepth === undefined) problems.push(`${p}.parentId: "${layer.parentId}" is not a layer listed before it`);
          else if (layer.depth !== parentDepth + 1) problems.push(`${p}.depth: expected ${parentDepth + 1} (parent depth + 1), got ${layer.depth}`);
        } else if (layer.parentId === undefined && layer.depth !== 0) {
          problems.push(`${p}.depth: a layer without parentId has depth 0, got ${layer.depth}`);
        }
        if (!depthOf.has(layer.id)) depthOf.set(layer.id, layer.depth);
      }
    });

  if (!isObj(value.totals)) bad('$.totals', 'an object', value.totals);
  else {
    const t = value.totals;
    keys('$.totals', t, TOTALS_KEYS);
    count('$.totals', t, 'params');
    count('$.totals', t, 'trainableParams', true);
    count('$.totals', t, 'nonTrainableParams', true);
    count('$.totals', t, 'paramBytes');
    if (!isAmount(t.macs)) bad('$.totals.macs', 'a non-negative number', t.macs);
    if (Array.isArray(value.layers)) {
      if (isCount(t.params) && t.params !== sumParams) problems.push(`$.totals.params: ${t.params} is not the sum of layer params ${sumParams}`);
      if (isCount(t.paramBytes) && t.paramBytes !== sumParamBytes) {
        problems.push(`$.totals.paramBytes: ${t.paramBytes} is not the sum of layer paramBytes ${sumParamBytes}`);
      }
      if (isCount(t.trainableParams) && anyTrainable && t.trainableParams !== sumTrainable) {
        problems.push(`$.totals.trainableParams: ${t.trainableParams} is not the sum of layer trainableParams ${sumTrainable}`);
      }
    }
    if (isCount(t.trainableParams) && isCount(t.params)) {
      if (t.trainableParams > t.params) problems.push(`$.totals.trainableParams: ${t.trainableParams} exceeds params ${t.params}`);
      if (t.nonTrainableParams === undefined) problems.push('$.totals.nonTrainableParams: required when trainableParams is present');
      else if (isCount(t.nonTrainableParams) && t.nonTrainableParams !== t.params - t.trainableParams) {
        problems.push(`$.totals.nonTrainableParams: expected params - trainableParams = ${t.params - t.trainableParams}, got ${t.nonTrainableParams}`);
      }
    }
  }

  if (!isObj(value.memory)) bad('$.memory', 'an object', value.memory);
  else {
    const m = value.memory;
    keys('$.memory', m, MEMORY_KEYS);
    if (!CONVENTIONS.has(m.convention as string)) bad('$.memory.convention', '"default", "torchsummary" or "torchinfo"', m.convention);
    for (const k of MEMORY_KEYS.slice(1)) count('$.memory', m, k, k === 'measuredPeakBytes');
  }

  stringList('$.warnings', value.warnings);
  return problems;
}
