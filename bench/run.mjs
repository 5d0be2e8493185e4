#!/usr/bin/env node
// `npm run bench`: every benchmark in one run; prints one table and writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchCore } from './core.mjs';

const results = { date: new Date().toISOString(), node: process.version, core: await benchCore() };
console.log('\ncore: summarize + format (medians)');
console.table(
  results.core.map((r) => ({
    rows: r.rows,
    'summarize ms': r.summarizeMs.toFixed(1),
    'format ms': r.formatMs.toFixed(1),
    'total ms': r.totalMs.toFixed(1),
    'ms per 1k rows': r.msPer1kRows.toFixed(2),
  })),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('written: bench/results/latest.json');
