/** `modelsummary diff A B`: per-layer and total differences between two summaries (schema v1). */
import type { LayerJSON, SummaryJSON } from '@modelsummary/core';
import { formatBytes, formatCount, formatShapes, type Shape, type UnitSystem } from '@modelsummary/core';

export interface Delta {
  a: number | null;
  b: number | null;
  delta: number | null;
}

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

/** The JSON of `modelsummary diff --format json`. */
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

/** Compares two summaries: layers matched by id (and call index); totals side by side. */
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

const signed = (n: number | null, f: (x: number) => string) => (n === null ? '--' : n > 0 ? `+${f(n)}` : n < 0 ? `-${f(-n)}` : '0');

/** The diff as text: totals side by side, then added / removed / changed layers. */
export function formatDiff(d: SummaryDiff, units: UnitSystem = 'si'): string {
  const count = (n: number | null) => (n === null ? '--' : formatCount(n));
  const bytes = (n: number | null) => (n === null ? '--' : formatBytes(n, units));
  const rows: [string, string, string, string][] = [
    ['', 'A', 'B', 'Δ'],
    ['Params', count(d.totals.params.a), count(d.totals.params.b), signed(d.totals.params.delta, formatCount)],
    ['Trainable params', count(d.totals.trainableParams.a), count(d.totals.trainableParams.b), signed(d.totals.trainableParams.delta, formatCount)],
    ['Param bytes', bytes(d.totals.paramBytes.a), bytes(d.totals.paramBytes.b), signed(d.totals.paramBytes.delta, (x) => formatBytes(x, units))],
    ['Mult-adds', count(d.totals.macs.a), count(d.totals.macs.b), signed(d.totals.macs.delta, formatCount)],
    ['Activations', bytes(d.totals.activationBytes.a), bytes(d.totals.activationBytes.b), signed(d.totals.activationBytes.delta, (x) => formatBytes(x, units))],
    ['Estimated total', bytes(d.totals.totalBytes.a), bytes(d.totals.totalBytes.b), signed(d.totals.totalBytes.delta, (x) => formatBytes(x, units))],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();
  const out: string[] = [];
  out.push(`A: ${d.a.file} (${d.a.name}, ${d.a.format})`);
  out.push(`B: ${d.b.file} (${d.b.name}, ${d.b.format})`);
  out.push('');
  out.push(...rows.map(line));
  out.push('');
  const { added, removed, changed, unchanged } = d.layers;
  out.push(`Layers: ${added.length} added, ${removed.length} removed, ${changed.length} changed, ${unchanged} unchanged`);
  const label = (l: LayerDiff) => `${l.name} (${l.type})${l.callIndex > 0 ? ` call ${l.callIndex + 1}` : ''}`;
  for (const l of added) out.push(`  + ${label(l)}  params ${formatCount(l.params ?? 0)}, mult-adds ${l.macs === null || l.macs === undefined ? '?' : formatCount(l.macs)}`);
  for (const l of removed) out.push(`  - ${label(l)}  params ${formatCount(l.params ?? 0)}, mult-adds ${l.macs === null || l.macs === undefined ? '?' : formatCount(l.macs)}`);
  for (const l of changed) {
    const parts = Object.entries(l.changes ?? {}).map(([k, c]) => {
      const show = (v: unknown) => (v === null || v === undefined ? '?' : Array.isArray(v) ? (Array.isArray(v[0]) ? shapes(v as unknown[][]) : v.join(', ')) : typeof v === 'number' ? formatCount(v) : String(v));
      const dd = typeof c.delta === 'number' ? ` (${signed(c.delta, formatCount)})` : '';
      return `${k} ${show(c.a)} → ${show(c.b)}${dd}`;
    });
    out.push(`  ~ ${label(l)}  ${parts.join('; ')}`);
  }
  return out.join('\n');
}
