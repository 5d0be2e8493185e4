/** A tfjs-layers `LayersModel` as a `HookableModel`: hooks on every layer's `call`, one `predict`. */
import type { HookableModel, InputSpec, LayerEvent, LayerRecord, OutputSpec, RemoveHooks } from '@modelsummary/core';
import { hookLayers, indexLayersModel, layersInputSpecs, type LayersIndex } from './layers.js';
import { copyRecords } from './records.js';
import { passRuntime, type TfjsAdapterOptions } from './pass-runtime.js';
import type { LayersModelLike, Tensor } from './types.js';

/** Makes a tfjs `LayersModel` (tf.sequential, tf.model, loaded or nested) summarizable. */
export function tfjsLayersAdapter(model: LayersModelLike, options: TfjsAdapterOptions = {}): HookableModel<Tensor> {
  let index: LayersIndex | undefined;
  const layers = (): LayersIndex => (index ??= indexLayersModel(model));
  const runtime = passRuntime(options, {
    declared: () => layersInputSpecs(model),
    weights: () => model.weights.map((w) => w.read()),
    intHigh: () => layers().embeddingInputDim ?? 1, // valid indices for every Embedding layer: [0, smallest inputDim)
  });
  let emit: ((event: LayerEvent) => void) | null = null;
  let outputs: OutputSpec[] | undefined;

  return {
    specificationVersion: 'v1',
    runtime: 'tfjs',
    name: options.name ?? model.name,
    format: 'tfjs-layers',
    listLayers: (): LayerRecord[] => copyRecords(layers().records),
    inputSpecs(): InputSpec[] {
      layers();
      return layersInputSpecs(model);
    },
    registerHooks(onEvent): RemoveHooks {
      emit = onEvent;
      const remove = hookLayers(layers(), (event) => emit?.(event), new Map());
      return () => {
        remove();
        if (emit === onEvent) emit = null;
      };
    },
    createMockInputs: (specs, device) => runtime.createMockInputs(specs, device),
    run: (tensors) =>
      runtime.measure((tf) => {
        tf.tidy(() => {
          const batchSize = Math.max(1, tensors[0]?.shape[0] ?? 1);
          const out = model.predict(tensors.length === 1 ? (tensors[0] as Tensor) : tensors, { batchSize, verbose: false });
          outputs = (Array.isArray(out) ? out : [out]).map((t, k) => ({ name: model.outputNames?.[k] ?? `output_${k}`, shape: [...t.shape], dtype: t.dtype }));
        });
      }),
    disposeInputs: (tensors) => runtime.disposeInputs(tensors),
    measuredPeakBytes: () => runtime.measuredPeakBytes(),
    outputSpecs: () => outputs,
    warnings: () => [...runtime.deviceWarnings()],
  };
}
