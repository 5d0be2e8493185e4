/** A tfjs-converter `GraphModel` as a `HookableModel`: one `execute` returning every node's output. */
import type { HookableModel, InputSpec, LayerEvent, LayerRecord, RemoveHooks } from '@modelsummary/core';
import { graphEvents, graphInputSpecs, indexGraphModel, requestedOutputs, type GraphIndex } from './graph.js';
import { passRuntime, type TfjsAdapterOptions } from './pass-runtime.js';
import { copyRecords } from './records.js';
import type { GraphModelLike, Tensor, TfModule } from './types.js';

/** Makes a tfjs `GraphModel` (tf.loadGraphModel) summarizable. */
export function tfjsGraphAdapter(model: GraphModelLike, options: TfjsAdapterOptions = {}): HookableModel<Tensor> {
  let index: GraphIndex | undefined;
  const graph = (): GraphIndex => (index ??= indexGraphModel(model));
  const runtime = passRuntime(options, {
    declared: () => graphInputSpecs(model),
    weights: () => Object.values(model.weights ?? {}).flat(),
    intHigh: () => 1,
  });
  let emit: ((event: LayerEvent) => void) | null = null;

  return {
    specificationVersion: 'v1',
    runtime: 'tfjs',
    name: options.name ?? 'GraphModel',
    format: 'tfjs-graph',
    listLayers: (): LayerRecord[] => copyRecords(graph().records),
    inputSpecs: (): InputSpec[] => graphInputSpecs(model),
    registerHooks(onEvent): RemoveHooks {
      emit = onEvent;
      graph();
      return () => {
        if (emit === onEvent) emit = null;
      };
    },
    createMockInputs: (specs, device) => runtime.createMockInputs(specs, device),
    run: (tensors) =>
      runtime.measure(async (tf) => {
        for (const event of await executeGraph(tf, model, graph(), tensors)) emit?.(event);
      }),
    disposeInputs: (tensors) => runtime.disposeInputs(tensors),
    measuredPeakBytes: () => runtime.measuredPeakBytes(),
    warnings: () => [...(index?.warnings ?? []), ...runtime.deviceWarnings()],
  };
}

/** One pass asking for every node's outputs: `execute`, or `executeAsync` when the graph needs it. */
async function executeGraph(tf: TfModule, model: GraphModelLike, index: GraphIndex, tensors: Tensor[]): Promise<LayerEvent[]> {
  const feeds: Record<string, Tensor> = {};
  model.inputs.forEach((input, k) => {
    const x = tensors[k];
    if (x) feeds[input.name] = x;
  });
  const names = requestedOutputs(index);
  let events: LayerEvent[] = [];
  try {
    tf.tidy(() => {
      const out = model.execute(feeds, names);
      events = graphEvents(index, model, feeds, Array.isArray(out) ? out : [out]);
    });
    return events;
  } catch (error) {
    if (!(error instanceof Error) || !/executeAsync/.test(error.message)) throw error;
  }
  const out = await model.executeAsync(feeds, names);
  try {
    events = graphEvents(index, model, feeds, Array.isArray(out) ? out : [out]);
  } finally {
    tf.dispose(out);
  }
  if (!index.warnings.some((w) => w.includes('executeAsync'))) index.warnings.push('the graph has control flow or dynamic ops: it ran with executeAsync');
  return events;
}
