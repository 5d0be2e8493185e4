// #region example
import * as ort from 'onnxruntime-web';
import { formatSummary, summarize } from '@modelsummary/core';
import { onnxAdapter } from '@modelsummary/adapter-onnx';

// Serve onnxruntime-web's dist/*.wasm files from your own site (no CDN), e.g. under /ort/.
if (typeof document !== 'undefined') ort.env.wasm.wasmPaths = '/ort/';

/** Summarizes a file from an <input type="file"> or a drop: WebGPU when the browser has it, else wasm. */
export async function summarizeFile(file: File): Promise<{ html: string; device: string }> {
  const model = await onnxAdapter(new Uint8Array(await file.arrayBuffer()), { ort, fileName: file.name });
  try {
    const summary = await summarize(model, { device: 'auto' });
    return { html: formatSummary(summary, { format: 'html' }), device: summary.device };
  } finally {
    await model.dispose?.();
  }
}
// #endregion example
