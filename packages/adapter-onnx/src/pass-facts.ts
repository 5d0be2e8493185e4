/**
 * What the adapter knows of a pass beyond what the run observes: static facts of every row from the
 * symbolic shape inference (static mode, and the rows inside control-flow bodies), the bodies that
 * ran with their inferred shapes, and the KV cache of a decoder.
 */
import { shellFlag, type KVCacheEstimate, type LayerEvent, type LayerRecord, type OutputSpec, type ResolvedInput, type Shape } from '@modelsummary/core';
import type { Observed } from './capture.js';
import { bodyEvents, bodyFacts, runsOf, toShape, type BodyFacts, type InferFn, type KnownValue } from './control-flow.js';
import type { ParsedGraph } from './graph.js';
import { declaredLookup } from './graph.js';
import { inferShapes } from './infer/index.js';
import { hasKVCache, kvCacheEstimate, type CacheTensor } from './kv-cache.js';
import { nodeMacs } from './macs.js';
import type { GraphBody, GraphNode } from './nodes.js';
import { resolveConstant, withStaticFacts, type StaticLookup, type StaticValue } from './rows.js';
import { mockFill } from './runtime.js';

/** The shape inference over a model's graphs, calls of its local functions followed into their bodies. */
const inferIn =
  (model: ParsedGraph['model']): InferFn =>
  (graph, options) =>
    inferShapes(graph, { ...(options as Parameters<typeof inferShapes>[1]), functions: model.functions ?? [] }) as Map<string, KnownValue>;

export interface StaticPass {
  layers: LayerRecord[];
  warnings: string[];
  /** The graph's outputs with their inferred shapes (static mode). */
  outputs?: OutputSpec[];
  kvCache?: KVCacheEstimate;
}

export interface ObservedPass {
  events: LayerEvent[];
  warnings: string[];
  kvCache?: KVCacheEstimate;
}

/** One graph output as `outputSpecs` reports it: a dim nobody knows left out of the shape. */
export function outputSpec(name: string, v: { shape?: Shape; dtype?: string } | undefined): OutputSpec {
  const shape = v?.shape?.every((d) => d !== null && d !== undefined) ? (v.shape as (number | string)[]) : undefined;
  return { name, ...(shape ? { shape: [...shape] } : {}), ...(v?.dtype ? { dtype: v.dtype } : {}) };
}

/** What a row shows of an inferred value: its shape and dtype (built by assignment: this runs per value of the graph). */
function staticValue(v: KnownValue): StaticValue {
  const out: StaticValue = {};
  if (v.shape) out.shape = toShape(v.shape) as Shape;
  if (v.dtype) out.dtype = v.dtype as StaticValue['dtype'];
  return out;
}

export class PassFacts {
  /** Small main-graph tensors whose values the run fetches: If conditions, Loop trip counts and conditions. */
  readonly valueNames: Set<string>;
  /** Conditions of the Ifs inside bodies: read in the runs with inlined branches. */
  readonly innerConditions = new Set<string>();
  private readonly declared: StaticLookup;
  private readonly hasBodies: boolean;
  private cache?: { key: string; pass: StaticPass };
  private readonly infer: InferFn;

  constructor(private readonly graph: ParsedGraph) {
    this.valueNames = new Set();
    for (const n of graph.nodes) {
      if (n.opType === 'If' && n.inputs[0]) this.valueNames.add(n.inputs[0]);
      if (n.opType === 'Loop') for (const i of n.inputs.slice(0, 2)) if (i) this.valueNames.add(i);
    }
    for (const b of graph.bodies) for (const n of b.nodes) if (n.opType === 'If' && n.inputs[0]) this.innerConditions.add(n.inputs[0]);
    this.declared = declaredLookup(graph);
    this.hasBodies = graph.bodies.length > 0;
    this.infer = inferIn(graph.model);
  }

  /** Values of the main graph from the shape inference, for these inputs; the declared ones where it cannot run. */
  private inferMain(inputs: readonly ResolvedInput[], dims: Readonly<Record<string, number>>, warnings: string[]): Map<string, KnownValue> {
    const given: Record<string, { shape: number[]; dtype: string; value?: number | bigint | boolean }> = {};
    for (const i of inputs) {
      const fill = mockFill(i);
      given[i.name] = { shape: i.shape.slice(), dtype: i.dtype, ...(fill === undefined ? {} : { value: fill }) };
    }
    try {
      return this.infer(this.graph.proto, { inputs: given, ...({ dims: { ...dims } } as object), opsets: this.graph.opsets });
    } catch (error) {
      warnings.push(`shape inference failed (${error instanceof Error ? error.message : String(error)}): static shapes only where the file declares them`);
      const out = new Map<string, KnownValue>();
      for (const [name, v] of this.graph.valueInfo) if (v.shape) out.set(name, { shape: v.shape.map((d) => d ?? '?'), ...(v.dtype ? { dtype: v.dtype } : {}) });
      for (const [name, v] of Object.entries(given)) out.set(name, { shape: v.shape, dtype: v.dtype, ...(v.value === undefined ? {} : { value: [v.value] }) });
      return out;
    }
  }

  private lookup(main: ReadonlyMap<string, KnownValue>, facts: BodyFacts): (name: string, body: GraphBody | undefined) => KnownValue | undefined {
    return (name, body) => {
      for (let b = body; b; b = b.parent) {
        const v = facts.values.get(b)?.get(name);
        if (v) return v;
        if (b.locals.has(name)) return undefined;
      }
      return main.get(name);
    };
  }

  /**
   * Static facts for the rows when the pass's inputs are known. In a static summary, every row's
   * shapes and MACs; in a run, only a model with control-flow bodies needs them (the bodies' rows).
   */
  staticPass(inputs: readonly ResolvedInput[], dims: Readonly<Record<string, number>>, staticOnly = true): StaticPass {
    if (!staticOnly && !this.hasBodies) return { layers: this.graph.layers.map((l) => ({ ...l })), warnings: [] };
    const key = JSON.stringify([inputs.map((i) => [i.name, i.shape, i.dtype, String(i.value)]), dims, staticOnly]);
    if (this.cache?.key === key) return { ...this.cache.pass, layers: this.cache.pass.layers.map((l) => ({ ...l })) };
    const warnings: string[] = [];
    const main = this.inferMain(inputs, dims, warnings);
    const facts = bodyFacts(this.graph.nodes, main, this.infer, this.graph.opsets);
    const known = this.lookup(main, facts);
    // Each value is read by its producer and every consumer (shape, then dtype): made once per graph level.
    const made = new Map<GraphBody | undefined, Map<string, ReturnType<StaticLookup>>>();
    const lookup: StaticLookup = (name, body) => {
      let level = made.get(body);
      if (!level) made.set(body, (level = new Map()));
      if (level.has(name)) return level.get(name);
      const v = known(name, body);
      const out = v ? staticValue(v) : this.declared(name, body);
      level.set(name, out);
      return out;
    };
    const layers = withStaticFacts(this.graph.baseLayers, this.graph.nodes, this.graph.initializers, lookup, facts.notTaken, (node) =>
      node.body ? runsOf(node.body, facts.iterations) : 1,
    );
    const pass: StaticPass = { layers, warnings, outputs: this.graph.outputs.map((name) => outputSpec(name, lookup(name, undefined))) };
    const cache = this.cacheFrom((name) => lookup(name, undefined));
    if (cache) pass.kvCache = cache;
    this.cache = { key, pass };
    return { ...pass, layers: layers.map((l) => ({ ...l })) };
  }

  /** After a run: the events of the body nodes that ran (inferred shapes), and the KV cache from the observed outputs. */
  observedPass(observed: Observed, feeds: readonly ResolvedInput[], inside: Observed = new Map()): ObservedPass {
    const warnings: string[] = [];
    const out: ObservedPass = { events: [], warnings };
    const shapeOf = (name: string) => {
      const o = observed.get(name);
      return o ? { shape: o.dims, dtype: o.type } : undefined;
    };
    const cache = this.cacheFrom(shapeOf);
    if (cache) out.kvCache = cache;
    if (!this.hasBodies) return out;
    const main = this.inferMain(feeds, {}, warnings);
    for (const [name, o] of observed) {
      const before = main.get(name);
      const same = before?.shape && before.shape.length === o.dims.length && before.shape.every((d, i) => d === o.dims[i]);
      main.set(name, { shape: o.dims, dtype: o.type, ...(o.value ? { value: o.value } : same && before?.value ? { value: before.value } : {}) });
    }
    for (const f of feeds) {
      const fill = mockFill(f);
      main.set(f.name, { shape: f.shape, dtype: f.dtype, ...(fill === undefined ? {} : { value: [fill] }) });
    }
    const seenInside = new Map<string, KnownValue>();
    for (const [name, o] of inside) seenInside.set(name, { shape: o.dims, dtype: o.type, ...(o.value ? { value: o.value } : {}) });
    const facts = bodyFacts(this.graph.nodes, main, this.infer, this.graph.opsets, seenInside);
    const lookup = this.lookup(main, facts);
    const isWeight = (name: string, body: GraphBody) => resolveConstant(name, body, this.graph.initializers) !== undefined;
    const macsOf = (node: GraphNode) =>
      nodeMacs(node, {
        initializers: this.graph.initializers,
        shapeOf: (name) => toShape(lookup(name, node.body)?.shape) ?? resolveConstant(name, node.body, this.graph.initializers)?.dims,
      });
    out.events = bodyEvents(facts, (name, body) => lookup(name, body), isWeight, macsOf, (name) => seenInside.has(name));
    warnings.push(...this.branchWarnings(facts, feeds));
    return out;
  }

  /** For an If on a model input fed a mock value: which branch ran, and the flag that runs the other. */
  private branchWarnings(facts: BodyFacts, feeds: readonly ResolvedInput[]): string[] {
    const out: string[] = [];
    for (const node of this.graph.nodes) {
      if (node.opType !== 'If') continue;
      const feed = feeds.find((f) => f.name === node.inputs[0]);
      if (!feed || feed.value !== undefined) continue;
      const ran = node.bodies.find((b) => facts.taken.has(b));
      if (!ran) continue;
      const other = ran.attribute === 'then_branch' ? 'false' : 'true';
      out.push(
        `If "${node.name}" ran its ${ran.attribute}: its condition "${feed.name}" was a mock value (${String(mockFill(feed))}); ${shellFlag('--input', `${feed.name}=${other}`)} runs the other branch (API: inputs: [{ name: '${feed.name}', value: ${other} }])`,
      );
    }
    return out;
  }

  /** The KV cache from what is known of the graph's inputs and outputs. */
  private cacheFrom(known: (name: string) => { shape?: Shape | readonly (number | string)[]; dtype?: string } | undefined): KVCacheEstimate | undefined {
    const inputs = this.graph.inputs.map((i) => i.name);
    if (!hasKVCache(inputs, this.graph.outputs)) return undefined;
    const tensor = (name: string): CacheTensor => {
      const v = known(name);
      const declared = this.graph.valueInfo.get(name)?.shape;
      return { name, ...(declared ? { declared } : {}), ...(v?.shape ? { shape: toShape(v.shape as (number | string)[]) as Shape } : {}), ...(v?.dtype ? { dtype: v.dtype } : {}) };
    };
    return kvCacheEstimate(inputs.map(tensor), this.graph.outputs.map(tensor));
  }
}
