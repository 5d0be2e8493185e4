/**
 * A layers-model topology checked before TF.js reads it. TF.js builds a functional model by
 * queueing every layer call until the calls it reads from exist; a call that names a missing
 * layer, a call index that never comes, a loop or a layer reading itself keeps that queue going
 * forever (100% CPU, no error). This replays the same queue with plain data, in bounded time, and
 * names the layer that could never be built.
 */
import { summaryError } from '@modelsummary/core';

interface LayerConfig {
  name?: unknown;
  class_name?: unknown;
  config?: unknown;
  inbound_nodes?: unknown;
}

/** One inbound reference: the layer, the index of its call, and the tensor of that call. */
interface Inbound {
  layer: string;
  node: number;
}

/** Layer classes that hold a graph of their own (checked recursively). */
const CONTAINERS = new Set(['Model', 'Functional', 'Sequential']);

/**
 * Throws `INVALID_MODEL` naming the layer when a layers-model topology (`modelTopology` of a
 * model.json, with or without its `model_config` wrapper) could never be built: an inbound layer
 * that does not exist, a call index the layer never reaches, a cycle, a layer that reads itself,
 * or input / output layers that are missing. Graph-model topologies and unknown shapes pass.
 */
export function checkLayersTopology(topology: unknown, label = 'model.json'): void {
  const root = topology as { model_config?: unknown; class_name?: unknown; config?: unknown } | null;
  if (typeof root !== 'object' || root === null) return;
  const model = (root.model_config ?? root) as LayerConfig;
  checkContainer(model, label, String(model.class_name ?? 'model'));
}

function checkContainer(model: LayerConfig, label: string, path: string): void {
  const config = model.config as { layers?: unknown; input_layers?: unknown; output_layers?: unknown } | unknown[] | undefined;
  const layers = Array.isArray(config) ? config : Array.isArray(config?.layers) ? (config.layers as unknown[]) : undefined;
  if (!layers) return;
  for (const layer of layers as LayerConfig[]) {
    if (CONTAINERS.has(String(layer?.class_name))) checkContainer(layer, label, `${path} › ${String(layer.name ?? layer.class_name)}`);
  }
  if (model.class_name === 'Sequential' || Array.isArray(config)) return; // a sequence has no inbound links
  const fail = (message: string, layer?: string): never => {
    throw summaryError('INVALID_MODEL', `${label}: the layers model cannot be built: ${message} (in ${path}); TF.js would wait for it forever`, {
      details: { file: label, ...(layer === undefined ? {} : { layer }) },
    });
  };
  const calls = new Map<string, Inbound[][]>();
  for (const [i, layer] of (layers as LayerConfig[]).entries()) {
    const name = typeof layer?.name === 'string' ? layer.name : fail(`layer ${i} has no name`);
    if (calls.has(name)) fail(`two layers are named "${name}"`, name);
    calls.set(name, inboundCalls(layer, name, fail));
  }
  for (const [name, nodes] of calls) {
    for (const node of nodes) {
      for (const ref of node) {
        if (!calls.has(ref.layer)) fail(`layer "${name}" reads from "${ref.layer}", which is not a layer of the model`, name);
      }
    }
  }
  replayBuild(calls, fail);
  const ends = config as { input_layers?: unknown; output_layers?: unknown };
  for (const key of ['input_layers', 'output_layers'] as const) {
    for (const ref of Array.isArray(ends[key]) ? (ends[key] as unknown[]) : []) {
      const layer = Array.isArray(ref) ? ref[0] : undefined;
      if (typeof layer !== 'string' || !calls.has(layer)) fail(`${key} names "${String(layer)}", which is not a layer of the model`);
    }
  }
}

/** The calls of one layer: for each call (node), the (layer, node) pairs it reads. */
function inboundCalls(layer: LayerConfig, name: string, fail: (m: string, l?: string) => never): Inbound[][] {
  const raw = layer.inbound_nodes;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return fail(`layer "${name}" has inbound_nodes that are not a list`, name);
  return raw.map((node, k) => {
    // Keras 2: [[layer, node, tensor, kwargs], ...]; Keras 3: { args: [{ config: { keras_history: [layer, node, tensor] } }] }.
    const refs: unknown[] = Array.isArray(node) ? node : historyRefs(node);
    return refs.map((ref) => {
      const [layerName, nodeIndex] = Array.isArray(ref) ? ref : [];
      if (typeof layerName !== 'string' || !Number.isInteger(nodeIndex) || (nodeIndex as number) < 0) {
        return fail(`layer "${name}" call ${k} has an inbound reference that is not [layer, node, tensor]`, name);
      }
      return { layer: layerName, node: nodeIndex as number };
    });
  });
}

function historyRefs(node: unknown): unknown[] {
  const out: unknown[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 20 || typeof v !== 'object' || v === null) return;
    const history = (v as { keras_history?: unknown }).keras_history;
    if (Array.isArray(history)) out.push(history);
    else for (const child of Object.values(v as Record<string, unknown>)) visit(child, depth + 1);
  };
  visit(node, 0);
  return out;
}

/**
 * TF.js's queue, replayed: a layer's calls are made in order, each once every (layer, call) it
 * reads exists. Layers with no inbound calls (inputs) make call 0. What is never made is a cycle or
 * a call index that never comes.
 */
function replayBuild(calls: ReadonlyMap<string, Inbound[][]>, fail: (m: string, l?: string) => never): void {
  const made = new Map<string, number>();
  for (const [name, nodes] of calls) made.set(name, nodes.length === 0 ? 1 : 0);
  let progress = true;
  while (progress) {
    progress = false;
    for (const [name, nodes] of calls) {
      let k = made.get(name) as number;
      while (k < nodes.length && (nodes[k] as Inbound[]).every((ref) => (made.get(ref.layer) ?? 0) > ref.node)) k += 1;
      if (k !== made.get(name)) {
        made.set(name, k);
        progress = true;
      }
    }
  }
  for (const [name, nodes] of calls) {
    const k = made.get(name) as number;
    if (k >= nodes.length) continue;
    const waiting = (nodes[k] as Inbound[]).find((ref) => (made.get(ref.layer) ?? 0) <= ref.node) as Inbound;
    const has = calls.get(waiting.layer)?.length || 1;
    fail(
      waiting.layer === name
        ? `layer "${name}" call ${k} reads its own output of call ${waiting.node}, which it has not made yet`
        : waiting.node >= has
          ? `layer "${name}" reads call ${waiting.node} of "${waiting.layer}", which is called only ${has} time(s)`
          : `layer "${name}" waits on "${waiting.layer}", which waits on it in turn (a cycle)`,
      name,
    );
  }
}
