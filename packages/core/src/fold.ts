import type { DType, KVCacheEstimate, LayerEvent, LayerRecord, OutputSpec, ResolvedInput, Shape } from './contract.js';
import { isKnownDType, tensorBytes } from './dtype.js';
import { elementCount } from './shape.js';
import { summaryError } from './errors.js';
import { estimateMemory } from './memory.js';
import { fillScopeShapes } from './scope-shapes.js';
import type { LayerRow, MemoryConvention, ModelSummary, SummaryDefaultedDim, SummaryMemory, SummaryTotals } from './summary.js';

/** Everything `foldSummary` needs: static records, the events of one pass, and the context. */
export interface FoldInput {
  model: { name: string; format: string; runtime: string };
  device: string;
  batchSize: number;
  inputs: readonly ResolvedInput[];
  /** The model's outputs, when the adapter names them. */
  outputs?: readonly OutputSpec[];
  /** Dims nobody gave, with the value used. */
  defaultedDims?: readonly SummaryDefaultedDim[];
  layers: readonly LayerRecord[];
  /** Events in the order the hooks reported them. */
  events: readonly LayerEvent[];
  /** False in static mode: rows come from static facts and nothing is reported as not executed. */
  observed: boolean;
  memoryConvention?: MemoryConvention;
  measuredPeakBytes?: number;
  /** The adapter's key-value cache estimate, when the model has one. */
  kvCache?: KVCacheEstimate;
  warnings?: readonly string[];
}

/** Folds layer records and hook events into a `ModelSummary`. Pure and linear in rows + events. */
export function foldSummary(input: FoldInput): ModelSummary {
  const { depthOf, hasChildren } = indexLayers(input.layers);
  const warnings = [...(input.warnings ?? [])];
  const eventsById = new Map<string, LayerEvent[]>();
  const unknownIds = new Set<string>();
  for (const event of input.events) {
    if (!depthOf.has(event.id)) {
      unknownIds.add(event.id);
      continue;
    }
    const list = eventsById.get(event.id);
    if (list) list.push(event);
    else eventsById.set(event.id, [event]);
  }
  if (unknownIds.size > 0) warnings.push(`hooks reported ${unknownIds.size} layer(s) the model did not list: ${[...unknownIds].slice(0, 5).join(', ')}`);

  const executedIds = executedWithAncestors(input.layers, eventsById);
  const rows: LayerRow[] = [];
  for (const record of input.layers) {
    const depth = depthOf.get(record.id) as number;
    const container = hasChildren.has(record.id);
    const calls = eventsById.get(record.id);
    if (calls && calls.length > 0) {
      calls.forEach((event, k) => rows.push(executedRow(record, event, event.callIndex ?? k, depth, container)));
    } else {
      rows.push(staticRow(record, depth, container, executedIds.has(record.id), input.observed));
    }
  }

  if (input.observed) fillScopeShapes(rows, input.events, input.inputs.map((i) => i.name));
  const totals = computeTotals(input.layers, rows, input.observed);
  const notExecuted = rows.filter((r) => !r.executed && !r.isContainer && !r.skipped);
  if (input.observed && notExecuted.length > 0) {
    warnings.push(`${notExecuted.length} layer(s) declared but never executed: ${listNames(notExecuted)}`);
  }
  if (totals.unknownMacsLayers > 0) {
    const unknown = rows.filter((r) => isUnknownMacs(r, input.observed));
    warnings.push(
      `MACs unknown for ${unknown.length} layer(s) (${countTypes(unknown)}); the total mult-adds is a lower bound`,
    );
  }

  // Static mode: the rows' static outputs, in order, stand for the events of the pass.
  const leafEvents = input.observed
    ? input.events.filter((e) => depthOf.has(e.id) && !hasChildren.has(e.id))
    : rows
        .filter((r) => !r.isContainer && !r.skipped && r.type !== 'scope' && r.outputBytes > 0)
        .map((r) => ({ id: r.id, inputShapes: r.inputShapes, outputShapes: r.outputShapes, outputDTypes: r.outputDTypes, outputBytes: r.outputBytes }));
  const memory: SummaryMemory = estimateMemory(input.memoryConvention ?? 'default', {
    inputs: input.inputs,
    rows,
    events: leafEvents,
    paramBytes: totals.paramBytes,
    ...(input.measuredPeakBytes === undefined ? {} : { measuredPeakBytes: input.measuredPeakBytes }),
  });
  if (input.kvCache) memory.kvCache = { ...input.kvCache };
  if (totals.storedParamBytes !== undefined) memory.storedParamBytes = totals.storedParamBytes;

  return {
    model: input.model,
    device: input.device,
    batchSize: input.batchSize,
    inputs: input.inputs.map((i) => ({ name: i.name, shape: [...i.shape], dtype: i.dtype, bytes: i.bytes })),
    ...(input.outputs && input.outputs.length > 0 ? { outputs: input.outputs.map(copyOutput) } : {}),
    ...(input.defaultedDims && input.defaultedDims.length > 0 ? { defaultedDims: input.defaultedDims.map((d) => ({ name: d.name, value: d.value, flag: d.flag })) } : {}),
    layers: rows,
    totals,
    memory,
    warnings,
  };
}

function copyOutput(o: OutputSpec): OutputSpec {
  return {
    name: o.name,
    ...(o.graphName !== undefined && o.graphName !== o.name ? { graphName: o.graphName } : {}),
    ...(o.shape ? { shape: [...o.shape] } : {}),
    ...(o.dtype ? { dtype: o.dtype } : {}),
  };
}

function indexLayers(layers: readonly LayerRecord[]) {
  const depthOf = new Map<string, number>();
  const hasChildren = new Set<string>();
  for (const record of layers) {
    if (depthOf.has(record.id)) {
      throw summaryError('INVALID_MODEL', `the adapter listed layer id "${record.id}" twice; ids must be unique`);
    }
    if (!Number.isFinite(record.params) || record.params < 0 || !Number.isFinite(record.paramBytes) || record.paramBytes < 0) {
      throw summaryError('INVALID_MODEL', `layer "${record.id}" reports invalid params (${record.params}) or paramBytes (${record.paramBytes})`);
    }
    if (record.parentId === undefined) {
      depthOf.set(record.id, 0);
      continue;
    }
    const parentDepth = depthOf.get(record.parentId);
    if (parentDepth === undefined) {
      throw summaryError('INVALID_MODEL', `layer "${record.id}" names parent "${record.parentId}", which is not listed before it`);
    }
    depthOf.set(record.id, parentDepth + 1);
    hasChildren.add(record.parentId);
  }
  return { depthOf, hasChildren };
}

function executedWithAncestors(layers: readonly LayerRecord[], eventsById: ReadonlyMap<string, LayerEvent[]>): Set<string> {
  const parentOf = new Map(layers.map((l) => [l.id, l.parentId] as const));
  const executed = new Set<string>();
  for (const id of eventsById.keys()) {
    let current: string | undefined = id;
    while (current !== undefined && !executed.has(current)) {
      executed.add(current);
      current = parentOf.get(current);
    }
  }
  return executed;
}

function executedRow(record: LayerRecord, event: LayerEvent, callIndex: number, depth: number, container: boolean): LayerRow {
  const macs = event.macs ?? record.macs ?? (container ? 0 : undefined);
  const inferred = event.inferred === true;
  const macsProvenance = event.macs !== undefined && !inferred ? 'observed' : macs !== undefined ? 'static' : 'unknown';
  const row = baseRow(record, depth, container, callIndex === 0, callIndex, true, { shape: inferred ? 'static' : 'observed', macs: macsProvenance });
  row.inputShapes = event.inputShapes;
  row.outputShapes = event.outputShapes;
  row.outputDTypes = event.outputDTypes;
  row.outputBytes = event.outputBytes;
  if (macs !== undefined) row.macs = macs;
  return row;
}

function staticRow(record: LayerRecord, depth: number, container: boolean, executed: boolean, observed: boolean): LayerRow {
  const shapes = record.staticOutputShapes;
  const skipped = record.executed === false || (observed && record.conditional === true && !executed);
  // A row that does not run for these inputs costs nothing: its MACs stay out of the totals.
  const macs = skipped ? (container ? 0 : undefined) : (record.macs ?? (container ? 0 : undefined));
  const row = baseRow(record, depth, container, true, 0, container && executed && !skipped, {
    shape: shapes ? 'static' : 'unknown',
    macs: macs === undefined ? 'unknown' : 'static',
  });
  if (skipped) row.skipped = true;
  if (record.staticInputShapes) row.inputShapes = record.staticInputShapes;
  if (shapes) row.outputShapes = shapes;
  if (record.staticOutputDTypes) row.outputDTypes = record.staticOutputDTypes;
  // A static summary still knows the bytes of outputs whose shapes and dtypes are concrete.
  if (!observed && !skipped && !container && shapes && record.staticOutputDTypes) row.outputBytes = staticBytes(shapes, record.staticOutputDTypes);
  if (macs !== undefined) row.macs = macs;
  return row;
}

/** Bytes of static outputs: Σ over concrete shapes with known dtypes (0 for the others). */
function staticBytes(shapes: readonly Shape[], dtypes: readonly DType[]): number {
  let total = 0;
  shapes.forEach((shape, k) => {
    const dtype = dtypes[k];
    const n = elementCount(shape);
    if (n !== undefined && dtype !== undefined && isKnownDType(dtype)) total += tensorBytes(n, dtype);
  });
  return total;
}

function baseRow(
  record: LayerRecord,
  depth: number,
  container: boolean,
  owner: boolean,
  callIndex: number,
  executed: boolean,
  provenance: LayerRow['provenance'],
): LayerRow {
  const row: LayerRow = {
    id: record.id,
    name: record.name,
    type: record.type,
    depth,
    inputShapes: [],
    outputShapes: [],
    outputDTypes: [],
    outputBytes: 0,
    params: owner ? record.params : 0,
    paramBytes: owner ? record.paramBytes : 0,
    callIndex,
    executed,
    isContainer: container,
    provenance,
  };
  if (record.parentId !== undefined) row.parentId = record.parentId;
  if (record.trainableParams !== undefined) row.trainableParams = owner ? record.trainableParams : 0;
  if (record.storedParamBytes !== undefined) row.storedParamBytes = owner ? record.storedParamBytes : 0;
  if (record.paramDTypes && owner) row.paramDTypes = { memory: [...record.paramDTypes.memory], stored: [...record.paramDTypes.stored] };
  if (record.sharedWith && record.sharedWith.length > 0) row.sharedWith = [...record.sharedWith];
  if (record.attributes) row.attributes = record.attributes;
  return row;
}

function computeTotals(layers: readonly LayerRecord[], rows: readonly LayerRow[], observed: boolean): SummaryTotals {
  let params = 0;
  let paramBytes = 0;
  let storedParamBytes = 0;
  let trainable = 0;
  const memoryDTypes = new Set<string>();
  const storedDTypes = new Set<string>();
  let macs = 0;
  let unknownMacsLayers = 0;
  for (const row of rows) {
    params += row.params;
    paramBytes += row.paramBytes;
    storedParamBytes += row.storedParamBytes ?? row.paramBytes;
    row.paramDTypes?.memory.forEach((d) => memoryDTypes.add(d));
    row.paramDTypes?.stored.forEach((d) => storedDTypes.add(d));
    trainable += row.trainableParams ?? 0;
    if (row.macs !== undefined) macs += row.macs;
    else if (isUnknownMacs(row, observed)) unknownMacsLayers += 1;
  }
  const knowsTrainable =
    layers.some((l) => l.trainableParams !== undefined) && layers.every((l) => l.trainableParams !== undefined || l.params === 0);
  return {
    params,
    ...(knowsTrainable ? { trainableParams: trainable, nonTrainableParams: params - trainable } : {}),
    paramBytes,
    ...(layers.some((l) => l.storedParamBytes !== undefined) ? { storedParamBytes } : {}),
    ...(memoryDTypes.size > 0 ? { paramDTypes: { memory: [...memoryDTypes], stored: [...storedDTypes] } } : {}),
    macs,
    unknownMacsLayers,
  };
}

/** A leaf whose MACs count for this pass but are not known: executed, or any leaf in static mode. */
export function isUnknownMacs(row: LayerRow, observed: boolean): boolean {
  return row.macs === undefined && !row.isContainer && row.type !== 'scope' && row.skipped !== true && (row.executed || !observed);
}

function listNames(rows: readonly LayerRow[]): string {
  const names = rows.slice(0, 8).map((r) => r.name);
  return rows.length > 8 ? `${names.join(', ')}, … (${rows.length - 8} more)` : names.join(', ');
}

function countTypes(rows: readonly LayerRow[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.type, (counts.get(row.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => (n > 1 ? `${type} ×${n}` : type)).join(', ');
}
