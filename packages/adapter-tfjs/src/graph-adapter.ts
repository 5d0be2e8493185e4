/**
 * A tfjs-converter `GraphModel` as a `HookableModel`. The capture pass asks TF.js for every node it
 * can return (`execute`, or `executeAsync` for control flow and dynamic ops); with control flow,
 * TF.js's kept intermediates give the nodes inside loop frames and the branch taken. With
 * `measureMemory: true`, a second, plain pass of the model (its own outputs only) is what
 * `measuredPeakBytes` measures.
 */
import type { HookableModel, InputSpec, LayerEvent, LayerRecord, RemoveHooks } from '@modelsummary/core';
import { graphEvents, graphInputSpecs, graphOutputSpecs, indexGraphModel, producedTensors, requestedOutputs, type GraphIndex } from './graph.js';
import { inPassScope, passRuntime, type TfjsAdapterOptions } from './pass-runtime.js';
import { copyRecords } from './records.js';
import type { GraphModelLike, Tensor, TfModule } from './types.js';

const KEEP_INTERMEDIATE = 'KEEP_INTERMEDIATE_TENSORS';

/** Makes a tfjs `GraphModel` (tf.loadGraphModel) summarizable. */
export function tfjsGraphAdapter(model: GraphModelLike, options: TfjsAdapterOptions = {}): HookableModel<Tensor> {
  let index: GraphIndex | undefined;
  const graph = (): GraphIndex => (index ??= indexGraphModel(model));
  const runtime = passRuntime(options, {
    // TF.js checks feeds against the placeholders: the signature's sizes are defaults, not limits.
    declared: () => graphInputSpecs(model, false),
    weights: () => Object.values(model.weights ?? {}).flat(),
    intHigh: () => 1,
  });
  let emit: ((event: LayerEvent) => void) | null = null;
  let async = false;
  let lastEvents: LayerEvent[] = [];

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
    async run(tensors) {
      const tf = await runtime.tf();
      const feeds = feedsOf(model, tensors);
      // The model's own peak: a plain pass (its outputs only, nothing kept), measured apart from
      // the capture pass. It runs first: a kernel that throws does so under tf.profile's guard.
      const plain = () => runtime.measure((t) => plainPass(t, model, graph(), feeds));
      const measuring = options.measureMemory === true;
      let plainError: unknown;
      try {
        if (measuring) await plain();
      } catch (error) {
        plainError = error;
      }
      let captured: Awaited<ReturnType<typeof capture>>;
      let fellBack = false;
      try {
        captured = await capture(tf, model, graph(), feeds);
      } catch (error) {
        // tfjs's webgpu backend reads a GPU tensor synchronously through OffscreenCanvas, which
        // Node lacks; control-flow graphs read loop counters, shapes and indices that way.
        if (!(error instanceof Error) || !/OffscreenCanvas/.test(error.message) || tf.getBackend() !== 'webgpu') throw error;
        const to = await runtime.fallBack(
          tensors,
          'this graph reads tensors computed on the GPU synchronously (loop counters, shapes, indices), which the webgpu backend cannot do without OffscreenCanvas (as in Node)',
        );
        if (to === undefined) throw error;
        fellBack = true;
        captured = await capture(tf, model, graph(), feeds);
      }
      async = captured.async;
      lastEvents = captured.events;
      for (const event of captured.events) emit?.(event);
      if (fellBack && measuring) await plain();
      else if (plainError !== undefined) throw plainError;
    },
    disposeInputs: (tensors) => runtime.disposeInputs(tensors),
    measuredPeakBytes: () => runtime.measuredPeakBytes(),
    outputSpecs: () => graphOutputSpecs(model, lastEvents),
    warnings: () => [
      ...(index?.warnings ?? []),
      ...(async && !index?.controlFlow ? ['the graph has dynamic ops: it ran with executeAsync'] : []),
      ...runtime.deviceWarnings(),
    ],
  };
}

/** One execution of the model as a user runs it: `execute`, or `executeAsync` when the graph needs it. */
async function plainPass(tf: TfModule, model: GraphModelLike, index: GraphIndex, feeds: Record<string, Tensor>): Promise<void> {
  await inPassScope(tf, async () => {
    let out: Tensor | Tensor[] | undefined;
    if (!index.controlFlow) {
      try {
        out = tf.tidy(() => model.execute(feeds));
      } catch (error) {
        if (!(error instanceof Error) || !/executeAsync/.test(error.message)) throw error;
      }
    }
    out ??= await model.executeAsync(feeds);
    tf.dispose(out);
  });
}

function feedsOf(model: GraphModelLike, tensors: readonly Tensor[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  model.inputs.forEach((input, k) => {
    const x = tensors[k];
    if (x) feeds[input.name] = x;
  });
  return feeds;
}

/**
 * The capture pass: every tensor TF.js can return, read and disposed within a scope that frees
 * whatever a failing pass leaves behind. Without control flow, one `execute` (or `executeAsync`
 * when the graph has dynamic ops) of every node; with control flow, one `executeAsync` of the
 * root-frame nodes with `KEEP_INTERMEDIATE_TENSORS` on for the pass, for the rest.
 */
async function capture(
  tf: TfModule,
  model: GraphModelLike,
  index: GraphIndex,
  feeds: Record<string, Tensor>,
): Promise<{ events: LayerEvent[]; async: boolean }> {
  const names = requestedOutputs(index);
  // TF.js's kept intermediates hold every output of every node (also outputs no node reads) and
  // the nodes of loop bodies; without them (older tfjs-converter) the returned tensors only.
  const keep = typeof model.getIntermediateTensors === 'function';
  if (!index.controlFlow) {
    try {
      let events: LayerEvent[] = [];
      await withFlag(tf, KEEP_INTERMEDIATE, keep, async () => {
        try {
          tf.tidy(() => {
            const out = model.execute(feeds, names);
            const kept = keep ? (model.getIntermediateTensors?.() ?? undefined) : undefined;
            events = graphEvents(index, model, producedTensors(index, feeds, Array.isArray(out) ? out : [out], kept));
          });
        } finally {
          if (keep) model.disposeIntermediateTensors?.();
        }
      });
      return { events, async: false };
    } catch (error) {
      if (!(error instanceof Error) || !/executeAsync/.test(error.message)) throw error;
    }
  }
  const events = await inPassScope(tf, () =>
    withFlag(tf, KEEP_INTERMEDIATE, keep, async () => {
      let out: Tensor | Tensor[] = [];
      try {
        // The model's own outputs too: what they need runs (loop bodies, the branch taken).
        const own = (model.outputs ?? []).map((o) => o.name).filter((n) => !names.includes(n));
        out = await model.executeAsync(feeds, [...names, ...own]);
        const kept = keep ? (model.getIntermediateTensors?.() ?? undefined) : undefined;
        return graphEvents(index, model, producedTensors(index, feeds, Array.isArray(out) ? out : [out], kept));
      } finally {
        if (keep) model.disposeIntermediateTensors?.();
        tf.dispose(out);
      }
    }),
  );
  return { events, async: true };
}

/**
 * Runs `fn` with a tfjs env flag set, then puts the flag back as it was (unset, or its value). The
 * flag is written to the env's flag table directly: `env().set` would run the flag's hook, which
 * for `KEEP_INTERMEDIATE_TENSORS` prints a warning about debugging mode.
 */
async function withFlag<T>(tf: TfModule, name: string, on: boolean, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const flags = tf.env().getFlags() as Record<string, unknown>;
  const had = Object.prototype.hasOwnProperty.call(flags, name);
  const previous = flags[name];
  flags[name] = true;
  try {
    return await fn();
  } finally {
    if (had) flags[name] = previous;
    else delete flags[name];
  }
}
