/** `modelsummary diff A B`: per-layer and total differences between two summaries (schema v1). */
import { formatBytes, formatCount, formatShapes, type LayerDiff, type Shape, type SummaryDiff, type UnitSystem } from '@modelsummary/core';

// The comparison itself is core's (the docs playground shows the same diff); this file prints it.
export { diffSummaries } from '@modelsummary/core';
export type { Delta, LayerDiff, SummaryDiff } from '@modelsummary/core';

const shapes = (s: readonly (readonly unknown[])[]) => formatShapes(s as readonly Shape[]);

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
