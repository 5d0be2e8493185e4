/**
 * The side-by-side table of the "Memory and MACs" page: our numbers on the reference ONNX exports
 * (onnxruntime-node, cpu, batch 1) against what torchsummary and torchinfo printed for the PyTorch
 * originals (/work/shared/reference/*.json). `test/pages.test.ts` checks the page holds exactly this
 * table; `UPDATE_DOCS=1` rewrites it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCount, summarize, type MemoryConvention, type ModelSummary } from '@modelsummary/core';
import { REFERENCE_DIR } from '../../../packages/core/test/reference-folder.js';

// `../shared/reference` beside the repository (MODELSUMMARY_SHARED overrides `../shared`), core's one
// rule; `testReference` runs a test that needs it, and fails it under CI when the folder is missing.
export { REFERENCE_DIR, testReference } from '../../../packages/core/test/reference-folder.js';
export const MODELS = ['mnist_net', 'multi_input', 'conv_no_bias', 'frozen', 'batchnorm', 'mobilenet_v2'];

interface Reference {
  torch: { total_params: number; trainable_params: number };
  torchsummary: { totals: { total_params: number; forward_backward_pass_size_mb: number; estimated_total_size_mb: number } };
  torchinfo: { totals: { total_params: number; total_mult_adds: number; total_output_bytes: number; estimated_total_bytes: number } };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

async function ours(name: string, convention: MemoryConvention): Promise<ModelSummary> {
  const ort = await import('onnxruntime-node');
  const { onnxAdapter } = await import('@modelsummary/adapter-onnx');
  const model = await onnxAdapter(readFileSync(join(REFERENCE_DIR, 'models', `${name}.onnx`)), { ort: ort as never, fileName: `${name}.onnx` });
  try {
    return await summarize(model, { device: 'cpu', memoryConvention: convention });
  } finally {
    await model.dispose?.();
  }
}

/** The Markdown table, one row per reference model. */
export async function referenceTable(): Promise<string> {
  const lines = [
    '| model | params: torch / torchsummary / torchinfo / **ours** | MACs: torchinfo / **ours** | fwd/bwd "MB" (MiB): torchsummary / **ours, `torchsummary`** | fwd/bwd bytes: torchinfo / **ours, `torchinfo`** | total bytes: torchinfo / **ours, `torchinfo`** / **ours, default** |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const name of MODELS) {
    const ref = JSON.parse(readFileSync(join(REFERENCE_DIR, `${name}.json`), 'utf8')) as Reference;
    const [def, ts, ti] = [await ours(name, 'default'), await ours(name, 'torchsummary'), await ours(name, 'torchinfo')];
    const tsr = ref.torchsummary.totals;
    const tir = ref.torchinfo.totals;
    lines.push(
      `| ${name} | ${formatCount(ref.torch.total_params)} / ${formatCount(tsr.total_params)} / ${formatCount(tir.total_params)} / **${formatCount(def.totals.params)}** ` +
        `| ${formatCount(tir.total_mult_adds)} / **${formatCount(def.totals.macs)}** ` +
        `| ${tsr.forward_backward_pass_size_mb.toFixed(2)} / **${mib(ts.memory.forwardBackwardBytes)}** ` +
        `| ${formatCount(tir.total_output_bytes)} / **${formatCount(ti.memory.forwardBackwardBytes)}** ` +
        `| ${formatCount(tir.estimated_total_bytes)} / **${formatCount(ti.memory.totalBytes)}** / **${formatCount(def.memory.totalBytes)}** |`,
    );
  }
  return lines.join('\n');
}
