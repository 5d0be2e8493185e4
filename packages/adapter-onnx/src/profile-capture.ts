/**
 * Observing a pass through onnxruntime-node's own profiler: the session runs the model as it is
 * (only the small values the pass needs are added as outputs), and the profile it writes names
 * every kernel that ran with the types and shapes of its outputs. Activations are freed as in a
 * plain run: the capture costs what the model costs. Nodes the profile does not show (a node
 * onnxruntime removed at load, a call of a model-local function it inlined) are fetched
 * afterwards as outputs of a second, small capture.
 */
import type { InferenceSession } from 'onnxruntime-common';
import { observeResults, type CaptureStrategy, type Observed } from './capture.js';
import type { GraphNode, ParsedGraph } from './graph.js';
import { addGraphOutputs, dtypeName } from './proto.js';

/** Where onnxruntime-node's profiler writes its file (Node only). */
export interface ProfileStore {
  /** A fresh file prefix (a path) for one session's profile. */
  prefix(): string;
  /** The profile written under `prefix` (its JSON text), removed from disk; undefined when none was written. */
  take(prefix: string): string | undefined;
}

/** The profile was not written or cannot be read: observe the pass another way. */
export class ProfileUnavailable extends Error {}

/** onnxruntime's type names in a profile, as tensor types (`float` → `float32`); the rest are the same. */
const PROFILE_TYPES: Record<string, string> = { float: 'float32', double: 'float64' };

interface KernelEvent {
  cat?: string;
  name?: string;
  args?: { op_name?: string; output_type_shape?: Record<string, number[]>[] };
}

/**
 * The name onnxruntime gives a node in its profile: its own, or for an unnamed one `<op>_<index>`,
 * the index counting the nodes onnxruntime keeps (it turns Constant nodes into initializers).
 */
function profileNames(graph: ParsedGraph): Map<GraphNode, string> {
  const names = new Map<GraphNode, string>();
  const protos = graph.proto.node ?? [];
  let kept = 0;
  for (const node of graph.nodes) {
    if (node.isConstant) continue;
    names.set(node, protos[node.index]?.name || `${node.opType}_${kept}`);
    kept += 1;
  }
  return names;
}

/** The outputs of the graph's nodes as the profile `json` shows them; a node it shows twice or not at all is left out. */
export function readProfile(json: string, graph: ParsedGraph): Observed {
  let events: unknown;
  try {
    events = JSON.parse(json);
  } catch (error) {
    throw new ProfileUnavailable(`the profile is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(events)) throw new ProfileUnavailable('the profile is not a list of events');
  const byName = new Map<string, KernelEvent | null>();
  for (const e of events as KernelEvent[]) {
    if (e?.cat !== 'Node' || typeof e.name !== 'string' || !e.name.endsWith('_kernel_time')) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    byName.set(name, byName.has(name) ? null : e);
  }
  const observed: Observed = new Map();
  for (const [node, name] of profileNames(graph)) {
    const e = byName.get(name);
    const outs = node.outputs.filter((o) => o !== '');
    const shapes = e?.args?.output_type_shape;
    if (!e || e.args?.op_name !== node.opType || !Array.isArray(shapes) || shapes.length !== outs.length) continue;
    outs.forEach((out, k) => {
      const [type, dims] = Object.entries(shapes[k] ?? {})[0] ?? [];
      if (type !== undefined && Array.isArray(dims)) observed.set(out, { dims: dims.map(Number), type: PROFILE_TYPES[type] ?? type });
    });
  }
  return observed;
}

/** Node outputs of the main graph the observation lacks (each once, in graph order). */
export function unobservedOutputs(graph: ParsedGraph, observed: Observed): string[] {
  const out: string[] = [];
  for (const node of graph.rowNodes) for (const o of node.outputs) if (o !== '' && !observed.has(o) && !out.includes(o)) out.push(o);
  return out;
}

/**
 * Ops whose output has their first input's shape, and the output's dtype (op knowledge as data).
 * onnxruntime drops some of them at load, so the profile does not show them: a float16 model's
 * Casts beside the ones it inserts for the CPU kernels, Identity nodes. Their shapes follow from
 * their inputs' without a second run of the model.
 */
const SAME_SHAPE: Record<string, (node: GraphNode, inputType: string) => string | undefined> = {
  Cast: (node) => (typeof node.attributes.to === 'number' ? dtypeName(node.attributes.to) : undefined),
  Identity: (_node, inputType) => inputType,
};

/**
 * Fills in graph order the outputs of the `SAME_SHAPE` nodes the observation lacks, from their
 * input's observed (or fed) shape. Tensors only: an optional or sequence input is left alone.
 */
export function fillSameShape(graph: ParsedGraph, observed: Observed, fed: ReadonlyMap<string, { dims: readonly number[]; type: string }>): void {
  for (const node of graph.rowNodes) {
    const rule = node.domain === '' ? SAME_SHAPE[node.opType] : undefined;
    const out = node.outputs[0];
    const input = node.inputs[0];
    if (!rule || !out || !input || node.outputs.length !== 1 || observed.has(out)) continue;
    const source = observed.get(input) ?? fed.get(input);
    const type = source ? rule(node, source.type) : undefined;
    if (source && type) observed.set(out, { dims: [...source.dims], type });
  }
}

/** The profiled capture: the model as it is, the small values as outputs; shapes from the profile. */
export function profileCapture(graph: ParsedGraph, bytes: Uint8Array, valueNames: ReadonlySet<string>, store: ProfileStore): CaptureStrategy {
  const values = [...valueNames].filter((n) => !graph.outputs.includes(n));
  let prefix: string | undefined;
  return {
    kind: 'profile',
    bytes: addGraphOutputs(bytes, values),
    fetches: [...graph.outputs, ...values],
    sessionOptions() {
      prefix = store.prefix();
      // The profile names the graph's own nodes only when onnxruntime does not fuse or fold them.
      // Fatal-only logging: a session that fails to open would log natively that it wrote no
      // profile, besides the error it throws (which says why).
      return { enableProfiling: true, profileFilePrefix: prefix, graphOptimizationLevel: 'disabled', logSeverityLevel: 4 };
    },
    released() {
      if (prefix !== undefined) store.take(prefix);
    },
    read(results, session) {
      const ended = session as InferenceSession & { endProfiling?: () => unknown };
      if (typeof ended.endProfiling !== 'function' || prefix === undefined) throw new ProfileUnavailable('this onnxruntime cannot end a profile');
      ended.endProfiling();
      const json = store.take(prefix);
      if (json === undefined) throw new ProfileUnavailable('onnxruntime wrote no profile');
      return observeResults(results, valueNames, readProfile(json, graph));
    },
  };
}
