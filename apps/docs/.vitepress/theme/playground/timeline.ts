/**
 * The memory timeline: live activation bytes after each executed layer, in execution order.
 *
 * A tensor is live from the layer that makes it to the last layer that reads it — core's rule for
 * `memory.peakActivationBytes`. With the pass's tensor names (the playground records the events
 * of the pass it runs) the curve is exact and its peak is core's. A saved summary JSON carries no
 * tensor names: then each output is taken as read by the next layer only, core's rule for events
 * without names, and the chart says it is that approximation.
 */
import { liveBytesByStep, type LayerJSON, type SummaryJSON } from '@modelsummary/core';

/** One executed leaf call as the pass saw it (a LayerEvent, reduced to what liveness needs). */
export interface PassEvent {
  id: string;
  callIndex?: number;
  outputBytes: number;
  /** Bytes of each output tensor (from shape and dtype); omitted: `outputBytes` split evenly. */
  outputSizes?: number[];
  inputNames?: string[];
  outputNames?: string[];
}

export interface TimelinePoint {
  /** Execution step, from 0. */
  step: number;
  id: string;
  callIndex: number;
  /** Bytes live while this layer runs (its inputs still held, its outputs made). */
  live: number;
}

export interface Timeline {
  points: TimelinePoint[];
  peak: TimelinePoint | undefined;
  /** `names`: from the tensor names of the pass (exact); `chain`: each output read by the next layer only. */
  method: 'names' | 'chain';
}

function sizes(e: PassEvent): number[] {
  const n = e.outputNames?.length ?? e.outputSizes?.length ?? 1;
  if (e.outputSizes && e.outputSizes.length === n) return e.outputSizes;
  return new Array<number>(n).fill(n === 0 ? 0 : e.outputBytes / n);
}

/** The live bytes at every step of `events` (executed leaf calls, in execution order): core's liveness rule. */
export function liveTimeline(events: readonly PassEvent[]): Timeline {
  const named = events.length > 0 && events.every((e) => e.outputNames !== undefined && e.inputNames !== undefined);
  const live = liveBytesByStep(
    events.map((e) => ({
      outputSizes: sizes(e),
      ...(e.inputNames ? { inputNames: e.inputNames } : {}),
      ...(e.outputNames ? { outputNames: e.outputNames } : {}),
    })),
  );
  const points: TimelinePoint[] = [];
  let peak: TimelinePoint | undefined;
  events.forEach((e, step) => {
    const point = { step, id: e.id, callIndex: e.callIndex ?? 0, live: Math.round(live[step] ?? 0) };
    points.push(point);
    if (!peak || point.live > peak.live) peak = point;
  });
  return { points, peak, method: named ? 'names' : 'chain' };
}

/** The executed leaf rows of a saved summary, in listing order, as events without tensor names. */
export function eventsFromJSON(json: Pick<SummaryJSON, 'layers'>): PassEvent[] {
  const parents = new Set(json.layers.map((l) => l.parentId).filter((p): p is string => p !== undefined));
  return json.layers
    .filter((l: LayerJSON) => l.executed && !parents.has(l.id) && l.type !== 'scope')
    .map((l) => ({ id: l.id, callIndex: l.callIndex, outputBytes: l.outputBytes }));
}
