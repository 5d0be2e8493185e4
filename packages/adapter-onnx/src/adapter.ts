import type { DeviceRequest, HookableModel, InputSpec, KVCacheEstimate, LayerEvent, LayerRecord, MockInputs, OutputSpec, PassContext, ResolvedInput } from '@modelsummary/core';
import { summaryError } from '@modelsummary/core';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { fullCapture, ProbeMismatch, probeCapture, smallValue, type CaptureStrategy, type Observed } from './capture.js';
import { inlineTakenBranches } from './inline.js';
import { checkSpecs } from './check-inputs.js';
import { nodeEvents } from './events.js';
import { parseGraph, type ParsedGraph } from './graph.js';
import { decodeModel } from './proto.js';
import { createMockTensors, createSession, loadOrt, mockFill, ortFlavor, type CreateSessionOptions, type OrtModule, type SessionHandle } from './runtime.js';
import { fillSameShape, profileCapture, ProfileUnavailable, unobservedOutputs, type ProfileStore } from './profile-capture.js';
import { outputSpec, PassFacts } from './pass-facts.js';

/** An external-data file handed to onnxruntime: `path` as written in the model, `data` its bytes. */
export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

export interface OnnxAdapterOptions {
  /**
   * The onnxruntime module to run with: `onnxruntime-node` or `onnxruntime-web` (any build that
   * implements `onnxruntime-common`). Default: whichever of the two can be imported.
   */
  ort?: OrtModule;
  /** Model name for the header. Default: the file name without `.onnx`, else the graph name. */
  name?: string;
  /** File name used in error messages and as the default name. */
  fileName?: string;
  /** `false`: static mode, no runtime (rows, params, MACs where value_info gives shapes). Default true. */
  run?: boolean;
  /** Execution providers to try in order (the first that creates a session wins); overrides the device request. */
  executionProviders?: string[];
  /** Model file path (Node): the base folder of external-data files (see `onnxAdapterFromFile`). */
  modelPath?: string;
  /** External-data files, by the `location` written in the model. */
  externalData?: ExternalDataFile[];
  /** Extra session options passed to `InferenceSession.create` (logSeverityLevel, graphOptimizationLevel, ...). */
  sessionOptions?: InferenceSession.SessionOptions;
  /**
   * Where onnxruntime-node's profiler may write (the `/node` entry gives one): the pass then
   * observes every node from the profile, the model running as it is. Without it, shape probes.
   */
  profiles?: ProfileStore;
}

/** The `HookableModel` of an ONNX model, with the parsed graph for callers who want it. */
export interface OnnxHookableModel extends HookableModel<Tensor> {
  readonly runtime: 'onnx';
  readonly format: 'onnx';
  /** Graph facts: every node (Constant included), initializers, declared inputs. */
  readonly graph: ParsedGraph;
  /** Releases the session, if one is still open. */
  dispose(): Promise<void>;
}

/**
 * Makes an ONNX model summarizable. `model` is the bytes of a `.onnx` file.
 *
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const model = await onnxAdapter(bytes, { ort, fileName: 'mnist.onnx' });
 * console.log(formatSummary(await summarize(model, { batchSize: 2 })));
 * await model.dispose();
 * ```
 */
export async function onnxAdapter(model: Uint8Array | ArrayBuffer, options: OnnxAdapterOptions = {}): Promise<OnnxHookableModel> {
  const bytes = model instanceof Uint8Array ? model : model instanceof ArrayBuffer ? new Uint8Array(model) : undefined;
  const label = options.fileName ?? options.name ?? 'ONNX model';
  if (bytes === undefined) {
    throw summaryError('INVALID_MODEL', `${label}: expected the model's bytes (Uint8Array or ArrayBuffer), got ${describe(model)}`);
  }
  return onnxAdapterFromGraph(bytes, parseGraph(decodeModel(bytes, label), label), options);
}

/** `onnxAdapter` over bytes whose graph is already parsed (the file helper parses it once to check external data). */
export function onnxAdapterFromGraph(bytes: Uint8Array, graph: ParsedGraph, options: OnnxAdapterOptions = {}): OnnxHookableModel {
  const label = options.fileName ?? options.name ?? 'ONNX model';
  const name = options.name ?? stem(options.fileName) ?? (graph.graphName || 'onnx-model');
  const staticOnly = options.run === false;
  const warnings = [...graph.warnings];
  const facts = new PassFacts(graph);
  const captures = captureStrategies(graph, bytes, facts.valueNames, options.profiles);
  let lastCache: KVCacheEstimate | undefined;
  let lastOutputs: OutputSpec[] | undefined;
  let ortModule: OrtModule | undefined = options.ort;
  let pass: PassState | undefined;
  let listener: ((e: LayerEvent) => void) | undefined;

  const release = async (): Promise<void> => {
    const open = pass;
    pass = undefined;
    if (open) {
      await open.session.release();
      open.capture.released?.();
    }
  };

  const adapter: OnnxHookableModel = {
    specificationVersion: 'v1',
    runtime: 'onnx',
    format: 'onnx',
    name,
    staticOnly,
    graph,

    listLayers(context?: PassContext): LayerRecord[] {
      if (!context) return graph.layers.map((l) => ({ ...l }));
      // The inputs of this pass are known: shapes and MACs of every row from the shape inference,
      // the branches that will not run (a condition known from an input value) marked.
      const known = facts.staticPass(context.inputs, context.dims, staticOnly);
      warnings.push(...known.warnings);
      lastCache = known.kvCache;
      lastOutputs = known.outputs;
      return known.layers;
    },

    inputSpecs(): InputSpec[] {
      return graph.inputs.map((i) => ({ name: i.name, shape: i.shape.slice(), ...(i.dtype ? { dtype: i.dtype } : {}) }));
    },

    registerHooks(onEvent) {
      listener = onEvent;
      return () => {
        if (listener === onEvent) listener = undefined;
      };
    },

    async createMockInputs(specs: ResolvedInput[], device: DeviceRequest): Promise<MockInputs<Tensor>> {
      checkSpecs(specs, graph, label);
      if (staticOnly) throw summaryError('INVALID_OPTION', `${label}: the adapter was made with run: false (static mode); it cannot run the model`);
      checkExternalData(graph, options.externalData, label);
      ortModule ??= (await loadOrt(label)).ort;
      await release();
      const o = sessionPlan(device, label, graph, options);
      const opened = await openCapture(ortModule, captures, o);
      pass = { ...opened, options: o, feeds: specs.map((s) => ({ ...s, shape: s.shape.slice() })) };
      try {
        const tensors = createMockTensors(ortModule, specs);
        if (opened.session.warning) warnings.push(opened.session.warning);
        return { tensors, device: opened.session.device };
      } catch (error) {
        await release();
        throw error;
      }
    },

    async run(tensors: Tensor[]): Promise<void> {
      if (!pass || !ortModule) throw summaryError('INVALID_OPTION', `${label}: run() before createMockInputs(): no session`);
      const current = pass;
      const feedMap: Record<string, Tensor> = {};
      tensors.forEach((t, i) => {
        feedMap[current.feeds[i]?.name ?? `input_${i}`] = t;
      });
      const observed = await observePass(ortModule, captures, current, feedMap, graph);
      const events = nodeEvents(graph, observed, current.feeds);
      // Inside control-flow bodies the run sees nothing: the If branches that ran are inlined and
      // run again; the other bodies that ran get inferred shapes.
      const inside = graph.bodies.length > 0 ? await observeInlined(ortModule, graph, current, feedMap, observed, facts.innerConditions, warnings) : new Map();
      const inner = facts.observedPass(observed, current.feeds, inside);
      warnings.push(...inner.warnings);
      lastCache = inner.kvCache;
      lastOutputs = graph.outputs.map((n) => {
        const o = observed.get(n);
        return outputSpec(n, o ? { shape: o.dims, dtype: o.type } : undefined);
      });
      const emit = listener;
      if (emit) {
        for (const event of events) emit(event);
        for (const event of inner.events) emit(event);
      }
    },

    async disposeInputs(tensors: Tensor[]): Promise<void> {
      for (const t of tensors) {
        try {
          t.dispose?.();
        } catch {
          // nothing to free
        }
      }
      await release();
    },

    kvCache(): KVCacheEstimate | undefined {
      return lastCache;
    },

    outputSpecs(): OutputSpec[] {
      return lastOutputs ?? graph.outputs.map((n) => outputSpec(n, graph.valueInfo.get(n)));
    },

    warnings(): string[] {
      return [...new Set(warnings)];
    },

    async dispose(): Promise<void> {
      listener = undefined;
      await release();
    },
  };
  return adapter;
}

/** The open session of a pass, how it observes, and what it is fed. */
interface PassState {
  session: SessionHandle;
  capture: CaptureStrategy;
  options: CreateSessionOptions;
  feeds: ResolvedInput[];
}

/** The capture strategies of one model, each built once when first needed (`null`: not possible here). */
interface Captures {
  profile(ort: OrtModule): CaptureStrategy | undefined;
  probe(): CaptureStrategy | undefined;
  full(): CaptureStrategy;
  /** Only these outputs (what a profile did not show). */
  only(names: readonly string[]): CaptureStrategy;
  dropProfile(): void;
  dropProbe(): void;
}

function captureStrategies(graph: ParsedGraph, bytes: Uint8Array, valueNames: ReadonlySet<string>, profiles: ProfileStore | undefined): Captures {
  let profile: CaptureStrategy | null | undefined = profiles ? undefined : null;
  let probe: CaptureStrategy | null | undefined;
  let full: CaptureStrategy | undefined;
  return {
    profile: (ort) => {
      if (profile === undefined) profile = profiles && ortFlavor(ort) === 'node' ? profileCapture(graph, bytes, valueNames, profiles) : null;
      return profile ?? undefined;
    },
    probe: () => (probe === undefined ? (probe = probeCapture(graph, bytes, valueNames) ?? null) : probe) ?? undefined,
    full: () => (full ??= fullCapture(graph, bytes, valueNames)),
    only: (names) => fullCapture(graph, bytes, valueNames, names),
    dropProfile: () => {
      profile = null;
    },
    dropProbe: () => {
      probe = null;
    },
  };
}

/** A session for `capture`, with the session options it needs. */
function openFor(ort: OrtModule, capture: CaptureStrategy, o: CreateSessionOptions): Promise<SessionHandle> {
  const own = capture.sessionOptions?.();
  return createSession(ort, capture.bytes, own ? { ...o, sessionOptions: { ...o.sessionOptions, ...own } } : o);
}

/** Opens the session of the cheapest capture the runtime accepts: the profile, probes, else every output. */
async function openCapture(ort: OrtModule, captures: Captures, o: CreateSessionOptions): Promise<{ session: SessionHandle; capture: CaptureStrategy }> {
  const profile = captures.profile(ort);
  if (profile) {
    try {
      return { session: await openFor(ort, profile, { ...o, keepOutputsOnDevice: false }), capture: profile };
    } catch {
      profile.released?.(); // a session that failed to open may have started its profile file
      captures.dropProfile(); // this runtime cannot profile the model: probes instead
    }
  }
  const probe = captures.probe();
  if (probe) {
    try {
      return { session: await createSession(ort, probe.bytes, { ...o, keepOutputsOnDevice: false }), capture: probe };
    } catch {
      captures.dropProbe(); // this runtime cannot create the probes: fetch every output instead
    }
  }
  const full = captures.full();
  return { session: await createSession(ort, full.bytes, o), capture: full };
}

/**
 * Runs the pass and reads what it observed. A probed pass that fails is redone fetching every
 * output on the same provider, unless the node that failed is one of the model's own (then the
 * failure is the model's, and is thrown as it is).
 */
async function observePass(ort: OrtModule, captures: Captures, pass: PassState, feeds: Record<string, Tensor>, graph: ParsedGraph): Promise<Observed> {
  if (pass.capture.kind === 'profile') {
    let observed: Observed | undefined;
    try {
      observed = await runOnce(pass, feeds);
    } catch (error) {
      if (!(error instanceof ProfileUnavailable)) throw error;
      captures.dropProfile();
      await pass.session.release();
      pass.capture.released?.();
      const next = captures.probe() ?? captures.full();
      pass.capture = next;
      pass.session = await openFor(ort, next, { ...pass.options, executionProviders: [pass.session.device], keepOutputsOnDevice: next.kind !== 'probe' });
    }
    if (observed) {
      fillSameShape(graph, observed, fedShapes(feeds));
      const missing = unobservedOutputs(graph, observed);
      if (missing.length > 0) for (const [k, v] of await observeOnly(ort, captures.only(missing), pass, feeds)) observed.set(k, v);
      return observed;
    }
  }
  if (pass.capture.kind === 'probe') {
    try {
      return await runOnce(pass, feeds);
    } catch (error) {
      if (!(error instanceof ProbeMismatch) && failedModelNode(error, graph) !== undefined) throw error;
      captures.dropProbe();
      await pass.session.release();
      pass.capture = captures.full();
      pass.session = await createSession(ort, pass.capture.bytes, { ...pass.options, executionProviders: [pass.session.device] });
    }
  }
  return runOnce(pass, feeds);
}

/** Rounds of inlining (an If inside an inlined branch waits for the next round). */
const INLINE_ROUNDS = 3;

/**
 * Runs the model again with the If branches that ran inlined (`inline.ts`), round after round
 * while conditions inside them become known; what those runs observed, by tensor name. A failing
 * rewrite is not an error: the bodies then keep their inferred shapes (a warning says so).
 */
async function observeInlined(
  ort: OrtModule,
  graph: ParsedGraph,
  pass: PassState,
  feeds: Record<string, Tensor>,
  observed: Observed,
  innerConditions: ReadonlySet<string>,
  warnings: string[],
): Promise<Observed> {
  const values = new Map<string, unknown>();
  for (const [name, o] of observed) if (o.value) values.set(name, o.value[0]);
  pass.feeds.forEach((f) => {
    const fill = mockFill(f);
    if (fill !== undefined) values.set(f.name, fill);
  });
  const truthy = (v: unknown): boolean | undefined =>
    typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : typeof v === 'bigint' ? v !== 0n : undefined;
  let inside: Observed = new Map();
  let inlinedCount = 0;
  for (let round = 0; round < INLINE_ROUNDS; round++) {
    const inlined = inlineTakenBranches(graph.model, graph.nodes, (name) => truthy(values.get(name)));
    if (!inlined || inlined.bodies.size === inlinedCount) break;
    inlinedCount = inlined.bodies.size;
    let session: SessionHandle | undefined;
    let results: InferenceSession.OnnxValueMapType | undefined;
    try {
      session = await createSession(ort, inlined.bytes, { ...pass.options, executionProviders: [pass.session.device], keepOutputsOnDevice: false });
      results = await session.session.run(feeds, runOptions(pass.options));
      inside = new Map();
      for (const [name, v] of Object.entries(results)) {
        const t = v as Tensor;
        if (!t || !Array.isArray(t.dims)) continue;
        const value = innerConditions.has(name) ? smallValue(t) : undefined;
        if (value) values.set(name, value[0]);
        inside.set(name, { dims: t.dims.slice(), type: t.type, ...(value ? { value } : {}) });
      }
    } catch (error) {
      warnings.push(`the If branches that ran could not be observed inlined (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): their shapes are inferred`);
      break;
    } finally {
      if (results) disposeAll(results);
      await session?.release();
    }
  }
  return inside;
}

/** The model node onnxruntime names as the one that failed (`... node. Name:'/conv1/Conv'`), when it names one. */
export function failedModelNode(error: unknown, graph: ParsedGraph): string | undefined {
  const named = /\bName:\s*'([^']*)'/.exec(error instanceof Error ? error.message : String(error))?.[1];
  return named !== undefined && graph.nodes.some((n) => n.name === named) ? named : undefined;
}

/** The feeds' shapes and dtypes, by input name. */
function fedShapes(feeds: Record<string, Tensor>): Map<string, { dims: readonly number[]; type: string }> {
  return new Map(Object.entries(feeds).map(([name, t]) => [name, { dims: t.dims, type: t.type }]));
}

/** The run logs as the session does: onnxruntime-web logs a run's failures at warning level unless told. */
function runOptions(options: CreateSessionOptions): InferenceSession.RunOptions {
  const level = options.sessionOptions?.logSeverityLevel;
  return level === undefined ? {} : { logSeverityLevel: level };
}

async function runOnce(pass: PassState, feeds: Record<string, Tensor>): Promise<Observed> {
  const { capture, session } = pass;
  const results = capture.fetches ? await session.session.run(feeds, capture.fetches, runOptions(pass.options)) : await session.session.run(feeds, runOptions(pass.options));
  try {
    return capture.read(results, session.session);
  } finally {
    disposeAll(results);
  }
}

/** The outputs `capture` fetches, from a session of its own on the pass's provider. */
async function observeOnly(ort: OrtModule, capture: CaptureStrategy, pass: PassState, feeds: Record<string, Tensor>): Promise<Observed> {
  const session = await openFor(ort, capture, { ...pass.options, executionProviders: [pass.session.device], keepOutputsOnDevice: false });
  try {
    return await runOnce({ ...pass, session, capture }, feeds);
  } finally {
    await session.release();
  }
}

/** Node count from which the summary session skips onnxruntime's graph optimizations. */
const LARGE_GRAPH = 5_000;

function sessionPlan(device: DeviceRequest, label: string, graph: ParsedGraph, options: OnnxAdapterOptions): CreateSessionOptions {
  const large = graph.nodes.length >= LARGE_GRAPH;
  return {
    device,
    label,
    ...(options.executionProviders ? { executionProviders: options.executionProviders } : {}),
    ...(options.externalData ? { externalData: options.externalData } : {}),
    ...(options.sessionOptions || large
      ? // On very large graphs onnxruntime's optimizer costs more than the one pass it would speed up.
        { sessionOptions: { ...(large ? { graphOptimizationLevel: 'disabled' as const } : {}), ...options.sessionOptions } }
      : {}),
  };
}

function checkExternalData(graph: ParsedGraph, given: readonly ExternalDataFile[] | undefined, label: string): void {
  if (graph.externalFiles.length === 0) return;
  const paths = new Set((given ?? []).map((f) => f.path.replace(/\\/g, '/')));
  const missing = graph.externalFiles.filter((f) => !paths.has(f.replace(/\\/g, '/')));
  if (missing.length > 0) {
    throw summaryError(
      'INVALID_OPTION',
      `${label}: the model keeps weights in external file(s) ${missing.map((m) => `"${m}"`).join(', ')}; load it with onnxAdapterFromFile() or pass options.externalData to run it (static mode works without them)`,
      { details: { file: label, missing } },
    );
  }
}

function disposeAll(results: InferenceSession.OnnxValueMapType): void {
  for (const t of Object.values(results)) {
    try {
      (t as Tensor).dispose?.();
    } catch {
      // already disposed
    }
  }
}

function stem(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const base = fileName.replace(/\\/g, '/').split('/').pop() ?? fileName;
  return base.replace(/\.onnx$/i, '') || undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
