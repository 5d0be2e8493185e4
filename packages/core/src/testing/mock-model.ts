import type { DType, HookableModel, InputSpec, LayerEvent, LayerRecord, ResolvedInput, Shape } from '../contract.js';
import { tensorBytes } from '../dtype.js';
import { elementCount } from '../shape.js';

/** One output tensor of a mock layer call. A `null` leading dim takes the batch size of the pass. */
export interface MockOutput {
  shape: Shape;
  dtype?: DType;
  /** Bytes reported for it; default: computed from shape and dtype. */
  bytes?: number;
  name?: string;
}

/** One call of a mock layer. */
export interface MockCall {
  inputShapes?: Shape[];
  outputs: MockOutput[];
  macs?: number;
  inputNames?: string[];
}

/** A layer of the mock model: its static record plus what its calls report. */
export interface MockLayer extends Partial<Omit<LayerRecord, 'id'>> {
  id: string;
  /** Outputs of every call (shorthand for one call). */
  outputs?: MockOutput[];
  inputShapes?: Shape[];
  /** Explicit calls; a layer with two entries is a shared layer called twice. */
  calls?: MockCall[];
  /** Never runs (declared but not executed). */
  skip?: boolean;
}

/** Spec of `createMockModel`. */
export interface MockModelSpec {
  name?: string;
  runtime?: string;
  format?: string;
  inputs?: InputSpec[];
  layers: MockLayer[];
  /** Device the mock reports; `gpu` requests get it, `cpu` requests get `cpu`. Default `mock-gpu`. */
  device?: string;
  /** Layer id whose call throws during the pass. */
  throwAt?: string;
  /** Explicit event order (layer ids, repeated for repeated calls); default post-order of the tree. */
  callOrder?: string[];
  staticOnly?: boolean;
  warnings?: string[];
  measuredPeakBytes?: number;
}

/** Mock tensor handed out by `createMockInputs`. */
export interface MockTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  disposed: boolean;
}

/** The mock adapter plus probes the tests read. */
export interface MockModel extends HookableModel<MockTensor> {
  /** Hooks installed and not yet removed. */
  activeHooks(): number;
  /** Mock tensors created and not yet disposed. */
  liveTensors(): number;
  /** Makes the next passes throw at this layer (or stop throwing with `undefined`). */
  setThrowAt(id: string | undefined): void;
}

/**
 * An in-memory adapter: nested layers, shared weights, multi-output layers, repeated calls, a
 * layer that throws on demand. Used by core's tests and by the conformance suite's self-test.
 */
export function createMockModel(spec: MockModelSpec): MockModel {
  const listeners = new Set<(event: LayerEvent) => void>();
  const live = new Set<MockTensor>();
  let throwAt = spec.throwAt;
  const order = spec.callOrder ?? postOrder(spec.layers);
  const byId = new Map(spec.layers.map((layer) => [layer.id, layer] as const));

  const emit = (event: LayerEvent) => {
    for (const listener of listeners) listener(event);
  };

  return {
    specificationVersion: 'v1',
    runtime: spec.runtime ?? 'mock',
    name: spec.name ?? 'MockModel',
    format: spec.format ?? 'mock',
    ...(spec.staticOnly ? { staticOnly: true } : {}),
    listLayers: () => spec.layers.map(toRecord),
    inputSpecs: () => spec.inputs ?? [{ name: 'input', shape: [null, 4], dtype: 'float32' }],
    registerHooks(onEvent) {
      const listener = (event: LayerEvent) => onEvent(event);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    createMockInputs(specs: ResolvedInput[], device) {
      const tensors = specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype, disposed: false }));
      tensors.forEach((t) => live.add(t));
      return { tensors, device: device === 'cpu' ? 'cpu' : (spec.device ?? 'mock-gpu') };
    },
    run(tensors) {
      const batch = tensors[0]?.shape[0] ?? 1;
      const callCount = new Map<string, number>();
      for (const id of order) {
        const layer = byId.get(id);
        if (!layer || layer.skip) continue;
        const k = callCount.get(id) ?? 0;
        callCount.set(id, k + 1);
        if (id === throwAt) throw new Error(`mock layer "${id}" failed on purpose`);
        emit(eventOf(layer, k, batch));
      }
    },
    disposeInputs(tensors) {
      for (const t of tensors) {
        t.disposed = true;
        live.delete(t);
      }
    },
    ...(spec.warnings ? { warnings: () => spec.warnings ?? [] } : {}),
    ...(spec.measuredPeakBytes === undefined ? {} : { measuredPeakBytes: () => spec.measuredPeakBytes }),
    activeHooks: () => listeners.size,
    liveTensors: () => live.size,
    setThrowAt(id) {
      throwAt = id;
    },
  };
}

function toRecord(layer: MockLayer): LayerRecord {
  const params = layer.params ?? 0;
  const record: LayerRecord = {
    id: layer.id,
    name: layer.name ?? layer.id,
    type: layer.type ?? 'Mock',
    params,
    paramBytes: layer.paramBytes ?? params * 4,
  };
  if (layer.parentId !== undefined) record.parentId = layer.parentId;
  if (layer.trainableParams !== undefined) record.trainableParams = layer.trainableParams;
  if (layer.sharedWith !== undefined) record.sharedWith = layer.sharedWith;
  if (layer.macs !== undefined) record.macs = layer.macs;
  if (layer.staticOutputShapes !== undefined) record.staticOutputShapes = layer.staticOutputShapes;
  if (layer.staticOutputDTypes !== undefined) record.staticOutputDTypes = layer.staticOutputDTypes;
  if (layer.attributes !== undefined) record.attributes = layer.attributes;
  return record;
}

function eventOf(layer: MockLayer, callIndex: number, batch: number): LayerEvent {
  const call: MockCall = layer.calls?.[callIndex] ?? { outputs: layer.outputs ?? [], ...(layer.inputShapes ? { inputShapes: layer.inputShapes } : {}) };
  const withBatch = (shape: Shape): Shape => (shape[0] === null ? [batch, ...shape.slice(1)] : shape);
  const outputShapes = call.outputs.map((o) => withBatch(o.shape));
  const outputDTypes = call.outputs.map((o) => o.dtype ?? 'float32');
  const outputBytes = call.outputs.reduce(
    (sum, o, k) => sum + (o.bytes ?? tensorBytes(elementCount(outputShapes[k] as Shape) ?? 0, outputDTypes[k] as DType)),
    0,
  );
  const event: LayerEvent = {
    id: layer.id,
    inputShapes: (call.inputShapes ?? []).map(withBatch),
    outputShapes,
    outputDTypes,
    outputBytes,
    callIndex,
  };
  if (call.macs !== undefined) event.macs = call.macs;
  if (call.outputs.every((o) => o.name !== undefined)) event.outputNames = call.outputs.map((o) => o.name as string);
  if (call.inputNames) event.inputNames = call.inputNames;
  return event;
}

/** Children before their parent, as forward hooks fire; repeated calls repeat the id. */
function postOrder(layers: readonly MockLayer[]): string[] {
  const children = new Map<string | undefined, MockLayer[]>();
  for (const layer of layers) {
    const list = children.get(layer.parentId);
    if (list) list.push(layer);
    else children.set(layer.parentId, [layer]);
  }
  const order: string[] = [];
  const visit = (layer: MockLayer) => {
    for (const child of children.get(layer.id) ?? []) visit(child);
    const calls = layer.calls?.length ?? 1;
    for (let k = 0; k < calls; k += 1) order.push(layer.id);
  };
  for (const root of children.get(undefined) ?? []) visit(root);
  return order;
}
