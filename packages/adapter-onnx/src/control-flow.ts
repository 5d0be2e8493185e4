/**
 * Control-flow bodies at run time and in static mode: which body of each If / Loop / Scan runs
 * (from the condition's value: observed, given as an input value, or propagated by the shape
 * inference), how many times a Loop / Scan body runs, and the shapes inside each body that runs
 * (the run cannot fetch values inside a body: the symbolic shape inference gives them, from the
 * values around the body). One pass over every level, a body before the bodies inside it.
 */
import { isConcreteShape, isKnownDType, tensorBytes, type LayerEvent, type Shape } from '@modelsummary/core';
import type { GraphBody, GraphNode } from './nodes.js';
import type { GraphProto } from './proto.js';

/** What is known of one value: its shape, dtype, and (small integer / bool tensors) its elements. */
export interface KnownValue {
  shape?: readonly (number | string)[];
  dtype?: string;
  value?: readonly unknown[];
}

/** The symbolic shape inference, as the adapter calls it (see `./infer/`). */
export type InferFn = (
  graph: GraphProto,
  options: {
    outer?: ReadonlyMap<string, KnownValue>;
    inputs?: Record<string, { shape?: (number | string)[]; dtype?: string; value?: number | bigint | boolean }>;
    opsets?: Record<string, number>;
  },
) => Map<string, KnownValue>;

/** What the bodies of a model do for one pass. */
export interface BodyFacts {
  /** Bodies that run. */
  taken: Set<GraphBody>;
  /** Bodies known not to run (the other branch of an If whose condition is known, a Loop of 0 iterations). */
  notTaken: Set<GraphBody>;
  /** Runs of each body that runs (a Loop's trip count; 1 for an If branch); absent when unknown. */
  iterations: Map<GraphBody, number>;
  /** Known values inside each body (its own names), from the inference. */
  values: Map<GraphBody, Map<string, KnownValue>>;
}

const truthy = (v: unknown): boolean | undefined => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  return undefined;
};

const count = (v: unknown): number | undefined => {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/**
 * Which bodies run and what is known inside them. `outer` holds what is known of the main graph's
 * values (observed in the run, or inferred in static mode); `infer` gives the values inside a body.
 */
export function bodyFacts(
  nodes: readonly GraphNode[],
  outer: ReadonlyMap<string, KnownValue>,
  infer: InferFn | undefined,
  opsets: Record<string, number>,
  observedInside: ReadonlyMap<string, KnownValue> = new Map(),
): BodyFacts {
  const facts: BodyFacts = { taken: new Set(), notTaken: new Set(), iterations: new Map(), values: new Map() };
  const skip = (body: GraphBody): void => {
    facts.notTaken.add(body);
  };
  const level = (list: readonly GraphNode[], scope: ReadonlyMap<string, KnownValue>, running: boolean): void => {
    for (const node of list) {
      if (node.bodies.length === 0) continue;
      const plan = planBodies(node, scope);
      for (const body of node.bodies) {
        const runs = running ? plan.get(body) : 0;
        const values = inferBody(body, node, scope, infer, opsets);
        // what the run observed inside the body (an inlined If branch) wins over the inference
        for (const name of body.locals) {
          const seen = observedInside.get(name);
          if (seen) values.set(name, seen);
        }
        facts.values.set(body, values);
        if (runs === 0) {
          // not run: its static shapes still shown, nothing inside it runs
          skip(body);
          markInner(body, skip);
          continue;
        }
        if (runs !== undefined && running) {
          facts.taken.add(body);
          facts.iterations.set(body, runs);
        }
        const inner = new Map(scope);
        for (const [k, v] of values) inner.set(k, v);
        level(body.nodes, inner, running && runs !== undefined);
      }
    }
  };
  level(nodes, outer, true);
  return facts;
}

function markInner(body: GraphBody, skip: (b: GraphBody) => void): void {
  for (const n of body.nodes) {
    for (const b of n.bodies) {
      skip(b);
      markInner(b, skip);
    }
  }
}

/** How many times each body of `node` runs: 0 (not taken), n, or undefined (unknown). */
function planBodies(node: GraphNode, scope: ReadonlyMap<string, KnownValue>): Map<GraphBody, number | undefined> {
  const plan = new Map<GraphBody, number | undefined>();
  const valueOf = (name: string | undefined): unknown => (name ? scope.get(name)?.value?.[0] : undefined);
  const shapeOf = (name: string | undefined) => (name ? scope.get(name)?.shape : undefined);
  if (node.opType === 'If') {
    const cond = truthy(valueOf(node.inputs[0]));
    for (const b of node.bodies) {
      if (cond === undefined) plan.set(b, undefined);
      else plan.set(b, (b.attribute === 'then_branch') === cond ? 1 : 0);
    }
    return plan;
  }
  if (node.opType === 'Loop') {
    const m = node.inputs[0] ? count(valueOf(node.inputs[0])) : undefined;
    const cond = node.inputs[1] ? truthy(valueOf(node.inputs[1])) : true;
    // The trip count when the loop has one; else the leading dim of a scan output.
    let runs: number | undefined = cond === false ? 0 : m;
    if (runs === undefined && node.inputs.length >= 2) {
      const carried = node.inputs.length - 2;
      for (const o of node.outputs.slice(carried)) {
        const d = shapeOf(o)?.[0];
        if (typeof d === 'number') {
          runs = d;
          break;
        }
      }
    }
    for (const b of node.bodies) plan.set(b, runs);
    return plan;
  }
  if (node.opType === 'Scan') {
    const numScan = typeof node.attributes.num_scan_inputs === 'number' ? node.attributes.num_scan_inputs : 1;
    const first = node.inputs[node.inputs.length - numScan];
    const axes = node.attributes.scan_input_axes;
    const axis = Array.isArray(axes) && typeof axes[0] === 'number' ? axes[0] : 0;
    const shape = shapeOf(first);
    const d = shape ? shape[axis < 0 ? shape.length + axis : axis] : undefined;
    for (const b of node.bodies) plan.set(b, typeof d === 'number' ? d : undefined);
    return plan;
  }
  for (const b of node.bodies) plan.set(b, undefined);
  return plan;
}

/** The inputs a body is called with: a Loop's iteration number, condition and carried values; a Scan's states and slices. */
type BodyInput = { shape?: (number | string)[]; dtype?: string; value?: number | bigint | boolean };

function bodyInputs(body: GraphBody, node: GraphNode, scope: ReadonlyMap<string, KnownValue>): Record<string, BodyInput> {
  const out: Record<string, BodyInput> = {};
  const of = (name: string | undefined) => (name ? scope.get(name) : undefined);
  const put = (name: string | undefined, v: { shape?: readonly (number | string)[] | undefined; dtype?: string | undefined } | undefined) => {
    if (!name || !v) return;
    out[name] = { ...(v.shape ? { shape: [...v.shape] } : {}), ...(v.dtype ? { dtype: v.dtype } : {}) };
  };
  if (node.opType === 'Loop') {
    put(body.inputs[0], { shape: [], dtype: 'int64' });
    // an iteration runs only while the condition holds: inside the body it is true
    if (body.inputs[1]) out[body.inputs[1]] = { shape: [], dtype: 'bool', value: true };
    node.inputs.slice(2).forEach((name, k) => put(body.inputs[k + 2], of(name)));
  } else if (node.opType === 'Scan') {
    const numScan = typeof node.attributes.num_scan_inputs === 'number' ? node.attributes.num_scan_inputs : 1;
    const numState = node.inputs.length - numScan;
    const axes = Array.isArray(node.attributes.scan_input_axes) ? (node.attributes.scan_input_axes as number[]) : [];
    node.inputs.forEach((name, k) => {
      const v = of(name);
      if (k < numState) put(body.inputs[k], v);
      else if (v?.shape) {
        const axis = axes[k - numState] ?? 0;
        const a = axis < 0 ? v.shape.length + axis : axis;
        put(body.inputs[k], { shape: v.shape.filter((_, i) => i !== a), ...(v.dtype ? { dtype: v.dtype } : {}) });
      }
    });
  }
  return out;
}

function inferBody(body: GraphBody, node: GraphNode, scope: ReadonlyMap<string, KnownValue>, infer: InferFn | undefined, opsets: Record<string, number>): Map<string, KnownValue> {
  const values = new Map<string, KnownValue>();
  for (const [name, v] of body.valueInfo) values.set(name, { ...(v.shape ? { shape: v.shape.map((d) => d ?? '?') } : {}), ...(v.dtype ? { dtype: v.dtype } : {}) });
  if (!infer) return values;
  try {
    const inputs = bodyInputs(body, node, scope);
    const inferred = infer(body.graph, { outer: scope, inputs, opsets });
    for (const [k, v] of inferred) if (body.locals.has(k) || body.weights.has(k) || !scope.has(k)) values.set(k, v);
    for (const [k, v] of Object.entries(inputs)) {
      if (v.value !== undefined) values.set(k, { ...values.get(k), ...(v.shape ? { shape: v.shape } : {}), ...(v.dtype ? { dtype: v.dtype } : {}), value: [v.value] });
    }
  } catch {
    // the inference could not follow this body: what it declares is all that is known
  }
  return values;
}

/** Multiplies a body's per-run MACs by its runs and those of the bodies around it; undefined when a count is unknown. */
export function runsOf(body: GraphBody | undefined, iterations: ReadonlyMap<GraphBody, number>): number | undefined {
  let runs = 1;
  for (let b = body; b; b = b.parent) {
    const n = iterations.get(b);
    if (n === undefined) return undefined;
    runs *= n;
  }
  return runs;
}

/** A shape as core takes it. */
export function toShape(s: readonly (number | string)[] | undefined): Shape | undefined {
  return s?.map((d) => (typeof d === 'number' ? d : d === '?' ? null : d));
}

/** Exact bytes of a value when its shape is concrete and its dtype known; else 0. */
export function knownBytes(v: KnownValue | undefined): number {
  const shape = toShape(v?.shape);
  if (!shape || !isConcreteShape(shape) || !v?.dtype || !isKnownDType(v.dtype)) return 0;
  return tensorBytes(shape.reduce((a, b) => a * b, 1), v.dtype);
}

/** Events of the nodes inside the bodies that ran: shapes from `facts`, MACs from `macsOf` × runs; marked inferred. */
export function bodyEvents(
  facts: BodyFacts,
  lookup: (name: string, body: GraphBody) => KnownValue | undefined,
  isWeight: (name: string, body: GraphBody) => boolean,
  macsOf: (node: GraphNode) => number | undefined,
  observed: (name: string) => boolean = () => false,
): LayerEvent[] {
  const events: LayerEvent[] = [];
  const walk = (body: GraphBody): void => {
    for (const node of body.nodes) {
      if (node.isConstant) continue;
      const outs = node.outputs.filter((o) => o !== '');
      const ins = node.inputs.filter((i) => i !== '' && !isWeight(i, body));
      const outVals = outs.map((o) => lookup(o, body));
      const inVals = ins.map((i) => lookup(i, body));
      const event: LayerEvent = {
        id: node.id,
        inputShapes: inVals.map((v) => toShape(v?.shape) ?? []),
        inputDTypes: inVals.map((v) => v?.dtype ?? 'unknown'),
        outputShapes: outVals.map((v) => toShape(v?.shape) ?? []),
        outputDTypes: outVals.map((v) => v?.dtype ?? 'unknown'),
        outputBytes: outVals.reduce((sum, v) => sum + knownBytes(v), 0),
        inputNames: ins.map((i) => `${body.id}::${i}`),
        outputNames: outs.map((o) => `${body.id}::${o}`),
      };
      // seen by the run (an inlined branch) or by the shape inference only
      if (!outs.every(observed)) event.inferred = true;
      const per = macsOf(node);
      const runs = runsOf(body, facts.iterations);
      if (per !== undefined && runs !== undefined) event.macs = per * runs;
      events.push(event);
      for (const b of node.bodies) if (facts.taken.has(b)) walk(b);
    }
  };
  for (const b of facts.taken) if (b.parent === undefined) walk(b);
  return events;
}
