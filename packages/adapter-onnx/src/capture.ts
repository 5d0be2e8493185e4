/**
 * How the one pass observes every node's outputs. Three strategies: onnxruntime-node's profiler
 * (profile-capture.ts: the model runs as it is), shape probes (tiny Shape outputs, activations stay
 * inside the session) where the model allows them, else every intermediate tensor appended as a
 * graph output. The adapter picks by capability: the profile where the runtime writes one, then
 * probes when they can be built and the runtime creates and runs them, every output otherwise.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ParsedGraph } from './graph.js';
import { staticDTypes } from './dtypes.js';
import { addGraphOutputs, addShapeProbes, SHAPES_OUTPUT, type Probe } from './proto.js';

/** Observed dims and element type of a tensor, by name; `value` for the small tensors asked for (control-flow conditions, trip counts). */
export type Observed = Map<string, { dims: number[]; type: string; value?: unknown[] }>;

/** Elements of a small tensor (≤ 64), as numbers / bigints / booleans; undefined for a larger one. */
export function smallValue(t: Tensor | undefined): unknown[] | undefined {
  const data = t?.data as ArrayLike<unknown> | undefined;
  if (!t || !data || typeof (data as { length?: unknown }).length !== 'number' || data.length > 64) return undefined;
  const out = Array.from(data);
  return t.type === 'bool' ? out.map((x) => Boolean(x)) : out;
}

/** One way of observing the pass. */
export interface CaptureStrategy {
  readonly kind: 'profile' | 'probe' | 'full';
  /** The model bytes the session is created from. */
  readonly bytes: Uint8Array;
  /** Output names to fetch; undefined: every graph output. */
  readonly fetches: string[] | undefined;
  /** Session options this capture needs, asked once per session it opens. */
  sessionOptions?(): InferenceSession.SessionOptions;
  /** After its session is released: removes what the session left (a profile file written on release). */
  released?(): void;
  /** Reads the observations out of a run's results (and its session); throws {@link ProbeMismatch} when they do not add up. */
  read(results: InferenceSession.OnnxValueMapType, session: InferenceSession): Observed;
}

/** The probe outputs did not add up (a declared rank was wrong): observe the pass another way. */
export class ProbeMismatch extends Error {}

/**
 * Every intermediate tensor as a graph output (works on any runtime; copies every activation out),
 * or only the tensors `only` names (what a profile did not show).
 */
export function fullCapture(graph: ParsedGraph, bytes: Uint8Array, valueNames: ReadonlySet<string> = new Set(), only?: readonly string[]): CaptureStrategy {
  const already = new Set(graph.outputs);
  const wanted = only ? new Set(only) : undefined;
  const extra: string[] = [];
  for (const node of graph.nodes) {
    for (const o of node.outputs) {
      if (o !== '' && !already.has(o) && (!wanted || wanted.has(o))) {
        already.add(o);
        extra.push(o);
      }
    }
  }
  return {
    kind: 'full',
    bytes: addGraphOutputs(bytes, extra),
    fetches: only ? [...only] : undefined,
    read: (results) => observeResults(results, valueNames),
  };
}

/** The fetched tensors' dims and types (into `observed`), with the values of those `valueNames` names. */
export function observeResults(results: InferenceSession.OnnxValueMapType, valueNames: ReadonlySet<string>, observed: Observed = new Map()): Observed {
  for (const [name, v] of Object.entries(results)) {
    const t = v as Tensor;
    if (!t || !Array.isArray(t.dims)) continue;
    const value = valueNames.has(name) ? smallValue(t) : undefined;
    observed.set(name, { dims: t.dims.slice(), type: t.type, ...(value ? { value } : {}) });
  }
  return observed;
}

/** Shape probes, when the model allows them (opset ≥ 5 for Reshape's shape input, no name clash); else undefined. */
export function probeCapture(graph: ParsedGraph, bytes: Uint8Array, valueNames: ReadonlySet<string> = new Set()): CaptureStrategy | undefined {
  if ((graph.opsets['ai.onnx'] ?? 0) < 5) return undefined;
  let names: Set<string> | undefined;
  const taken = (n: string): boolean => {
    if (!names) {
      names = new Set([...graph.initializers.keys(), ...graph.inputs.map((i) => i.name)]);
      for (const node of graph.nodes) for (const x of [...node.inputs, ...node.outputs]) names.add(x);
    }
    return names.has(n);
  };
  const dtypes = staticDTypes(graph);
  // A rank declared in value_info is trusted; the read-back checks that the lengths add up.
  const rankOf = (n: string): number | undefined => graph.valueInfo.get(n)?.shape?.length;
  const produced = new Set(observedNames(graph));
  const values = [...valueNames].filter((n) => produced.has(n) && !graph.outputs.includes(n));
  const built = addShapeProbes(bytes, observedNames(graph), (n) => dtypes.has(n), rankOf, taken, values);
  if (!built) return undefined;
  const fetches: string[] = [SHAPES_OUTPUT, ...values, ...[...valueNames].filter((n) => graph.outputs.includes(n))];
  for (const p of built.probes.values()) if (p.type) fetches.push(p.type);
  return {
    kind: 'probe',
    bytes: built.bytes,
    fetches,
    read: (results) => {
      const observed = readProbes(built.probes, results, dtypes);
      for (const n of valueNames) {
        const o = observed.get(n);
        const value = smallValue(results[n] as Tensor | undefined);
        if (o && value) o.value = value;
      }
      return observed;
    },
  };
}

/** Every node output (graph outputs included), each once, in graph order. */
function observedNames(graph: ParsedGraph): string[] {
  const seen = new Set<string>();
  for (const node of graph.nodes) for (const o of node.outputs) if (o !== '') seen.add(o);
  return [...seen];
}

function readProbes(probes: Map<string, Probe>, results: InferenceSession.OnnxValueMapType, dtypes: Map<string, string>): Observed {
  const all = results[SHAPES_OUTPUT] as Tensor | undefined;
  if (!all) throw new ProbeMismatch(`${SHAPES_OUTPUT}: no output`);
  const data = all.data as ArrayLike<number | bigint>;
  const observed: Observed = new Map();
  let at = 0;
  for (const [name, p] of probes) {
    const rank = p.rank ?? Number(data[at++]);
    if (!(rank >= 0) || at + rank > data.length) throw new ProbeMismatch(`${SHAPES_OUTPUT}: shapes do not add up at "${name}"`);
    const dims: number[] = new Array(rank);
    for (let i = 0; i < rank; i++) dims[i] = Number(data[at + i]);
    at += rank;
    const type = p.type ? (results[p.type] as Tensor | undefined)?.type : dtypes.get(name);
    if (type !== undefined) observed.set(name, { dims, type });
  }
  if (at !== data.length) throw new ProbeMismatch(`${SHAPES_OUTPUT}: ${data.length - at} values left over (a declared rank is wrong)`);
  return observed;
}
