/**
 * Reads a model file, tells its format from the content, and makes it summarizable. The ML
 * runtimes (onnxruntime, tfjs) are imported here, lazily, only when a model needs them.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { HookableModel, SummaryJSON } from '@modelsummary/core';
import type { OrtModule } from '@modelsummary/adapter-onnx';
import { CliError, EXIT, usageError } from './io.js';
import type { CliOptions, OrtChoice } from './options.js';
import type { Progress } from './progress.js';

export type FileKind = 'onnx' | 'tfjs' | 'summary-json';

export interface LoadedModel {
  model: HookableModel;
  /** `onnxruntime-node 1.30.0`, `tfjs 4.22.0 (cpu backend)`, or `static` — shown in the header. */
  engine: string;
  dispose(): Promise<void>;
}

/** Checks the path and tells what it holds: ONNX protobuf, TF.js model.json, or a summary JSON. */
export async function detectFile(path: string): Promise<{ kind: FileKind; absolute: string; size: number }> {
  const absolute = resolve(path);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError(`${path}: no such file`);
    if (code === 'EACCES') throw new CliError(`${path}: permission denied`);
    throw new CliError(`${path}: cannot read (${(error as Error).message})`, EXIT.ERROR, { cause: error });
  }
  if (info.isDirectory()) throw new CliError(`${path}: is a directory; pass the .onnx file or the model.json inside it`);
  if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
  if (info.size === 0) throw new CliError(`${path}: the file is empty (0 bytes), not a model`);

  const handle = await open(absolute, 'r');
  let head: string;
  try {
    const buf = new Uint8Array(Math.min(info.size, 4096));
    await handle.read(buf, 0, buf.byteLength, 0);
    head = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  } finally {
    await handle.close();
  }
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{')) {
    // JSON: a TF.js model.json or a modelsummary summary (schema v1). Read it whole to tell.
    let json: unknown;
    try {
      json = JSON.parse(await readFile(absolute, 'utf8'));
    } catch (error) {
      throw new CliError(`${path}: looks like JSON but does not parse (${(error as Error).message})`);
    }
    const obj = json as Record<string, unknown>;
    if (obj && typeof obj === 'object' && 'modelTopology' in obj) return { kind: 'tfjs', absolute, size: info.size };
    if (obj && typeof obj === 'object' && 'schemaVersion' in obj && 'layers' in obj) return { kind: 'summary-json', absolute, size: info.size };
    throw new CliError(`${path}: a JSON file that is neither a TF.js model.json (no "modelTopology") nor a modelsummary JSON summary`);
  }
  // Everything else is handed to the ONNX decoder, which names what is wrong.
  return { kind: 'onnx', absolute, size: info.size };
}

/** Loads a model file (ONNX or TF.js) ready for `summarize`. */
export async function loadModel(path: string, kind: Exclude<FileKind, 'summary-json'>, options: CliOptions, progress: Progress): Promise<LoadedModel> {
  return kind === 'onnx' ? loadOnnx(path, options, progress) : loadTfjs(path, options, progress);
}

/** Reads a saved summary JSON and checks it against schema v1. */
export async function loadSummaryJSON(path: string): Promise<SummaryJSON> {
  const json = JSON.parse(await readFile(resolve(path), 'utf8')) as unknown;
  const { validateSummaryJSON } = await import('@modelsummary/core');
  const problems = validateSummaryJSON(json);
  if (problems.length > 0) {
    throw new CliError(`${path}: not a valid modelsummary JSON summary (schema v1): ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}`);
  }
  return json as SummaryJSON;
}

// ---------------------------------------------------------------------------------------------
// ONNX

/** onnxruntime-node where it loads, else onnxruntime-web (wasm); `--runtime` forces one. */
export async function selectOrt(choice: OrtChoice): Promise<{ ort: OrtModule; engine: string }> {
  const { loadOrt } = await import('@modelsummary/adapter-onnx');
  const packages = choice === 'node' ? (['onnxruntime-node'] as const) : choice === 'web' ? (['onnxruntime-web'] as const) : undefined;
  const { ort, name } = await loadOrt('modelsummary', packages);
  if (name === 'onnxruntime-web' && ort.env?.wasm) ort.env.wasm.numThreads = 1; // no worker threads: same on Node, Bun, Deno
  const version = ort.env?.versions?.[name === 'onnxruntime-node' ? 'node' : 'web'] ?? ort.env?.versions?.common;
  return { ort, engine: `${name}${version ? ` ${version}` : ''}` };
}

async function loadOnnx(path: string, options: CliOptions, progress: Progress): Promise<LoadedModel> {
  progress.update(`Reading ${basename(path)}`);
  const { loadOnnxFile, onnxAdapterFromLoaded } = await import('@modelsummary/adapter-onnx/node');
  if (options.static) {
    const model = onnxAdapterFromLoaded(await loadOnnxFile(path, { readExternalData: false }), { run: false });
    return { model, engine: 'static (no runtime)', dispose: async () => model.dispose?.() };
  }
  // The file is read (thread pool) while the runtime's modules load (main thread).
  const reading = loadOnnxFile(path, { readExternalData: true });
  reading.catch(() => {}); // awaited below, after the runtime: its errors come first, as before
  progress.update('Loading the ONNX runtime');
  const { ort, engine } = await selectOrt(options.runtime);
  progress.update(`Decoding ${basename(path)}`);
  const model = onnxAdapterFromLoaded(await reading, { ort });
  return { model, engine, dispose: async () => model.dispose?.() };
}

// ---------------------------------------------------------------------------------------------
// TF.js

interface TfLike {
  version_core?: string;
  ready(): Promise<void>;
  getBackend(): string;
  setBackend(name: string): Promise<boolean>;
  io: { fromMemory?: unknown };
}

let tfPromise: Promise<{ tf: TfLike; layers: Record<string, unknown>; converter: Record<string, unknown> }> | undefined;

/** tfjs-core + the CPU backend + layers + converter, once per process (quietly: tfjs greets Node users on stdout/stderr). */
function importTf() {
  tfPromise ??= (async () => {
    // The CPU backend greets Node users on its first tensor (console.warn), later than this import:
    // for the rest of the CLI process, drop just that message (the CLI owns its console).
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('running TensorFlow.js in Node.js')) return;
      original(...args);
    };
    const warn = console.warn;
    const log = console.log;
    console.warn = () => {};
    console.log = () => {};
    try {
      const tf = (await import('@tensorflow/tfjs-core')) as unknown as TfLike;
      await import('@tensorflow/tfjs-backend-cpu');
      const layers = (await import('@tensorflow/tfjs-layers')) as Record<string, unknown>;
      const converter = (await import('@tensorflow/tfjs-converter')) as Record<string, unknown>;
      return { tf, layers, converter };
    } finally {
      console.warn = warn;
      console.log = log;
    }
  })();
  return tfPromise;
}

async function loadTfjs(path: string, options: CliOptions, progress: Progress): Promise<LoadedModel> {
  if (options.static) throw usageError('--static applies to ONNX models only (a TF.js model is summarized by running it)');
  progress.update(`Reading ${basename(path)} and its weight shards`);
  const { readModelArtifacts, tfjsModelKind } = await import('@modelsummary/adapter-tfjs/node');
  const artifacts = await readModelArtifacts(path);
  const kind = tfjsModelKind(artifacts);
  progress.update('Loading TensorFlow.js');
  let loaded: Awaited<ReturnType<typeof importTf>>;
  let adapterModule: typeof import('@modelsummary/adapter-tfjs');
  try {
    loaded = await importTf();
    adapterModule = await import('@modelsummary/adapter-tfjs');
  } catch (error) {
    throw new CliError(`${path}: TensorFlow.js could not be loaded (${firstLine(error)}); install @tensorflow/tfjs-core, -layers, -converter and -backend-cpu`);
  }
  const { tf, layers, converter } = loaded;
  const device = options.device;
  let gpuNote = '';
  if (device === 'auto' || device === 'gpu' || device === 'webgpu') {
    progress.update('Looking for a WebGPU adapter');
    try {
      const node = (await import('@modelsummary/adapter-tfjs/node' as string)) as { setupNodeWebGPU?: (o: { tf: unknown }) => Promise<{ available: boolean; adapter?: string; reason?: string }> };
      const r = await node.setupNodeWebGPU?.({ tf });
      if (r?.available && r.adapter) gpuNote = `, ${r.adapter}`;
    } catch {
      // No WebGPU support installed: the adapter reports the CPU fallback as a warning.
    }
  }
  progress.update(`Building the TF.js ${kind} model`);
  const handler = { load: async () => artifacts };
  let model: unknown;
  // tfjs greets Node users (console.log / warn) when its CPU backend starts: keep stdout clean.
  const { log, warn } = console;
  console.warn = () => {};
  console.log = () => {};
  try {
    await tf.ready();
    if (!['cpu', 'webgpu', 'webgl'].includes(tf.getBackend())) await tf.setBackend('cpu');
    model = kind === 'layers'
      ? await (layers.loadLayersModel as (h: unknown) => Promise<unknown>)(handler)
      : await (converter.loadGraphModel as (h: unknown) => Promise<unknown>)(handler);
  } catch (error) {
    throw new CliError(`${path}: TensorFlow.js could not load the ${kind} model: ${firstLine(error)}`, EXIT.ERROR, { cause: error });
  } finally {
    console.warn = warn;
    console.log = log;
  }
  const name = basename(dirname(path)) && basename(path) === 'model.json' ? basename(dirname(path)) : basename(path).replace(/\.json$/i, '');
  const hookable = await adapterModule.tfjsAdapter(model as never, { tf: tf as never, name });
  return {
    model: hookable,
    engine: `tfjs ${tf.version_core ?? ''}`.trim() + gpuNote,
    dispose: async () => {
      await hookable.dispose?.();
      (model as { dispose?: () => unknown }).dispose?.();
    },
  };
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim().slice(0, 300);
}
