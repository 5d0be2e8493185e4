/** tfjs-layers `LayersModel`: layer records from the layer tree, hooks on every layer's `call`. */
import { attributeToLayer, elementCount, summaryError, tensorBytes, weightLedger, type InputSpec, type LayerEvent, type LayerRecord } from '@modelsummary/core';
import { layerMacs, type LayerInfo } from './layer-macs.js';
import type { LayerLike, LayersModelLike, LayerVariableLike, Tensor } from './types.js';

/** Attributes copied from a layer's config (the `kernel` column reads `kernelSize`). */
const ATTRIBUTE_KEYS = [
  'kernelSize', 'strides', 'padding', 'dilationRate', 'poolSize', 'filters', 'units', 'activation',
  'depthMultiplier', 'rate', 'inputDim', 'outputDim', 'returnSequences', 'returnState', 'axis', 'targetShape',
] as const;

export interface LayerTarget {
  layer: LayerLike;
  id: string;
  info: LayerInfo;
  container: boolean;
}

export interface LayersIndex {
  records: LayerRecord[];
  targets: LayerTarget[];
  /** Smallest `inputDim` of the Embedding layers, for valid int indices. */
  embeddingInputDim?: number;
}

/**
 * Marks the `call` wrappers this adapter installs (`layer.call[HOOK_MARK] === true`), so a test or
 * a conformance check can count the hooks still in place.
 */
export const HOOK_MARK: unique symbol = Symbol.for('@modelsummary/adapter-tfjs/hook') as never;

export function isLayersModel(model: unknown): model is LayersModelLike {
  const m = model as Partial<LayersModelLike> | null;
  return typeof m === 'object' && m !== null && Array.isArray(m.layers) && typeof m.predict === 'function' && typeof m.getClassName === 'function';
}

function isContainer(layer: LayerLike): boolean {
  return Array.isArray(layer.layers);
}

function safeConfig(layer: LayerLike): Record<string, unknown> {
  try {
    return layer.getConfig?.() ?? {};
  } catch {
    return {};
  }
}

function infoOf(layer: LayerLike): LayerInfo {
  const info: LayerInfo = { className: layer.getClassName(), config: safeConfig(layer) };
  const inner = layer.forwardLayer ?? (info.className === 'TimeDistributed' ? layer.layer : undefined);
  if (inner) info.inner = { className: inner.getClassName(), config: safeConfig(inner) };
  return info;
}

function attributesOf(config: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const key of ATTRIBUTE_KEYS) {
    const v = config[key];
    if (v === undefined || v === null || typeof v === 'function') continue;
    if (typeof v === 'object' && !Array.isArray(v)) continue;
    out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function weightSize(w: LayerVariableLike): number {
  return elementCount(w.shape) ?? 0;
}

/** Checks the model is built and lists its layers (pre-order), params owned once. */
export function indexLayersModel(model: LayersModelLike): LayersIndex {
  if (!Array.isArray(model.inputs) || model.inputs.length === 0 || model.layers.length === 0) {
    throw summaryError(
      'INVALID_MODEL',
      `the layers model "${model.name}" is not built: it has ${model.layers.length} layer(s) and ${model.inputs?.length ?? 0} input(s); give its first layer an inputShape (or build it) before summarizing`,
      { details: { model: model.name } },
    );
  }
  const trainable = new Set<LayerVariableLike>(model.collectedTrainableWeights ?? model.trainableWeights);
  const records: LayerRecord[] = [];
  const targets: LayerTarget[] = [];
  const seen = new Map<LayerLike, LayerRecord>();
  const ledger = weightLedger((w: LayerVariableLike) => {
    const elements = weightSize(w);
    return { elements, bytes: tensorBytes(elements, w.dtype), trainable: trainable.has(w) };
  });
  let embeddingInputDim: number | undefined;

  /** `skip`: weights a container's descendants already own (or share): not owned again, not "shared". */
  const own = (record: LayerRecord, weights: readonly LayerVariableLike[], skip?: ReadonlySet<LayerVariableLike>) => {
    for (const w of weights) if (!skip?.has(w)) ledger.use(record, w);
  };

  const visit = (container: LayerLike, parentId: string | undefined): void => {
    for (const layer of container.layers ?? []) {
      const info = infoOf(layer);
      // Input layers are not rows: the inputs are in the summary's header and `inputs` (and an
      // InputLayer row would count the input tensor again as an activation). They have no weights.
      if (info.className === 'InputLayer') continue;
      const id = parentId === undefined ? layer.name : `${parentId}/${layer.name}`;
      const record: LayerRecord = { id, name: layer.name, type: info.className, params: 0, trainableParams: 0, paramBytes: 0 };
      if (parentId !== undefined) record.parentId = parentId;
      records.push(record);
      const again = seen.get(layer);
      if (again) {
        // The same layer object listed in two places: its weights are owned by the first listing.
        ledger.share(again, record);
        continue;
      }
      seen.set(layer, record);
      const attributes = attributesOf(info.config);
      if (attributes) record.attributes = attributes;
      if (info.className === 'Embedding' && typeof info.config.inputDim === 'number') {
        embeddingInputDim = Math.min(embeddingInputDim ?? Infinity, info.config.inputDim);
      }
      const container = isContainer(layer);
      targets.push({ layer, id, info, container });
      if (container) {
        visit(layer, id);
        // A container's weights are its children's: they own (or share) them, the container does not.
        own(record, layer.weights, new Set((layer.layers ?? []).flatMap((child) => child.weights)));
      } else {
        own(record, layer.weights);
      }
    }
  };
  visit(model, undefined);
  ledger.finish();
  return { records, targets, ...(embeddingInputDim === undefined ? {} : { embeddingInputDim }) };
}

/** Declared inputs: shape with null batch, dtype, name. */
export function layersInputSpecs(model: LayersModelLike): InputSpec[] {
  return model.inputs.map((input, i) => ({
    name: model.inputNames?.[i] ?? input.name,
    shape: [...input.shape],
    dtype: input.dtype,
  }));
}

type AnyTensor = Tensor & { id: number };

function isRealTensor(t: unknown): t is AnyTensor {
  return typeof t === 'object' && t !== null && 'dataId' in t && 'id' in t;
}

function tensorList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => tensorList(v));
  return value === undefined || value === null ? [] : [value];
}

/** Builds the event of one call from its real input and output tensors. */
export function tensorEvent(id: string, callIndex: number, inputs: readonly AnyTensor[], outputs: readonly AnyTensor[], macs?: number): LayerEvent {
  let outputBytes = 0;
  for (const t of outputs) outputBytes += tensorBytes(t.size, t.dtype);
  return {
    id,
    callIndex,
    inputShapes: inputs.map((t) => [...t.shape]),
    outputShapes: outputs.map((t) => [...t.shape]),
    inputDTypes: inputs.map((t) => t.dtype),
    outputDTypes: outputs.map((t) => t.dtype),
    outputBytes,
    ...(macs === undefined ? {} : { macs }),
    inputNames: inputs.map((t) => String(t.id)),
    outputNames: outputs.map((t) => String(t.id)),
  };
}

/**
 * Wraps `call` on every layer instance (nested models included); returns the function that puts
 * each original back (deleting the own property when `call` came from the prototype).
 */
export function hookLayers(index: LayersIndex, emit: (event: LayerEvent) => void, callCount: Map<string, number>): () => void {
  const restores: (() => void)[] = [];
  const next = (id: string) => {
    const n = callCount.get(id) ?? 0;
    callCount.set(id, n + 1);
    return n;
  };
  for (const { layer, id, info, container } of index.targets) {
    const hadOwn = Object.prototype.hasOwnProperty.call(layer, 'call');
    const original = layer.call;
    const wrapped = function hookedCall(this: LayerLike, inputs: unknown, kwargs: unknown): unknown {
      const ins = tensorList(inputs);
      const real = ins.length > 0 && ins.every(isRealTensor);
      let output: unknown;
      try {
        output = original.call(this, inputs, kwargs);
      } catch (error) {
        throw real ? attributeToLayer(error, id) : error;
      }
      if (real) {
        const outs = tensorList(output).filter(isRealTensor);
        const realIns = ins as AnyTensor[];
        const macs = container ? undefined : layerMacs(info, realIns.map((t) => t.shape), outs.map((t) => t.shape));
        const event = tensorEvent(id, next(id), realIns, outs, macs);
        if (container) {
          // A container's outputs are its children's: no tensor names, so they are not counted twice.
          delete event.inputNames;
          delete event.outputNames;
        }
        emit(event);
      }
      return output;
    };
    Object.defineProperty(wrapped, HOOK_MARK, { value: true });
    layer.call = wrapped;
    restores.push(() => {
      if (layer.call !== wrapped) return;
      if (hadOwn) layer.call = original;
      else delete (layer as Partial<LayerLike>).call;
    });
  }
  return () => {
    for (const restore of restores.reverse()) restore();
  };
}
