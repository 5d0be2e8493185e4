/**
 * The memory timeline: live activation bytes after each executed layer, in execution order.
 *
 * A tensor is live from the layer that makes it to the last layer that reads it — core's rule for
 * `memory.peakActivationBytes`. With the pass's tensor names (the playground records the events
 * of the pass it runs) the curve is exact and its peak is core's. A saved summary JSON carries no
 * tensor names: then each output is taken as read by the next layer only, core's rule for events
 * without names, and the chart says it is that approximation.
 */
import type { LayerJSON, SummaryJSON } from '@modelsummary/core';

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

function addAt(values: Float64Array, index: number, amount: number): void {
  values[index] = (values[index] ?? 0) + amount;
}

/** The live bytes at every step of `events` (executed leaf calls, in execution order). */
export function liveTimeline(events: readonly PassEvent[]): Timeline {
  const named = events.length > 0 && events.every((e) => e.outputNames !== undefined && e.inputNames !== undefined);
  const delta = new Float64Array(events.length + 1);
  if (named) {
    const lastUse = new Map<string, number>();
    events.forEach((e, i) => e.inputNames!.forEach((name) => lastUse.set(name, i)));
    events.forEach((e, i) => {
      sizes(e).forEach((bytes, k) => {
        const name = e.outputNames![k];
        const end = Math.max(i, (name === undefined ? undefined : lastUse.get(name)) ?? i);
        addAt(delta, i, bytes);
        addAt(delta, end + 1, -bytes);
      });
    });
  } else {
    events.forEach((e, i) => {
      const end = Math.min(i + 1, events.length - 1);
      addAt(delta, i, e.outputBytes);
      addAt(delta, end + 1, -e.outputBytes);
    });
  }
  const points: TimelinePoint[] = [];
  let live = 0;
  let peak: TimelinePoint | undefined;
  events.forEach((e, step) => {
    live += delta[step]!;
    const point = { step, id: e.id, callIndex: e.callIndex ?? 0, live: Math.round(live) };
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
