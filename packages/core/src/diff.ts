/**
 * The difference between two summaries (schema v1): totals side by side and the layers added,
 * removed and changed, matched by id and call index. Pure: the CLI's `modelsummary diff` prints it,
 * the docs playground shows it.
 */
import type { Shape } from './contract.js';
import type { LayerJSON, SummaryJSON } from './format/index.js';
import { formatShapes } from './shape.js';

/** One figure in both summaries; `delta` = b - a, null when either is unknown. */
export interface Delta {
  a: number | null;
  b: number | null;
  delta: number | null;
}

/** A layer in the diff: an added or removed one with its figures, a changed one with what changed. */
export interface LayerDiff {
  id: string;
  name: string;
  type: string;
  callIndex: number;
  /** For changed layers: what changed (a → b). */
  changes?: Record<string, { a: unknown; b: unknown; delta?: number | null }>;
  params?: number;
  macs?: number | null;
}

/** What `diffSummaries` returns (and `modelsummary diff --format json` prints). */
export interface SummaryDiff {
  kind: 'modelsummary-diff';
  schemaVersion: 1;
  a: { file: string; name: string; format: string };
  b: { file: string; name: string; format: string };
  totals: Record<'params' | 'trainableParams' | 'paramBytes' | 'macs' | 'activationBytes' | 'totalBytes', Delta>;
  layers: { added: LayerDiff[]; removed: LayerDiff[]; changed: LayerDiff[]; unchanged: number };
}

const key = (l: LayerJSON) => `${l.id}#${l.callIndex}`;
const shapes = (s: readonly (readonly unknown[])[]) => formatShapes(s as readonly Shape[]);

function delta(a: number | null | undefined, b: number | null | undefined): Delta {
  const av = a ?? null;
  const bv = b ?? null;
  return { a: av, b: bv, delta: av === null || bv === null ? null : bv - av };
}

/**
 * Compares two summaries: layers matched by id (and call index) — added (only in b), removed (only
 * in a), changed (type, params, trainable params, MACs, input / output shapes or output dtypes
 * differ) — and the totals and memory side by side. `files` names a and b in the result.
 */
export function diffSummaries(a: SummaryJSON, b: SummaryJSON, files: { a: string; b: string }): SummaryDiff {
  const aRows = new Map(a.layers.map((l) => [key(l), l]));
  const bRows = new Map(b.layers.map((l) => [key(l), l]));
  const brief = (l: LayerJSON): LayerDiff => ({ id: l.id, name: l.name, type: l.type, callIndex: l.callIndex, params: l.params, macs: l.macs });
  const added = b.layers.filter((l) => !aRows.has(key(l))).map(brief);
  const removed = a.layers.filter((l) => !bRows.has(key(l))).map(brief);
  const changed: LayerDiff[] = [];
  let unchanged = 0;
  for (const la of a.layers) {
    const lb = bRows.get(key(la));
    if (!lb) continue;
    const changes: NonNullable<LayerDiff['changes']> = {};
    if (la.type !== lb.type) changes.type = { a: la.type, b: lb.type };
    if (la.params !== lb.params) changes.params = { a: la.params, b: lb.params, delta: lb.params - la.params };
    if ((la.trainableParams ?? null) !== (lb.trainableParams ?? null)) {
      changes.trainableParams = { a: la.trainableParams ?? null, b: lb.trainableParams ?? null, delta: delta(la.trainableParams, lb.trainableParams).delta };
    }
    if (la.macs !== lb.macs) changes.macs = { a: la.macs, b: lb.macs, delta: delta(la.macs, lb.macs).delta };
    if (shapes(la.inputShapes) !== shapes(lb.inputShapes)) changes.inputShapes = { a: la.inputShapes, b: lb.inputShapes };
    if (shapes(la.outputShapes) !== shapes(lb.outputShapes)) changes.outputShapes = { a: la.outputShapes, b: lb.outputShapes };
    if (la.outputDTypes.join() !== lb.outputDTypes.join()) changes.outputDTypes = { a: la.outputDTypes, b: lb.outputDTypes };
    if (Object.keys(changes).length > 0) changed.push({ id: la.id, name: la.name, type: lb.type, callIndex: la.callIndex, changes });
    else unchanged += 1;
  }
  return {
    kind: 'modelsummary-diff',
    schemaVersion: 1,
    a: { file: files.a, name: a.model.name, format: a.model.format },
    b: { file: files.b, name: b.model.name, format: b.model.format },
    totals: {
      params: delta(a.totals.params, b.totals.params),
      trainableParams: delta(a.totals.trainableParams, b.totals.trainableParams),
      paramBytes: delta(a.totals.paramBytes, b.totals.paramBytes),
      macs: delta(a.totals.macs, b.totals.macs),
      activationBytes: delta(a.memory.activationBytes, b.memory.activationBytes),
      totalBytes: delta(a.memory.totalBytes, b.memory.totalBytes),
    },
    layers: { added, removed, changed, unchanged },
  };
}
