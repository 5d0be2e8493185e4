// Compares two modelsummary JSON summaries (schema v1): same rows (ids, types, shapes, dtypes,
// params, MACs)? Prints one line per file pair and exits 0 when the rows match, 1 otherwise.
// Usage: node bench/lib/compare-summaries.mjs a.json b.json
import { readFileSync } from 'node:fs';

export function rowKey(l) {
  return JSON.stringify([l.id, l.type, l.inputShapes, l.outputShapes, l.outputDTypes, l.params, l.paramBytes, l.macs, l.executed]);
}

export function compareSummaries(a, b) {
  const diffs = [];
  if (a.layers.length !== b.layers.length) diffs.push(`row count ${a.layers.length} vs ${b.layers.length}`);
  const n = Math.min(a.layers.length, b.layers.length);
  for (let i = 0; i < n && diffs.length < 10; i += 1) {
    if (rowKey(a.layers[i]) !== rowKey(b.layers[i])) diffs.push(`row ${i} (${a.layers[i].id}): ${rowKey(a.layers[i])} vs ${rowKey(b.layers[i])}`);
  }
  for (const k of ['params', 'macs', 'paramBytes']) if (a.totals[k] !== b.totals[k]) diffs.push(`totals.${k} ${a.totals[k]} vs ${b.totals[k]}`);
  return { same: diffs.length === 0, rows: a.layers.length, devices: [a.device, b.device], diffs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [fa, fb] = process.argv.slice(2);
  const r = compareSummaries(JSON.parse(readFileSync(fa, 'utf8')), JSON.parse(readFileSync(fb, 'utf8')));
  console.log(`rows=${r.rows} devices=${r.devices.join(' vs ')} same-rows=${r.same}${r.diffs.length ? `\n  ${r.diffs.join('\n  ')}` : ''}`);
  process.exit(r.same ? 0 : 1);
}
