import {
  formatShape,
  summaryError,
  type DeviceRequest,
  type HookableModel,
  type InputSpec,
  type LayerEvent,
  type LayerRecord,
  type MockInputs,
  type RemoveHooks,
  type ResolvedInput,
} from '@modelsummary/core';
import { registerChainedOps } from './chained-ops.js';
import { guardProfilerErrors, resetProfiling, restoreBackend, selectBackend, type BackendSwitch } from './device.js';
import { graphEvents, graphInputSpecs, indexGraphModel, isGraphModel, requestedOutputs, type GraphIndex } from './graph.js';
import { hookLayers, indexLayersModel, isLayersModel, layersInputSpecs, type LayersIndex } from './layers.js';
import type { GraphModelLike, LayersModelLike, Tensor, TfModule } from './types.js';

/** Options of {@link tfjsAdapter}. */
export interface TfjsAdapterOptions {
  /**
   * The tfjs module the model was made with (`import * as tf from '@tensorflow/tfjs'`). Default:
   * `@tensorflow/tfjs-core`, which is the same instance when packages are deduplicated.
   */
  tf?: TfModule;
  /** Name for the summary header. Default: the layers model's name, or `GraphModel`. */
  name?: string;
  /** Measure the pass with `tf.profile` (reported as `measuredPeakBytes`). Default true. */
  measureMemory?: boolean;
  /** Add the chained tensor methods (`x.flatten()`, ...) that a modular tfjs-core build lacks. Default true. */
  registerChainedOps?: boolean;
}

/** A model the adapter accepts: a tfjs-layers `LayersModel` or a tfjs-converter `GraphModel`. */
export type TfjsModel =
  | { readonly layers: readonly unknown[]; predict(...args: never[]): unknown; getClassName(): string }
  | { execute(...args: never[]): unknown; executeAsync(...args: never[]): unknown };

/** The dtypes tfjs tensors have. */
const TFJS_DTYPES = ['float32', 'int32', 'bool', 'complex64', 'string'] as const;
/** The dtypes the adapter makes mock inputs of. */
const MOCK_DTYPES = new Set(['float32', 'int32', 'bool']);
const MOCK_SEED = 42;

async function loadTf(given: TfModule | undefined): Promise<TfModule> {
  if (given) return given;
  try {
    const mod = (await import('@tensorflow/tfjs-core')) as unknown as TfModule & { default?: TfModule };
    return typeof mod.tidy === 'function' ? mod : (mod.default as TfModule);
  } catch (cause) {
    throw summaryError('RUNTIME_UNAVAILABLE', 'could not load @tensorflow/tfjs-core: install it, or pass the tfjs module as options.tf', { cause });
  }
}

function sameShapeRules(declared: InputSpec, spec: ResolvedInput, index: number): void {
  const label = `input "${spec.name}"${declared.name && declared.name !== spec.name ? ` (model input "${declared.name}")` : ''}`;
  if (declared.shape.length !== spec.shape.length) {
    throw summaryError('INVALID_INPUT', `${label} takes ${declared.shape.length} dims ${formatShape(declared.shape)}, got ${formatShape(spec.shape)}`, {
      details: { input: spec.name, index },
    });
  }
  declared.shape.forEach((d, axis) => {
    if (typeof d === 'number' && d !== spec.shape[axis]) {
      throw summaryError(
        'INVALID_INPUT',
        `${label} dim ${axis} is fixed at ${d} by the model, got ${spec.shape[axis]} (shape ${formatShape(spec.shape)} vs ${formatShape(declared.shape)})`,
        { details: { input: spec.name, index, axis } },
      );
    }
  });
  const dtype = String(spec.dtype);
  if (!(TFJS_DTYPES as readonly string[]).includes(dtype)) {
    // float16 / float64 / bfloat16 / int64 / ...: a float32 stand-in would not match the bytes the summary counts.
    throw summaryError('INVALID_INPUT', `${label} has dtype "${dtype}", which tfjs has no tensors of (tfjs dtypes: ${TFJS_DTYPES.join(', ')})`, {
      details: { input: spec.name, index, dtype, supported: [...TFJS_DTYPES] },
    });
  }
  if (!MOCK_DTYPES.has(dtype)) {
    throw summaryError('INVALID_INPUT', `${label} has dtype "${dtype}": mock inputs can be ${[...MOCK_DTYPES].join(', ')}`, {
      details: { input: spec.name, index, dtype, supported: [...MOCK_DTYPES] },
    });
  }
}

/**
 * Makes a TensorFlow.js `LayersModel` (tf.sequential, tf.model, loaded or nested) or `GraphModel`
 * summarizable: `summarize(tfjsAdapter(model))`.
 */
export function tfjsAdapter(model: TfjsModel, options: TfjsAdapterOptions = {}): HookableModel<Tensor> {
  const layersModel = isLayersModel(model) ? (model as LayersModelLike) : undefined;
  const graphModel = !layersModel && isGraphModel(model) ? (model as GraphModelLike) : undefined;
  if (!layersModel && !graphModel) {
    throw summaryError('INVALID_MODEL', 'tfjsAdapter takes a tfjs LayersModel (tf.sequential, tf.model, tf.loadLayersModel) or GraphModel (tf.loadGraphModel)');
  }
  const measure = options.measureMemory !== false;
  let tfModule: TfModule | undefined;
  let layersIndex: LayersIndex | undefined;
  let graphIndex: GraphIndex | undefined;
  let emit: ((event: LayerEvent) => void) | null = null;
  let callCount = new Map<string, number>();
  let backendSwitch: BackendSwitch | undefined;
  let deviceWarnings: string[] = [];
  let lastPeak: number | undefined;

  const tf = async (): Promise<TfModule> => {
    if (!tfModule) {
      tfModule = await loadTf(options.tf);
      if (options.registerChainedOps !== false) registerChainedOps(tfModule);
    }
    return tfModule;
  };
  const layers = (): LayersIndex => (layersIndex ??= indexLayersModel(layersModel as LayersModelLike));
  const graph = (): GraphIndex => (graphIndex ??= indexGraphModel(graphModel as GraphModelLike));
  const weightTensors = (): Tensor[] => {
    if (layersModel) return layersModel.weights.map((w) => w.read());
    return Object.values((graphModel as GraphModelLike).weights ?? {}).flat();
  };
  const declared = (): InputSpec[] => (layersModel ? layersInputSpecs(layersModel) : graphInputSpecs(graphModel as GraphModelLike));

  const mockTensor = (t: TfModule, spec: ResolvedInput): Tensor => {
    const shape = [...spec.shape];
    if (spec.dtype === 'float32') return t.randomUniform(shape, -1, 1, 'float32', MOCK_SEED);
    if (spec.dtype === 'int32') {
      // Valid indices for every Embedding layer: [0, smallest inputDim).
      const high = layersModel ? (layers().embeddingInputDim ?? 1) : 1;
      return high <= 1 ? t.zeros(shape, 'int32') : t.randomUniform(shape, 0, high, 'int32', MOCK_SEED);
    }
    return t.zeros(shape, 'bool');
  };

  const runLayers = (t: TfModule, tensors: Tensor[]) => {
    const m = layersModel as LayersModelLike;
    t.tidy(() => {
      const batchSize = tensors[0]?.shape[0] ?? 1;
      m.predict(tensors.length === 1 ? (tensors[0] as Tensor) : tensors, { batchSize: Math.max(1, batchSize), verbose: false });
    });
  };

  const runGraph = async (t: TfModule, tensors: Tensor[]) => {
    const m = graphModel as GraphModelLike;
    const index = graph();
    const feeds: Record<string, Tensor> = {};
    m.inputs.forEach((input, k) => {
      const x = tensors[k];
      if (x) feeds[input.name] = x;
    });
    const names = requestedOutputs(index);
    let events: LayerEvent[] = [];
    try {
      t.tidy(() => {
        const out = m.execute(feeds, names);
        events = graphEvents(index, m, feeds, Array.isArray(out) ? out : [out]);
      });
    } catch (error) {
      if (!(error instanceof Error) || !/executeAsync/.test(error.message)) throw error;
      const out = await m.executeAsync(feeds, names);
      try {
        events = graphEvents(index, m, feeds, Array.isArray(out) ? out : [out]);
      } finally {
        t.dispose(out);
      }
      if (!index.warnings.some((w) => w.includes('executeAsync'))) {
        index.warnings.push('the graph has control flow or dynamic ops: it ran with executeAsync');
      }
    }
    for (const event of events) emit?.(event);
  };

  const hookable: HookableModel<Tensor> = {
    specificationVersion: 'v1',
    runtime: 'tfjs',
    name: options.name ?? (layersModel ? layersModel.name : 'GraphModel'),
    format: layersModel ? 'tfjs-layers' : 'tfjs-graph',

    listLayers(): LayerRecord[] {
      const records = layersModel ? layers().records : graph().records;
      return records.map((r) => ({
        ...r,
        ...(r.sharedWith ? { sharedWith: [...r.sharedWith] } : {}),
        ...(r.attributes ? { attributes: { ...r.attributes } } : {}),
      }));
    },

    inputSpecs(): InputSpec[] {
      if (layersModel) layers();
      return declared();
    },

    registerHooks(onEvent: (event: LayerEvent) => void): RemoveHooks {
      emit = onEvent;
      if (!layersModel) {
        graph();
        return () => {
          if (emit === onEvent) emit = null;
        };
      }
      callCount = new Map();
      const remove = hookLayers(layers(), (event) => emit?.(event), callCount);
      return () => {
        remove();
        if (emit === onEvent) emit = null;
      };
    },

    async createMockInputs(specs: ResolvedInput[], device: DeviceRequest): Promise<MockInputs<Tensor>> {
      const t = await tf();
      const want = declared();
      if (specs.length !== want.length) {
        throw summaryError('INVALID_INPUT', `the model takes ${want.length} input(s) (${want.map((s) => s.name).join(', ')}), got ${specs.length}`);
      }
      specs.forEach((spec, k) => sameShapeRules(want[k] as InputSpec, spec, k));
      const sw = await selectBackend(t, device, weightTensors);
      backendSwitch = sw;
      deviceWarnings = sw.warnings;
      const tensors: Tensor[] = [];
      try {
        for (const spec of specs) tensors.push(mockTensor(t, spec));
      } catch (cause) {
        t.dispose(tensors);
        backendSwitch = undefined;
        await restoreBackend(t, sw, weightTensors);
        throw summaryError('DEVICE_UNAVAILABLE', `could not create the mock inputs on "${sw.backend}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
      return { tensors, device: sw.backend };
    },

    async run(tensors: Tensor[]): Promise<void> {
      const t = await tf();
      lastPeak = undefined;
      const pass = async () => {
        if (layersModel) runLayers(t, tensors);
        else await runGraph(t, tensors);
      };
      if (!measure) return pass();
      const unguard = guardProfilerErrors(t);
      try {
        const info = await t.profile(async () => {
          await pass();
          return [];
        });
        lastPeak = Number.isFinite(info.peakBytes) ? info.peakBytes : undefined;
      } catch (error) {
        resetProfiling(t);
        throw error;
      } finally {
        unguard();
      }
    },

    async disposeInputs(tensors: Tensor[]): Promise<void> {
      const t = await tf();
      t.dispose(tensors);
      const sw = backendSwitch;
      backendSwitch = undefined;
      if (sw) await restoreBackend(t, sw, weightTensors);
    },

    measuredPeakBytes(): number | undefined {
      return lastPeak;
    },

    warnings(): string[] {
      const own = layersModel ? [] : (graphIndex?.warnings ?? []);
      return [...own, ...deviceWarnings];
    },
  };
  return hookable;
}
