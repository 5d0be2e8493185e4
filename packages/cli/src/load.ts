/**
 * Reads a model file once, tells its format from the content (core's `detectModelFile`), and
 * makes it summarizable from those bytes. The ML runtimes (onnxruntime, tfjs) are imported here,
 * lazily, only when a model needs them.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { detectModelFile, validateSummaryJSON, type DetectedModelFile, type HookableModel, type SummaryJSON } from '@modelsummary/core';
import type { OrtModule } from '@modelsummary/adapter-onnx';
import { CliError, EXIT, usageError } from './io.js';
import type { CliOptions, OrtChoice } from './options.js';
import type { Progress } from './progress.js';

/** A model file, read once: its bytes and what they hold. */
export interface ModelFile {
  /** The path as given (messages name it). */
  path: string;
  absolute: string;
  /** The whole file, at the start of a buffer with `SPARE_ROOM` free bytes after it. */
  bytes: Uint8Array;
  detected: DetectedModelFile;
}

export interface LoadedModel {
  model: HookableModel;
  /** `onnxruntime-node 1.30.0`, `tfjs 4.22.0 (cpu backend)`, or `static` — shown in the header. */
  engine: string;
  dispose(): Promise<void>;
}

/** Free room after a file's bytes: the ONNX adapter appends its shape probes there instead of copying the model. */
const SPARE_ROOM = 1 << 20;

/** Checks the path is a readable regular file; returns its size. */
async function fileSize(path: string, absolute: string): Promise<number> {
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    throw fileError(path, error);
  }
  if (info.isDirectory()) throw new CliError(`${path}: is a directory; pass the .onnx file or the model.json inside it`);
  if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
  if (info.size > MAX_MODEL_FILE) {
    throw new CliError(`${path}: is ${(info.size / 2 ** 30).toFixed(1)} GiB; no model file is that large (an ONNX protobuf cannot exceed 2 GiB: big models keep their weights in external data files); not read`);
  }
  return info.size;
}

/** Protobuf's limit, which bounds every ONNX file; a model.json is far smaller. */
const MAX_MODEL_FILE = 2 ** 31;

function fileError(path: string, error: unknown): CliError {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new CliError(`${path}: no such file`);
  if (code === 'EACCES') return new CliError(`${path}: permission denied`);
  return new CliError(`${path}: cannot read (${(error as Error).message})`, EXIT.ERROR, { cause: error });
}

/** The whole file in few large reads, into a buffer with `SPARE_ROOM` after it. */
async function readBytes(path: string, absolute: string, size: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(size + SPARE_ROOM);
  let offset = 0;
  try {
    const handle = await open(absolute, 'r');
    try {
      while (offset < size) {
        const { bytesRead } = await handle.read(buffer, offset, Math.min(size - offset, 1 << 30), offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileError(path, error);
  }
  return buffer.subarray(0, offset);
}

/**
 * Reads the file at `path` once and tells what it holds: ONNX protobuf, a TF.js model.json, or a
 * summary JSON. An empty file, broken JSON or JSON of neither kind is an `INVALID_MODEL` error
 * naming the path.
 */
export async function readModelFile(path: string, progress?: Progress): Promise<ModelFile> {
  const absolute = resolve(path);
  const size = await fileSize(path, absolute);
  progress?.update(`Reading ${basename(path)}`);
  const bytes = await readBytes(path, absolute, size);
  return { path, absolute, bytes, detected: detectModelFile(bytes, path) };
}

/** Makes a model file (ONNX or TF.js) ready for `summarize`, from the bytes already read. */
export async function loadModel(file: ModelFile, options: CliOptions, progress: Progress): Promise<LoadedModel> {
  const { detected } = file;
  if (detected.kind === 'summary-json') {
    throw usageError(`${file.path}: is a modelsummary JSON summary, not a model; compare summaries with: modelsummary diff A.json B.json`);
  }
  return detected.kind === 'onnx' ? loadOnnx(file, options, progress) : loadTfjs(file, detected.json, options, progress);
}

/** A saved summary (the JSON read from `path`), checked against schema v1. */
export function savedSummary(path: string, json: Record<string, unknown>): SummaryJSON {
  const problems = validateSummaryJSON(json);
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (+${problems.length - 3} more)` : '';
    throw new CliError(`${path}: not a valid modelsummary JSON summary (schema v1): ${problems.slice(0, 3).join('; ')}${more}`);
  }
  return json as unknown as SummaryJSON;
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

/**
 * onnxruntime's logger off but for fatal errors, for this CLI process (`--debug` keeps it): what it
 * would say (a kernel's failure) reaches the user in the thrown error, and `--device cpu` runs
 * without the quiet child (`quiet.ts`). The environment's level is read when the first session is made.
 */
function quietOrtLogger(ort: OrtModule): void {
  const env = ort.env as { logLevel?: string } | undefined;
  if (env) env.logLevel = 'fatal';
}

async function loadOnnx(file: ModelFile, options: CliOptions, progress: Progress): Promise<LoadedModel> {
  const name = basename(file.absolute);
  progress.update(`Decoding ${name}`);
  const { loadOnnxFile, onnxAdapterFromLoaded } = await import('@modelsummary/adapter-onnx/node');
  const read = { bytes: file.bytes, spareRoom: true };
  if (options.static) {
    const model = onnxAdapterFromLoaded(await loadOnnxFile(file.absolute, { ...read, readExternalData: false }), { run: false });
    return { model, engine: 'static (no runtime)', dispose: async () => model.dispose?.() };
  }
  // External-data files are read (thread pool) while the runtime's modules load (main thread).
  const reading = loadOnnxFile(file.absolute, { ...read, readExternalData: true });
  reading.catch(() => {}); // awaited below, after the runtime: its errors come first, as before
  progress.update('Loading the ONNX runtime');
  const { ort, engine } = await selectOrt(options.runtime);
  if (!options.debug) quietOrtLogger(ort);
  progress.update(`Decoding ${name}`);
  const model = onnxAdapterFromLoaded(await reading, { ort, ...(options.debug ? {} : { sessionOptions: { logSeverityLevel: 4 } }) });
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

/** tfjs and the adapter, or a CliError saying what to install. */
async function importTfjs(path: string) {
  try {
    return { loaded: await importTf(), adapterModule: await import('@modelsummary/adapter-tfjs') };
  } catch (error) {
    throw new CliError(`${path}: TensorFlow.js could not be loaded (${firstLine(error)}); install @tensorflow/tfjs-core, -layers, -converter and -backend-cpu`);
  }
}

/** The header name: the folder of a `model.json`, else the file name without `.json`. */
function tfjsModelName(path: string): string {
  return basename(dirname(path)) && basename(path) === 'model.json' ? basename(dirname(path)) : basename(path).replace(/\.json$/i, '');
}

async function loadTfjs(file: ModelFile, json: Record<string, unknown>, options: CliOptions, progress: Progress): Promise<LoadedModel> {
  const path = file.absolute;
  if (options.static) throw usageError('--static applies to ONNX models only (a TF.js model is summarized by running it)');
  progress.update(`Reading the weight shards of ${basename(path)}`);
  const { disposingOnFailure, readModelArtifacts, tfjsModelKind } = await import('@modelsummary/adapter-tfjs/node');
  const artifacts = await readModelArtifacts(path, { json });
  const kind = tfjsModelKind(artifacts);
  progress.update('Loading TensorFlow.js');
  const { loaded, adapterModule } = await importTfjs(path);
  const { tf, layers, converter } = loaded;
  progress.update(`Building the TF.js ${kind} model`);
  const handler = { load: async () => artifacts };
  let model: unknown;
  // tfjs greets Node users (console.log / warn) when its CPU backend starts: keep stdout clean.
  const { log, warn } = console;
  console.warn = () => {};
  console.log = () => {};
  try {
    await tf.ready();
    model = await disposingOnFailure(tf as never, () =>
      kind === 'layers'
        ? (layers.loadLayersModel as (h: unknown) => Promise<unknown>)(handler)
        : (converter.loadGraphModel as (h: unknown) => Promise<unknown>)(handler),
    );
  } catch (error) {
    throw new CliError(`${path}: TensorFlow.js could not load the ${kind} model: ${firstLine(error)}`, EXIT.ERROR, { cause: error });
  } finally {
    console.warn = warn;
    console.log = log;
  }
  const { setupNodeWebGPU } = await import('@modelsummary/adapter-tfjs/node');
  let gpuNote = '';
  const hookable = adapterModule.tfjsAdapter(model as never, {
    tf: tf as never,
    name: tfjsModelName(path),
    // The adapter asks for WebGPU only when the device policy tries it (auto / gpu / webgpu).
    setupWebGPU: async (t) => {
      progress.update('Looking for a WebGPU adapter');
      const r = await setupNodeWebGPU({ tf: t });
      if (r.available && r.adapter) gpuNote = `, ${r.adapter}`;
      return r;
    },
  });
  return {
    model: hookable,
    get engine() {
      return `tfjs ${tf.version_core ?? ''}`.trim() + gpuNote;
    },
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
