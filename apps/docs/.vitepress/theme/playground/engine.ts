/**
 * The playground's engine: everything runs in this page. A model file (dropped, picked, a bundled
 * example, or fetched by this browser from a `?model=` URL) is read into memory, handed to the
 * matching adapter and summarized with core; a saved summary JSON is read as it is. Nothing is
 * uploaded anywhere.
 */
import {
  checkRelativePath,
  detectModelFile,
  elementCount,
  formatSummary,
  isKnownDType,
  parseInputFlags,
  readableReason,
  resolveDevice,
  summarize,
  summaryError,
  tensorBytes,
  toJSON,
  validateSummaryJSON,
  type HookableModel,
  type LayerEvent,
  type LayerRow,
  type ModelSummary,
  type SummarizeOptions,
  type SummaryJSON,
} from '@modelsummary/core';
import type { ExternalDataFile, OnnxAdapterOptions } from '@modelsummary/adapter-onnx';
import type { PassEvent } from './timeline.js';
import type { ModelSource } from './viewstate.js';

/** What the backend menu offers. `auto`: WebGPU when the browser has it; a pass WebGPU cannot run is run again on wasm. */
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

/** A model file held in memory: from the picker, a drop, or fetched. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

/** What a pass is fed, besides the backend: `summarize()`'s inputs, dims and batch size. */
export type PassOptions = Pick<SummarizeOptions, 'inputs' | 'dims' | 'batchSize'>;

/**
 * The options field's text (`--dim sequence_length=8 --input use_cache_branch=true --batch 2`) as
 * a pass's options, read by core's `parseInputFlags`: a bad flag is its `INVALID_OPTION` error.
 */
export function passOptionsOf(flags: string): PassOptions {
  const { inputs, dims, batchSize } = parseInputFlags(flags);
  return { inputs, dims, ...(batchSize === undefined ? {} : { batchSize }) };
}

/** One summary the page shows: run here, or read from a saved JSON summary. */
export interface Loaded {
  label: string;
  /** Where it came from, when a link can carry it (an example or a URL; never a local file). */
  source?: ModelSource;
  /** The options field's flags it ran with (the page sets it; a link carries it). */
  flags?: string;
  /** `toJSON(summary)`: what every view reads. */
  json: SummaryJSON;
  summary: ModelSummary;
  /** The executed leaf calls of the pass, with tensor names (absent for a saved summary). */
  events?: PassEvent[];
  /** False: read from a summary JSON, not run in this page. */
  ranHere: boolean;
  /** One line when `auto` ran the pass again on wasm after the first backend failed. */
  fallback?: string;
  /** Load + pass, in ms (0 for a saved summary). */
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
    // Failures are reported on the page (a WebGPU pass that fails runs again on wasm); the runtime's own log stays quiet.
    ort.env.logLevel = 'fatal';
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
// telling the files apart

interface TfjsManifest {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths: string[] }[];
}

/**
 * One thing to show: a model (an `.onnx` with the external-data files given with it, or a
 * `model.json` plus its shards) or a saved summary.
 */
export type Unit =
  | { kind: 'onnx'; model: ModelFile; externalData: ModelFile[] }
  | { kind: 'tfjs'; model: ModelFile; manifest: TfjsManifest; shards: ModelFile[] }
  | { kind: 'summary'; model: ModelFile; json: Record<string, unknown> };

const baseName = (path: string) => path.replace(/\\/g, '/').split('/').pop() as string;
const shardNames = (manifest: TfjsManifest) => (manifest.weightsManifest ?? []).flatMap((g) => g.paths.map(baseName));
const onnxStem = (name: string) => name.replace(/\.onnx$/i, '');

type ModelUnit = Exclude<Unit, { kind: 'summary' }>;

/**
 * The model a file that is not a model belongs to: the `model.json` naming it as a shard, else the
 * `.onnx` whose name it starts with (`bert.onnx.data`, `bert.onnx_data`), else the only model given.
 */
function ownerOf(file: ModelFile, units: readonly Unit[]): ModelUnit | undefined {
  const models = units.filter((u): u is ModelUnit => u.kind !== 'summary');
  return (
    models.find((u) => u.kind === 'tfjs' && shardNames(u.manifest).includes(file.name)) ??
    models
      .filter((u) => u.kind === 'onnx' && file.name.startsWith(onnxStem(u.model.name)))
      .sort((a, b) => b.model.name.length - a.model.name.length)[0] ??
    (models.length === 1 ? models[0] : undefined)
  );
}

/**
 * Splits what the user gave into one or two units (two: they are compared). Which file is a model
 * goes by its name (`.onnx`, `.json`; the rest are weight shards); what it holds is told from its
 * content by core's `detectModelFile` (the CLI's detection too).
 */
export function groupFiles(files: readonly ModelFile[]): Unit[] {
  if (files.length === 0) throw new PlaygroundError('No file was given. Drop an .onnx file, or a model.json together with its .bin weight files.');
  const models = files.filter((f) => /\.(onnx|json)$/i.test(f.name));
  if (models.length === 0) {
    throw new PlaygroundError(
      `${files.map((f) => f.name).join(', ')}: not a model file. The playground reads .onnx files, TF.js models as model.json plus its .bin shards, and modelsummary JSON summaries.`,
    );
  }
  if (models.length > 2) {
    throw new PlaygroundError(`Give one model, or two to compare: got ${models.length} (${models.map((f) => f.name).join(', ')}).`);
  }
  const units: Unit[] = models.map((model) => {
    const detected = detectModelFile(model.bytes, model.name);
    if (detected.kind === 'summary-json') return { kind: 'summary', model, json: detected.json };
    if (detected.kind === 'tfjs') return { kind: 'tfjs', model, manifest: detected.json as TfjsManifest, shards: [] };
    return { kind: 'onnx', model, externalData: [] };
  });
  const stray: ModelFile[] = [];
  for (const file of files.filter((f) => !models.includes(f))) {
    const owner = ownerOf(file, units);
    if (owner?.kind === 'tfjs') owner.shards.push(file);
    else if (owner?.kind === 'onnx') owner.externalData.push(file);
    else stray.push(file);
  }
  if (stray.length > 0) {
    throw new PlaygroundError(
      `${stray.map((f) => f.name).join(', ')}: not named by any model given (a model.json's weightsManifest, or an .onnx file whose name it starts with). Give one model with its files at a time.`,
    );
  }
  return units;
}

/**
 * The external-data files of an ONNX model, as the adapter takes them: each location the model
 * names (`graph.externalFiles`) with the bytes of the file given under that name (or its last
 * segment, as a file picker names it). A file given that the model does not name, and a location
 * with no file, are errors that say which files to select.
 */
export function externalDataFor(modelName: string, locations: readonly string[], given: readonly ModelFile[]): ExternalDataFile[] {
  const fileFor = (location: string) => given.find((f) => f.name === location) ?? given.find((f) => baseName(f.name) === baseName(location));
  const unnamed = given.filter((f) => !locations.some((l) => fileFor(l) === f));
  if (unnamed.length > 0) {
    const names = locations.length > 0 ? `it names ${locations.join(', ')}` : 'it keeps all its weights inside the .onnx file';
    throw new PlaygroundError(`${unnamed.map((f) => f.name).join(', ')}: not external data of ${modelName} (${names}).`);
  }
  const missing = locations.filter((l) => fileFor(l) === undefined);
  if (missing.length > 0) {
    const list = missing.map(baseName).join(', ');
    throw new PlaygroundError(
      `${modelName} keeps its weights in ${list}, which ${missing.length > 1 ? 'were' : 'was'} not given. Select ${modelName} together with ${list}.`,
    );
  }
  return locations.map((path) => ({ path, data: (fileFor(path) as ModelFile).bytes }));
}

// ---------------------------------------------------------------------------------------------
// loading a model into an adapter

/** A model ready for core, and what frees it (the runtime's session, or the tfjs model's weights). */
interface LoadedModel {
  model: HookableModel;
  dispose(): Promise<void>;
}

/**
 * The ONNX adapter over a model and its external-data files. The model is parsed first to learn
 * which files it names; with external data it is made again with them (its `.onnx` is then small).
 */
async function onnxModel(model: ModelFile, given: readonly ModelFile[], base: string): Promise<LoadedModel> {
  const [ort, { onnxAdapter }] = await Promise.all([loadOrt(base), import('@modelsummary/adapter-onnx')]);
  // Level 4 (fatal only): a kernel that fails is reported on the page, not also in the console.
  const options: OnnxAdapterOptions = { ort, fileName: model.name, sessionOptions: { logSeverityLevel: 4 } };
  const first = await onnxAdapter(model.bytes, options);
  const locations = first.graph.externalFiles;
  if (locations.length === 0 && given.length === 0) return { model: first, dispose: () => first.dispose() };
  await first.dispose();
  const adapted = await onnxAdapter(model.bytes, { ...options, externalData: externalDataFor(model.name, locations, given) });
  return { model: adapted, dispose: () => adapted.dispose() };
}

async function tfjsModel(model: ModelFile, manifest: TfjsManifest, shards: readonly ModelFile[], base: string): Promise<LoadedModel> {
  const needed = shardNames(manifest);
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
  const files = [new File([model.bytes as BlobPart], model.name, { type: 'application/json' }), ...shards.map((s) => new File([s.bytes as BlobPart], s.name))];
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

// ---------------------------------------------------------------------------------------------
// the pass, with its events recorded and `auto` made to work

/** Bytes of each output tensor, as core's liveness rule counts them (undefined when one is unknown). */
function outputSizes(e: LayerEvent): number[] | undefined {
  const sizes = e.outputShapes.map((shape, k) => {
    const dtype = e.outputDTypes[k];
    const elements = elementCount(shape);
    return elements !== undefined && dtype !== undefined && isKnownDType(dtype) ? tensorBytes(elements, dtype) : undefined;
  });
  return sizes.every((s) => s !== undefined) ? (sizes as number[]) : undefined;
}

/** Backends of a GPU: a pass that fails on one of these under `auto` is run again on wasm. */
const GPU_BACKENDS = new Set(['webgpu', 'webgl']);

/**
 * The model with its hooks' events copied out (for the memory timeline) and the device its mock
 * inputs were made on recorded (to tell a failing WebGPU pass from a failing wasm one). With
 * `gpuFailsFast`, a run that fails on a GPU backend fails the summary at once, as a plain typed
 * error: core then does not run it again on the same GPU with other dims (its retry of dims left at
 * 1, for a failure that is the model's), and the next backend gets the same inputs instead.
 */
function tapped(model: HookableModel, events: PassEvent[], ran: { device?: string }, gpuFailsFast = false): HookableModel {
  const wrapped = Object.create(model) as HookableModel;
  Object.defineProperties(wrapped, {
    run: {
      value: async (...args: Parameters<HookableModel['run']>) => {
        try {
          return await model.run(...args);
        } catch (error) {
          if (!gpuFailsFast || !GPU_BACKENDS.has(ran.device ?? '') || isModelFault(error)) throw error;
          const when = events.length === 0 ? 'before any layer ran' : `after ${events.length} layer calls`;
          throw summaryError('FORWARD_FAILED', `forward pass failed ${when}: ${readableReason(error)}`, { cause: error, details: { device: ran.device, step: 'run' } });
        }
      },
    },
    registerHooks: {
      value: (onEvent: (e: LayerEvent) => void) =>
        model.registerHooks((e) => {
          const sizes = outputSizes(e);
          events.push({
            id: e.id,
            ...(e.callIndex === undefined ? {} : { callIndex: e.callIndex }),
            outputBytes: e.outputBytes,
            ...(sizes ? { outputSizes: sizes } : {}),
            ...(e.inputNames ? { inputNames: [...e.inputNames] } : {}),
            ...(e.outputNames ? { outputNames: [...e.outputNames] } : {}),
          });
          onEvent(e);
        }),
    },
    createMockInputs: {
      value: async (...args: Parameters<HookableModel['createMockInputs']>) => {
        const made = await model.createMockInputs(...args);
        ran.device = made.device;
        return made;
      },
    },
  });
  return wrapped;
}

/** Errors that another backend would give again: the model, the inputs or the options are at fault. */
const NOT_THE_BACKEND = new Set([
  'INVALID_MODEL',
  'INVALID_INPUT',
  'INVALID_SHAPE',
  'UNKNOWN_DTYPE',
  'UNRESOLVED_DIM',
  'INPUT_TOO_LARGE',
  'UNSUPPORTED_SPEC_VERSION',
  'UNSAFE_PATH',
  'INVALID_OPTION',
  'INVALID_SUMMARY',
]);
const isModelFault = (error: unknown) =>
  error instanceof PlaygroundError || NOT_THE_BACKEND.has(String((error as { code?: unknown } | undefined)?.code ?? ''));

interface Pass {
  summary: ModelSummary;
  events: PassEvent[];
}

async function passOn(
  unit: ModelUnit,
  device: Backend,
  options: PassOptions,
  base: string,
  ran: { device?: string },
  gpuFailsFast = false,
): Promise<Pass> {
  const loaded = unit.kind === 'onnx' ? await onnxModel(unit.model, unit.externalData, base) : await tfjsModel(unit.model, unit.manifest, unit.shards, base);
  const events: PassEvent[] = [];
  try {
    return { summary: await summarize(tapped(loaded.model, events, ran, gpuFailsFast), { ...options, device }), events };
  } finally {
    await loaded.dispose();
  }
}

/**
 * One pass on `backend`. For `auto`, core's device policy over two candidates: the adapters' own
 * `auto` (WebGPU when the browser has it), then wasm — so a WebGPU pass that fails (a kernel
 * onnxruntime-web's WebGPU does not implement, any backend error) runs again on wasm with the same
 * inputs, and the summary says so in one line. A failure the backend cannot cause (a broken model,
 * bad inputs) and one that already happened on wasm are not retried.
 */
async function runPass(unit: ModelUnit, backend: Backend, options: PassOptions, base: string, webgpu: boolean): Promise<Pass & { fallback?: string }> {
  if (backend !== 'auto') return passOn(unit, backend, options, base, {});
  let first: { error: unknown; device?: string } | undefined;
  const notRetried = () => first !== undefined && (isModelFault(first.error) || first.device === 'wasm');
  const chosen = await resolveDevice(
    'auto',
    { gpu: [webgpu ? 'webgpu' : 'auto'], fallback: 'wasm', noun: 'backend' },
    async (device) => {
      if (device !== 'wasm') {
        const ran: { device?: string } = {};
        try {
          return await passOn(unit, 'auto', options, base, ran, true);
        } catch (error) {
          first = { error, ...(ran.device ? { device: ran.device } : {}) };
          throw error;
        }
      }
      if (notRetried()) throw first!.error;
      return passOn(unit, 'wasm', options, base, {});
    },
    unit.model.name,
  ).catch((error: unknown) => {
    // The first failure as it was (not wrapped as DEVICE_UNAVAILABLE) when no retry happened.
    throw notRetried() ? first!.error : error;
  });
  if (!chosen.warning) return chosen.value;
  const line = chosen.warning;
  const summary = { ...chosen.value.summary, warnings: [line, ...chosen.value.summary.warnings] };
  return { ...chosen.value, summary, fallback: line };
}

/** The executed leaf calls, as core's memory estimate takes them (rows without children). */
function leafEvents(events: readonly PassEvent[], summary: ModelSummary): PassEvent[] {
  const ids = new Set(summary.layers.map((r) => r.id));
  const parents = new Set(summary.layers.map((r) => r.parentId).filter((p): p is string => p !== undefined));
  return events.filter((e) => ids.has(e.id) && !parents.has(e.id));
}

/** A saved summary as core's data model again (so core's formatters render it), after checking it. */
export function summaryFromJSON(raw: Record<string, unknown>, fileName: string): ModelSummary {
  const problems = validateSummaryJSON(raw);
  if (problems.length > 0) {
    throw new PlaygroundError(
      `${fileName}: not a valid modelsummary JSON summary (schema version 1): ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`,
    );
  }
  const json = raw as unknown as SummaryJSON;
  const parents = new Set(json.layers.map((l) => l.parentId).filter((p): p is string => p !== undefined));
  const observed = json.layers.length === 0 || json.layers.some((l) => l.executed);
  const layers: LayerRow[] = json.layers.map((l) => {
    const { macs, ...rest } = l;
    return { ...rest, ...(macs === null ? {} : { macs }), isContainer: parents.has(l.id) } as LayerRow;
  });
  const unknownMacsLayers = layers.filter((r) => r.macs === undefined && !r.isContainer && r.type !== 'scope' && (r.executed || !observed)).length;
  return {
    model: { ...json.model },
    device: json.device,
    batchSize: json.batchSize,
    inputs: json.inputs.map((i) => ({ ...i })),
    ...(json.outputs ? { outputs: json.outputs.map((o) => ({ ...o, ...(o.shape ? { shape: [...o.shape] } : {}) })) } : {}),
    ...(json.defaultedDims ? { defaultedDims: json.defaultedDims.map((d) => ({ ...d })) } : {}),
    layers,
    totals: { ...json.totals, unknownMacsLayers } as ModelSummary['totals'],
    memory: { ...json.memory } as ModelSummary['memory'],
    warnings: [...json.warnings],
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

/** `model.json + 2 shards`, `bert.onnx + 1 data file`, or the file's name. */
function unitLabel(unit: Unit): string {
  if (unit.kind === 'tfjs' && unit.shards.length > 0) return `${unit.model.name} + ${plural(unit.shards.length, 'shard')}`;
  if (unit.kind === 'onnx' && unit.externalData.length > 0) return `${unit.model.name} + ${plural(unit.externalData.length, 'data file')}`;
  return unit.model.name;
}

/**
 * Summarizes one unit (or reads a saved summary), with the inputs / dims / batch size of
 * `options`. Throws `PlaygroundError` or a core error with a readable message.
 */
export async function summarizeUnit(unit: Unit, backend: Backend, base = '/', webgpu = false, options: PassOptions = {}): Promise<Loaded> {
  const label = unitLabel(unit);
  if (unit.kind === 'summary') {
    const summary = summaryFromJSON(unit.json, unit.model.name);
    return { label, json: toJSON(summary), summary, ranHere: false, elapsedMs: 0 };
  }
  const started = performance.now();
  const pass = await runPass(unit, backend, options, base, webgpu);
  return {
    label,
    json: toJSON(pass.summary),
    summary: pass.summary,
    events: leafEvents(pass.events, pass.summary),
    ranHere: true,
    ...(pass.fallback ? { fallback: pass.fallback } : {}),
    elapsedMs: performance.now() - started,
  };
}

/** What the user gave, summarized with `options`: one unit, or two (A then B, to compare). */
export async function summarizeFiles(files: readonly ModelFile[], backend: Backend, base = '/', webgpu = false, options: PassOptions = {}): Promise<Loaded[]> {
  const units = groupFiles(files);
  const out: Loaded[] = [];
  for (const unit of units) out.push(await summarizeUnit(unit, backend, base, webgpu, options));
  return out;
}

// ---------------------------------------------------------------------------------------------
// fetching: the site's examples, or a URL the user gave

async function fetchBytes(url: string, what: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new PlaygroundError(
      `${what}: this browser could not fetch it (${readableReason(error)}). Offline, or the other site does not allow reading it from this page (CORS).`,
    );
  }
  if (!response.ok) throw new PlaygroundError(`${what}: the server answered ${response.status} ${response.statusText}.`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Fetches a bundled example's files from the site. */
export async function fetchExample(example: Example, base = '/'): Promise<ModelFile[]> {
  return Promise.all(example.files.map(async (path) => ({ name: baseName(path), bytes: await fetchBytes(`${base}${path}`, path) })));
}

/** Where an ONNX model keeps external data (`graph.externalFiles`), read by the adapter without running it. */
async function externalLocations(file: ModelFile): Promise<string[]> {
  const { onnxAdapter } = await import('@modelsummary/adapter-onnx');
  const parsed = await onnxAdapter(file.bytes, { fileName: file.name, run: false });
  await parsed.dispose();
  return parsed.graph.externalFiles;
}

/** The external-data files an ONNX model at `url` names, fetched beside it (relative paths inside its folder only). */
async function fetchExternalData(file: ModelFile, url: string): Promise<ModelFile[]> {
  const locations = await externalLocations(file);
  return Promise.all(
    locations.map(async (location) => {
      checkRelativePath(location, 'external data file', file.name);
      const href = new URL(location.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/'), url).href;
      return { name: location, bytes: await fetchBytes(href, location) };
    }),
  );
}

/**
 * Fetches a model by URL, in this browser: an `.onnx` (and the external-data files it names,
 * beside it) or a summary JSON, or a TF.js `model.json` and then the shards its weightsManifest
 * names (relative to it).
 */
export async function fetchModelUrl(url: string): Promise<ModelFile[]> {
  const name = decodeURIComponent(baseName(new URL(url).pathname)) || 'model';
  const bytes = await fetchBytes(url, url);
  const file = { name: /\.(onnx|json)$/i.test(name) ? name : `${name}${bytes[0] === 0x7b ? '.json' : '.onnx'}`, bytes };
  const detected = detectModelFile(bytes, file.name);
  if (detected.kind === 'onnx') return [file, ...(await fetchExternalData(file, url))];
  if (detected.kind !== 'tfjs') return [file];
  const paths = ((detected.json as TfjsManifest).weightsManifest ?? []).flatMap((g) => g.paths);
  const shards = await Promise.all(paths.map(async (p) => ({ name: baseName(p), bytes: await fetchBytes(new URL(p, url).href, p) })));
  return [file, ...shards];
}

export async function listExamples(base = '/'): Promise<Example[]> {
  const response = await fetch(`${base}examples/index.json`);
  if (!response.ok) return [];
  return (await response.json()) as Example[];
}

/** Core's Markdown table of a summary. */
export function markdownOf(loaded: Loaded): string {
  return formatSummary(loaded.summary, { format: 'markdown' });
}

/** A readable message for anything thrown: core errors carry a code, the rest their message. */
export function describeError(error: unknown): string {
  if (error instanceof PlaygroundError) return error.message;
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? `${e.code}: ${message}` : message;
}
