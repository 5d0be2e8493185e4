// Core scale benchmark: summarize + format a mock model of 1k, 10k and 100k layers.
// Reports ms per 1k rows at each size (the cost must grow linearly). Medians of several runs after a warm-up.
import { formatSummary, summarize } from '@modelsummary/core';
import { createMockModel } from '@modelsummary/core/testing';
import { median } from './util.mjs';

function mockOfSize(n) {
  const layers = [];
  for (let i = 0; i < n; i += 1) {
    const block = Math.floor(i / 10);
    if (i % 10 === 0) layers.push({ id: `block${block}`, type: 'Sequential' });
    else
      layers.push({
        id: `layer${i}`,
        parentId: `block${block}`,
        type: i % 3 === 0 ? 'Conv2d' : 'ReLU',
        params: i % 3 === 0 ? 1_000 : 0,
        trainableParams: i % 3 === 0 ? 1_000 : 0,
        calls: [{ outputs: [{ shape: [null, 64, 28, 28], name: `t${i}` }], inputNames: [`t${i - 1}`], macs: i % 3 === 0 ? 50_000 : 0 }],
      });
  }
  return createMockModel({ name: `mock-${n}`, inputs: [{ name: 'x', shape: [null, 64, 28, 28] }], layers });
}

export async function benchCore({ sizes = [1_000, 10_000, 100_000], runs = 5 } = {}) {
  const rows = [];
  for (const n of sizes) {
    const model = mockOfSize(n);
    const once = async () => {
      const t0 = performance.now();
      const summary = await summarize(model);
      const t1 = performance.now();
      const text = formatSummary(summary, { format: 'table' });
      const t2 = performance.now();
      if (text.length === 0) throw new Error('empty table');
      return { summarize: t1 - t0, format: t2 - t1, total: t2 - t0 };
    };
    await once();
    const samples = [];
    for (let i = 0; i < (n >= 100_000 ? Math.min(runs, 3) : runs); i += 1) samples.push(await once());
    const total = median(samples.map((s) => s.total));
    rows.push({
      name: `core summarize+format ${n} rows`,
      rows: n,
      summarizeMs: median(samples.map((s) => s.summarize)),
      formatMs: median(samples.map((s) => s.format)),
      totalMs: total,
      msPer1kRows: (total / n) * 1_000,
    });
  }
  return rows;
}
