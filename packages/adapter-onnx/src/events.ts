/** Hook events of an ONNX pass: one per row node whose outputs were observed, with MACs from the observed shapes. */
import { isKnownDType, tensorBytes, type LayerEvent, type ResolvedInput, type Shape } from '@modelsummary/core';
import type { Observed } from './capture.js';
import type { ParsedGraph } from './graph.js';
import { nodeMacs } from './macs.js';

/** The events of one pass, in graph order. `feeds` are the inputs as fed. */
export function nodeEvents(graph: ParsedGraph, observed: Observed, feeds: readonly ResolvedInput[]): LayerEvent[] {
  for (const f of feeds) observed.set(f.name, { dims: f.shape, type: f.dtype });
  const shapeOf = (n: string): Shape | undefined => observed.get(n)?.dims ?? graph.initializers.get(n)?.dims ?? graph.valueInfo.get(n)?.shape;
  const dtypeOf = (n: string): string => observed.get(n)?.type ?? graph.initializers.get(n)?.dtype ?? graph.valueInfo.get(n)?.dtype ?? 'unknown';
  const isWeight = (n: string): boolean => graph.initializers.has(n) || graph.constantOutputs.has(n);
  const ctx = { initializers: graph.initializers, shapeOf, isWeight: (n: string) => graph.constantOutputs.has(n) };
  const events: LayerEvent[] = [];
  for (const node of graph.rowNodes) {
    const outs = node.outputs.filter((o) => o !== '');
    const seen = outs.map((o) => observed.get(o));
    if (seen.some((s) => s === undefined)) continue;
    const ins = node.inputs.filter((i) => i !== '' && !isWeight(i) && shapeOf(i) !== undefined);
    const event: LayerEvent = {
      id: node.id,
      inputShapes: ins.map((i) => shapeOf(i) as Shape),
      inputDTypes: ins.map(dtypeOf),
      outputShapes: seen.map((s) => s!.dims),
      outputDTypes: seen.map((s) => s!.type),
      outputBytes: seen.reduce((sum, s) => sum + bytesOf(s!), 0),
      inputNames: ins,
      outputNames: outs,
    };
    const macs = nodeMacs(node, ctx);
    if (macs !== undefined) event.macs = macs;
    events.push(event);
  }
  return events;
}

function bytesOf(t: { dims: number[]; type: string }): number {
  return isKnownDType(t.type) ? tensorBytes(t.dims.reduce((a, b) => a * b, 1), t.type) : 0;
}
