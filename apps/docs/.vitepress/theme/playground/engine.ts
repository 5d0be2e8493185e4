/**
 * The playground's engine: everything runs in this page. A model file (or a bundled example) is
 * read into memory, handed to the matching adapter, summarized with core, and rendered with core's
 * formatters. Nothing is uploaded anywhere.
 */
import { detectModelFile, formatSummary, summarize, toJSON, type HookableModel, type ModelSummary } from '@modelsummary/core';

/** What the backend menu offers. `auto`: WebGPU when the browser has it, else the runtime's default. */
export type Backend = 'auto' | 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export const BACKENDS: readonly Backend[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];

/** A bundled example, as listed in `/examples/index.json` (written by the site build). */
export interface Example {
  id: string;
  label: string;
  kind: 'onnx' | 'tfjs';
  /** URLs relative to the site base; the model file first (`.onnx` or `model.json`), then shards. */
  files: string[];
}

/** A model file held in memory: from the picker, a drop, or fetched from the site. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

export interface PlaygroundResult {
  summary: ModelSummary;
  html: string;
  markdown: string;
  json: string;
  /** What the chart shows: executed leaf rows. */
  bars: { name: string; type: string; params: number; activationBytes: number }[];
  elapsedMs: number;
}

/** A user-facing error: shown inline, with the file it is about. */
export class PlaygroundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaygroundError';
  }
}

/** Whether this browser can give a WebGPU adapter (not just expose `navigator.gpu`). */
export async function hasWebGPU(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// runtimes, loaded on first use (they are large)

type Ort = typeof import('onnxruntime-web');
let ortPromise: Promise<Ort> | undefined;

function loadOrt(base: string): Promise<Ort> {
  ortPromise ??= import('onnxruntime-web/all').then((mod) => {
    const ort = ((mod as { default?: Ort }).default?.InferenceSession ? (mod as { default: Ort }).default : mod) as Ort;
    // The wasm binary and its loader are copied into the site (/ort/): no CDN, works offline.
    ort.env.wasm.wasmPaths = `${base}ort/`;
    // Threads need a cross-origin isolated page (SharedArrayBuffer); a static docs host is not.
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortPromise;
}

type Tf = typeof import('@tensorflow/tfjs');
let tfPromise: Promise<Tf> | undefined;

function loadTf(base: string): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    // Registers itself only when navigator.gpu exists, which is the case that matters.
    await import('@tensorflow/tfjs-backend-webgpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${base}tfjs-wasm/`);
    await tf.ready();
    // Tests only: the e2e page sets `window.__msPlaygroundDebug = {}` first to reach tf (tf.memory()).
    const debug = (globalThis as { __msPlaygroundDebug?: { tf?: unknown } }).__msPlaygroundDebug;
    if (debug && typeof debug === 'object') debug.tf = tf;
    return tf;
  })();
  return tfPromise;
}

// ---------------------------------------------------------------------------------------------
// loading

interface TfjsManifest {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths: string[] }[];
}

/** What the user gave, as one model: an `.onnx`, or a `model.json` (already parsed) plus its shards. */
export type ClassifiedFiles = { kind: 'onnx'; model: ModelFile } | { kind: 'tfjs'; model: ModelFile; manifest: TfjsManifest; shards: ModelFile[] };

/** The model among the files: the one `.onnx` or `.json` (the others are its weight shards). */
function modelFileOf(files: readonly ModelFile[]): ModelFile {
  if (files.length === 0) throw new PlaygroundError('No file was given. Drop an .onnx file, or a model.json together with its .bin weight files.');
  const models = files.filter((f) => /\.(onnx|json)$/i.test(f.name));
  if (models.length > 1) throw new PlaygroundError(`Give one model at a time: got ${models.map((f) => f.name).join(', ')}.`);
  if (models.length === 0) {
    throw new PlaygroundError(
      `${files.map((f) => f.name).join(', ')}: not a model file. The playground reads .onnx files, and TF.js models as model.json plus its .bin shards.`,
    );
  }
  return models[0]!;
}

/**
 * Splits what the user gave into one model. Which file is the model goes by its name; what it
 * holds is told from its content by core's `detectModelFile` (the CLI's detection too).
 */
export function classify(files: readonly ModelFile[]): ClassifiedFiles {
  const model = modelFileOf(files);
  const others = files.filter((f) => f !== model);
  const detected = detectModelFile(model.bytes, model.name);
  if (detected.kind === 'summary-json') {
    throw new PlaygroundError(`${model.name}: a modelsummary JSON summary, not a model. The playground summarizes .onnx files and TF.js model.json files.`);
  }
  if (detected.kind === 'tfjs') return { kind: 'tfjs', model, manifest: detected.json as TfjsManifest, shards: others };
  if (others.length > 0) {
    throw new PlaygroundError(
      `${model.name}: ONNX models with external data (${others.map((f) => f.name).join(', ')}) are not supported in the playground; use the CLI.`,
    );
  }
  return { kind: 'onnx', model };
}

/** A model ready for core, and what frees it (the runtime's session, or the tfjs model's weights). */
interface LoadedModel {
  model: HookableModel;
  dispose(): Promise<void>;
}

async function onnxModel(model: ModelFile, base: string): Promise<LoadedModel> {
  const [ort, { onnxAdapter }] = await Promise.all([loadOrt(base), import('@modelsummary/adapter-onnx')]);
  const adapted = await onnxAdapter(model.bytes, { ort, fileName: model.name });
  return { model: adapted, dispose: () => adapted.dispose() };
}

async function tfjsModel(model: ModelFile, manifest: TfjsManifest, shards: readonly ModelFile[], base: string): Promise<LoadedModel> {
  const needed = (manifest.weightsManifest ?? []).flatMap((g) => g.paths.map((p) => p.split('/').pop() as string));
  const given = new Set(shards.map((s) => s.name));
  const missing = needed.filter((n) => !given.has(n));
  if (missing.length > 0) {
    throw new PlaygroundError(
      `${model.name} needs the weight file${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'were' : 'was'} not given. Select model.json together with all its .bin shards.`,
    );
  }
  const unused = shards.filter((s) => !needed.includes(s.name));
  if (unused.length > 0) throw new PlaygroundError(`${unused.map((s) => s.name).join(', ')}: not named in ${model.name}'s weightsManifest.`);
  const [tf, { tfjsAdapter, tfjsModelKind }] = await Promise.all([loadTf(base), import('@modelsummary/adapter-tfjs')]);
  const files = [new File([model.bytes], model.name, { type: 'application/json' }), ...shards.map((s) => new File([s.bytes], s.name))];
  const handler = tf.io.browserFiles(files);
  // The adapter does not own the tfjs model: its weights (GPU buffers on webgpu) are freed here.
  let loaded: { dispose(): unknown } | undefined;
  const free = async (): Promise<void> => {
    const m = loaded;
    loaded = undefined;
    m?.dispose();
  };
  try {
    loaded = tfjsModelKind(manifest) === 'graph' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
    const stem = model.name === 'model.json' ? undefined : model.name.replace(/\.json$/i, '');
    const adapted = tfjsAdapter(loaded as never, { tf: tf as never, ...(stem ? { name: stem } : {}) });
    return { model: adapted, dispose: free };
  } catch (error) {
    await free().catch(() => undefined);
    if (error instanceof PlaygroundError) throw error;
    throw new PlaygroundError(`${model.name}: TF.js could not load the model: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Summarizes one model given as files. Throws `PlaygroundError` (or a core error) with a readable message.
 * `auto` goes to the adapters as is: they try WebGPU first and fall back (wasm / the active tfjs
 * backend) with a warning in the summary, where a named backend would fail outright.
 */
export async function summarizeFiles(files: readonly ModelFile[], backend: Backend, base = '/'): Promise<PlaygroundResult> {
  const what = classify(files);
  const started = performance.now();
  const loaded = what.kind === 'onnx' ? await onnxModel(what.model, base) : await tfjsModel(what.model, what.manifest, what.shards, base);
  let summary: ModelSummary;
  try {
    summary = await summarize(loaded.model, { device: backend });
  } finally {
    await loaded.dispose();
  }
  return render(summary, performance.now() - started);
}

/** Fetches a bundled example's files from the site. */
export async function fetchExample(example: Example, base = '/'): Promise<ModelFile[]> {
  return Promise.all(
    example.files.map(async (path) => {
      const response = await fetch(`${base}${path}`);
      if (!response.ok) throw new PlaygroundError(`${path}: the site answered ${response.status} ${response.statusText}.`);
      return { name: path.split('/').pop() as string, bytes: new Uint8Array(await response.arrayBuffer()) };
    }),
  );
}

export async function listExamples(base = '/'): Promise<Example[]> {
  const response = await fetch(`${base}examples/index.json`);
  if (!response.ok) return [];
  return (await response.json()) as Example[];
}

export function render(summary: ModelSummary, elapsedMs: number): PlaygroundResult {
  const bars = summary.layers
    .filter((r) => r.executed && !r.isContainer && r.type !== 'scope')
    .map((r) => ({ name: r.name, type: r.type, params: r.params, activationBytes: r.outputBytes }));
  return {
    summary,
    html: formatSummary(summary, { format: 'html' }),
    markdown: formatSummary(summary, { format: 'markdown' }),
    json: JSON.stringify(toJSON(summary), null, 2),
    bars,
    elapsedMs,
  };
}

/** A readable message for anything thrown: core errors carry a code, the rest their message. */
export function describeError(error: unknown): string {
  if (error instanceof PlaygroundError) return error.message;
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? `${e.code}: ${message}` : message;
}
