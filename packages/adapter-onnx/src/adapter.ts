import type { DeviceRequest, HookableModel, InputSpec, LayerEvent, LayerRecord, MockInputs, ResolvedInput, Shape } from '@modelsummary/core';
import { formatShape, isKnownDType, summaryError, tensorBytes } from '@modelsummary/core';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { parseGraph, type ParsedGraph } from './graph.js';
import { nodeMacs } from './macs.js';
import { addGraphOutputs, addShapeProbes, decodeModel, SHAPES_OUTPUT, type Probe } from './proto.js';
import { createMockTensors, createSession, loadOrt, type CreateSessionOptions, type OrtModule, type SessionHandle } from './runtime.js';

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

  let ortModule: OrtModule | undefined = options.ort;
  let rewritten: Uint8Array | undefined;
  /** The model with shape probes (undefined: not built yet; null: not possible for this model). */
  let probed: { bytes: Uint8Array; probes: Map<string, Probe>; fetches: string[] } | null | undefined;
  let session: SessionHandle | undefined;
  /** `probe`: the session fetches tiny Shape outputs; `full`: every intermediate tensor is a graph output. */
  let mode: 'probe' | 'full' = 'full';
  let sessionOptionsUsed: CreateSessionOptions | undefined;
  let feedNames: string[] = [];
  let listener: ((e: LayerEvent) => void) | undefined;
  let feeds: ResolvedInput[] = [];

  const release = async (): Promise<void> => {
    const s = session;
    session = undefined;
    if (s) await s.release();
  };

  const fetchNames = (): string[] => {
    const already = new Set(graph.outputs);
    const extra: string[] = [];
    for (const node of graph.nodes) {
      for (const o of node.outputs) {
        if (o !== '' && !already.has(o)) {
          already.add(o);
          extra.push(o);
        }
      }
    }
    return extra;
  };

  /** Every node output (graph outputs included), each once, in graph order. */
  const observedNames = (): string[] => {
    const seen = new Set<string>();
    for (const node of graph.nodes) for (const o of node.outputs) if (o !== '') seen.add(o);
    return [...seen];
  };

  const buildProbed = (): typeof probed => {
    // Reshape takes its shape as an input from opset 5; older (or custom-domain-only) models fetch every output.
    if ((graph.opsets['ai.onnx'] ?? 0) < 5) return null;
    let names: Set<string> | undefined;
    const taken = (n: string): boolean => {
      if (!names) {
        names = new Set([...graph.initializers.keys(), ...graph.inputs.map((i) => i.name)]);
        for (const node of graph.nodes) for (const x of [...node.inputs, ...node.outputs]) names.add(x);
      }
      return names.has(n);
    };
    const dtypes = staticDTypes(graph);
    const knownDType = (n: string): boolean => dtypes.has(n);
    // A rank declared in value_info is trusted; the read-back checks that the lengths add up.
    const rankOf = (n: string): number | undefined => graph.valueInfo.get(n)?.shape?.length;
    const r = addShapeProbes(bytes, observedNames(), knownDType, rankOf, taken);
    if (!r) return null;
    const fetches: string[] = [SHAPES_OUTPUT];
    for (const p of r.probes.values()) if (p.type) fetches.push(p.type);
    return { ...r, fetches };
  };

  const openFull = async (o: CreateSessionOptions): Promise<void> => {
    rewritten ??= addGraphOutputs(bytes, fetchNames());
    session = await createSession(ortModule!, rewritten, o);
    mode = 'full';
  };

  const adapter: OnnxHookableModel = {
    specificationVersion: 'v1',
    runtime: 'onnx',
    format: 'onnx',
    name,
    staticOnly,
    graph,

    listLayers(): LayerRecord[] {
      return graph.layers.map((l) => ({ ...l }));
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
      if (staticOnly) {
        throw summaryError('INVALID_OPTION', `${label}: the adapter was made with run: false (static mode); it cannot run the model`);
      }
      if (graph.externalFiles.length > 0) {
        const given = new Set((options.externalData ?? []).map((f) => f.path.replace(/\\/g, '/')));
        const missing = graph.externalFiles.filter((f) => !given.has(f.replace(/\\/g, '/')));
        if (missing.length > 0) {
          throw summaryError(
            'INVALID_OPTION',
            `${label}: the model keeps weights in external file(s) ${missing.map((m) => `"${m}"`).join(', ')}; load it with onnxAdapterFromFile() or pass options.externalData to run it (static mode works without them)`,
            { details: { file: label, missing } },
          );
        }
      }
      ortModule ??= (await loadOrt(label)).ort;
      await release();
      const o: CreateSessionOptions = {
        device,
        label,
        ...(options.executionProviders ? { executionProviders: options.executionProviders } : {}),
        ...(options.externalData ? { externalData: options.externalData } : {}),
        ...(options.sessionOptions || graph.nodes.length >= LARGE_GRAPH
          ? // On very large graphs onnxruntime's optimizer costs more than the one pass it would speed up.
            { sessionOptions: { ...(graph.nodes.length >= LARGE_GRAPH ? { graphOptimizationLevel: 'disabled' as const } : {}), ...options.sessionOptions } }
          : {}),
      };
      sessionOptionsUsed = o;
      if (probed === undefined) probed = buildProbed();
      if (probed) {
        try {
          session = await createSession(ortModule, probed.bytes, { ...o, keepOutputsOnDevice: false });
          mode = 'probe';
        } catch {
          probed = null; // this runtime cannot run the probes: fetch every output instead
        }
      }
      if (!session) await openFull(o);
      const opened = session!;
      try {
        const tensors = createMockTensors(ortModule, specs);
        feedNames = specs.map((s) => s.name);
        feeds = specs.map((s) => ({ ...s, shape: s.shape.slice() }));
        if (opened.warning) warnings.push(opened.warning);
        return { tensors, device: opened.device };
      } catch (error) {
        await release();
        throw error;
      }
    },

    async run(tensors: Tensor[]): Promise<void> {
      if (!session) throw summaryError('INVALID_OPTION', `${label}: run() before createMockInputs(): no session`);
      const feedMap: Record<string, Tensor> = {};
      tensors.forEach((t, i) => {
        feedMap[feedNames[i] ?? `input_${i}`] = t;
      });
      if (mode === 'probe' && probed) {
        let results: InferenceSession.OnnxValueMapType | undefined;
        let observed: Map<string, { dims: number[]; type: string }> | undefined;
        try {
          results = await session.session.run(feedMap, probed.fetches);
          observed = readProbes(probed.probes, results);
        } catch (error) {
          // A probe node the provider cannot run (named `...::ms_..._probe`): any other failure is the model's own.
          if (!String((error as Error)?.message ?? error).includes('_probe')) throw error;
        } finally {
          if (results) disposeAll(results);
        }
        if (observed) {
          emitEvents(observed);
          return;
        }
        // Redo the pass on the same provider fetching every output.
        const ep = session.device;
        probed = null;
        await release();
        await openFull({ ...sessionOptionsUsed!, executionProviders: [ep] });
        await adapter.run(tensors);
        return;
      }
      const results = await session.session.run(feedMap);
      try {
        const observed = new Map<string, { dims: number[]; type: string }>();
        for (const [k, v] of Object.entries(results)) {
          const t = v as Tensor;
          if (t && Array.isArray(t.dims)) observed.set(k, { dims: t.dims.slice(), type: t.type });
        }
        emitEvents(observed);
      } finally {
        disposeAll(results);
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

    warnings(): string[] {
      return [...new Set(warnings)];
    },

    async dispose(): Promise<void> {
      listener = undefined;
      await release();
    },
  };

  /** Shapes and dtypes from the probe outputs; throws (`..._probe`) when they do not add up. */
  function readProbes(probes: Map<string, Probe>, results: InferenceSession.OnnxValueMapType): Map<string, { dims: number[]; type: string }> {
    const dtypes = staticDTypes(graph);
    const all = results[SHAPES_OUTPUT] as Tensor | undefined;
    if (!all) throw new Error(`${SHAPES_OUTPUT}_probe: no output`);
    const data = all.data as ArrayLike<number | bigint>;
    const observed = new Map<string, { dims: number[]; type: string }>();
    let at = 0;
    for (const [name, p] of probes) {
      const rank = p.rank ?? Number(data[at++]);
      if (!(rank >= 0) || at + rank > data.length) throw new Error(`${SHAPES_OUTPUT}_probe: shapes do not add up at "${name}"`);
      const dims: number[] = new Array(rank);
      for (let i = 0; i < rank; i++) dims[i] = Number(data[at + i]);
      at += rank;
      const type = p.type ? (results[p.type] as Tensor | undefined)?.type : dtypes.get(name);
      if (type !== undefined) observed.set(name, { dims, type });
    }
    if (at !== data.length) throw new Error(`${SHAPES_OUTPUT}_probe: ${data.length - at} values left over (a declared rank is wrong)`);
    return observed;
  }

  function emitEvents(observed: Map<string, { dims: number[]; type: string }>): void {
    feeds.forEach((f) => observed.set(f.name, { dims: f.shape, type: f.dtype }));
    const shapeOf = (n: string): Shape | undefined =>
      observed.get(n)?.dims ?? graph.initializers.get(n)?.dims ?? graph.valueInfo.get(n)?.shape;
    const ctx = { initializers: graph.initializers, shapeOf, isWeight: (n: string) => graph.constantOutputs.has(n) };
    const emit = listener;
    if (!emit) return;
    for (const node of graph.rowNodes) {
      const outs = node.outputs.filter((o) => o !== '');
      const seen = outs.map((o) => observed.get(o));
      if (seen.some((s) => s === undefined)) continue;
      const ins = node.inputs.filter((i) => i !== '' && !graph.initializers.has(i) && !graph.constantOutputs.has(i) && shapeOf(i) !== undefined);
      const outputDTypes = seen.map((s) => s!.type);
      let outputBytes = 0;
      seen.forEach((s) => {
        const elements = s!.dims.reduce((a, b) => a * b, 1);
        outputBytes += isKnownDType(s!.type) ? tensorBytes(elements, s!.type) : 0;
      });
      const event: LayerEvent = {
        id: node.id,
        inputShapes: ins.map((i) => shapeOf(i)!),
        inputDTypes: ins.map((i) => observed.get(i)?.type ?? graph.initializers.get(i)?.dtype ?? graph.valueInfo.get(i)?.dtype ?? 'unknown'),
        outputShapes: seen.map((s) => s!.dims),
        outputDTypes,
        outputBytes,
        inputNames: ins,
        outputNames: outs,
      };
      const macs = nodeMacs(node, ctx);
      if (macs !== undefined) event.macs = macs;
      emit(event);
    }
  }

  return adapter;
}

/** Node count from which the summary session skips onnxruntime's graph optimizations. */
const LARGE_GRAPH = 5_000;

/** Ops whose (first) output has the element type of their first input. */
const SAME_TYPE_AS_INPUT0 = new Set([
  'Abs', 'Add', 'AveragePool', 'BatchNormalization', 'Ceil', 'Clip', 'Concat', 'Conv', 'ConvTranspose', 'Cos', 'CumSum', 'DepthToSpace',
  'Div', 'Dropout', 'Elu', 'Erf', 'Exp', 'Expand', 'Flatten', 'Floor', 'Gather', 'GatherElements', 'GatherND', 'Gelu', 'Gemm',
  'GlobalAveragePool', 'GlobalMaxPool', 'GroupNormalization', 'HardSigmoid', 'HardSwish', 'Identity', 'InstanceNormalization',
  'LRN', 'LayerNormalization', 'LeakyRelu', 'Log', 'LogSoftmax', 'MatMul', 'Max', 'MaxPool', 'Mean', 'Min', 'Mish', 'Mul', 'Neg',
  'PRelu', 'Pad', 'Pow', 'Reciprocal', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin',
  'ReduceProd', 'ReduceSum', 'ReduceSumSquare', 'Relu', 'Reshape', 'Resize', 'Round', 'Selu', 'Sigmoid', 'Sign', 'Sin',
  'Slice', 'Softmax', 'Softplus', 'Softsign', 'SpaceToDepth', 'Split', 'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tan', 'Tanh',
  'ThresholdedRelu', 'Tile', 'Transpose', 'Unsqueeze', 'Upsample',
]);
/** Ops whose every output has the element type of their first input (others: the first output only). */
const ALL_OUTPUTS_SAME = new Set(['Split']);
const dtypeCache = new WeakMap<ParsedGraph, Map<string, string>>();

/**
 * Element types known without running: declared (value_info, graph inputs / outputs), initializers,
 * and propagated through ops that keep their first input's type. Only ops of the default domain.
 */
function staticDTypes(graph: ParsedGraph): Map<string, string> {
  let out = dtypeCache.get(graph);
  if (out) return out;
  out = new Map();
  for (const [name, info] of graph.initializers) if (isKnownDType(info.dtype)) out.set(name, info.dtype);
  for (const i of graph.inputs) if (i.dtype && isKnownDType(i.dtype)) out.set(i.name, i.dtype);
  for (const [name, info] of graph.valueInfo) if (info.dtype && isKnownDType(info.dtype)) out.set(name, info.dtype);
  for (const node of graph.nodes) {
    if (node.domain !== '' && node.domain !== 'ai.onnx') continue;
    let t: string | undefined;
    if (node.opType === 'Shape' || node.opType === 'Size') t = 'int64';
    else if (SAME_TYPE_AS_INPUT0.has(node.opType) && node.inputs[0]) t = out.get(node.inputs[0]);
    if (t === undefined) continue;
    const outs = ALL_OUTPUTS_SAME.has(node.opType) ? node.outputs : node.outputs.slice(0, 1);
    for (const o of outs) if (o !== '' && !out.has(o)) out.set(o, t);
  }
  dtypeCache.set(graph, out);
  return out;
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

/** Checks resolved inputs against the model's declared inputs: names, ranks, fixed dims, dtypes. */
function checkSpecs(specs: readonly ResolvedInput[], graph: ParsedGraph, label: string): void {
  const declared = new Map(graph.inputs.map((i) => [i.name, i]));
  const given = new Set<string>();
  for (const s of specs) {
    const d = declared.get(s.name);
    if (!d) {
      throw summaryError('INVALID_INPUT', `${label}: the model has no input "${s.name}" (its inputs: ${[...declared.keys()].join(', ') || 'none'})`, {
        details: { file: label, input: s.name },
      });
    }
    given.add(s.name);
    const shape = d.shape;
    const wrongRank = shape.length !== s.shape.length;
    const wrongDim = !wrongRank && shape.findIndex((dim, axis) => typeof dim === 'number' && dim !== s.shape[axis]);
    if (wrongRank || (typeof wrongDim === 'number' && wrongDim >= 0)) {
      const what = wrongRank ? `rank ${s.shape.length}, the model declares rank ${shape.length}` : `dim ${String(wrongDim)} is ${s.shape[wrongDim as number]}, the model fixes it to ${String(shape[wrongDim as number])}`;
      throw summaryError('INVALID_INPUT', `${label}: input "${s.name}" shape [${s.shape.join(', ')}] does not fit the declared ${formatShape(shape)}: ${what}`, {
        details: { file: label, input: s.name, declared: shape, given: s.shape },
      });
    }
    if (d.dtype && s.dtype !== d.dtype) {
      throw summaryError('INVALID_INPUT', `${label}: input "${s.name}" has dtype ${s.dtype}, the model declares ${d.dtype}`, {
        details: { file: label, input: s.name, declared: d.dtype, given: s.dtype },
      });
    }
  }
  const missing = [...declared.keys()].filter((n) => !given.has(n));
  if (missing.length > 0) {
    throw summaryError('INVALID_INPUT', `${label}: no value for input(s) ${missing.map((m) => `"${m}"`).join(', ')}`, { details: { file: label, missing } });
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
