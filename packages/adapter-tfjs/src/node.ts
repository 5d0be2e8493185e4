/**
 * Node-only helpers (`@modelsummary/adapter-tfjs/node`): WebGPU through the `webgpu` package
 * (Dawn), and loading tfjs models from files without tfjs-node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { isInsideFolder, isKnownDType, summaryError, tensorBytes, unsafePathReason } from '@modelsummary/core';
import { tfjsModelKind } from './model-kind.js';
import { checkLayersTopology } from './topology.js';
import type { TfModule } from './types.js';

export { tfjsModelKind } from './model-kind.js';

/** Which Dawn backend `setupNodeWebGPU` may use. */
export type NodeWebGPUBackend = 'auto' | 'default' | 'vulkan' | 'opengles';

export interface NodeWebGPUOptions {
  /** The tfjs module (default `@tensorflow/tfjs-core`); used to check and register the backend. */
  tf?: TfModule;
  /**
   * `auto` (default): Dawn's default adapter (Vulkan / Metal / D3D12), else Mesa's OpenGL ES in
   * compatibility mode. `opengles` / `vulkan` / `default` pick one.
   */
  backend?: NodeWebGPUBackend;
}

export interface NodeWebGPUResult {
  /** True when `navigator.gpu` gives an adapter and tfjs has a `webgpu` backend registered. */
  available: boolean;
  /** The adapter's description (e.g. `OpenGL version OpenGL ES 3.2 Mesa 22.3.6`, `NVIDIA H200`). */
  adapter?: string;
  /** The Dawn backend used: `default`, `vulkan` or `opengles`. */
  dawnBackend?: string;
  /** True when the adapter is a compatibility-mode one (OpenGL ES). */
  compatibility?: boolean;
  /** Why it is not available. */
  reason?: string;
}

interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: { description?: string; vendor?: string; architecture?: string; device?: string };
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor?: Record<string, unknown>): Promise<unknown>;
}

/** A private runtime folder for Dawn's GL path, removed when the process exits. */
function runtimeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelsummary-xdg-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Keeps the Dawn instance alive for the life of the process. */
let installed: { gpu: GpuLike; result: NodeWebGPUResult } | undefined;

async function loadTf(tf?: TfModule): Promise<TfModule> {
  if (tf) return tf;
  const mod = (await import('@tensorflow/tfjs-core')) as unknown as TfModule & { default?: TfModule };
  return typeof mod.tidy === 'function' ? mod : (mod.default as TfModule);
}

function describe(adapter: AdapterLike): string {
  const info = adapter.info ?? {};
  return info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || 'unknown adapter';
}

async function tryAdapter(create: (flags: string[]) => GpuLike, flags: string[], compat: boolean) {
  try {
    const gpu = create(flags);
    const adapter = await gpu.requestAdapter(compat ? { featureLevel: 'compatibility' } : {});
    return adapter ? { gpu, adapter } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Installs `navigator.gpu` from the `webgpu` npm package and registers tfjs's `webgpu` backend
 * (importing `@tensorflow/tfjs-backend-webgpu` after `navigator.gpu` exists, as it requires).
 * Does not change the active backend. Never throws: returns `{ available: false, reason }`.
 */
export async function setupNodeWebGPU(options: NodeWebGPUOptions = {}): Promise<NodeWebGPUResult> {
  if (installed) return installed.result;
  const tf = await loadTf(options.tf);
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  let gpu = nav?.gpu;
  let result: NodeWebGPUResult = { available: false };
  if (!gpu) {
    let webgpu: { create: (flags: string[]) => GpuLike; globals: object };
    try {
      webgpu = (await import('webgpu')) as unknown as typeof webgpu;
    } catch (cause) {
      return { available: false, reason: `the "webgpu" package could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}` };
    }
    Object.assign(globalThis, webgpu.globals);
    const want = options.backend ?? 'auto';
    let found: { gpu: GpuLike; adapter: AdapterLike; label: string; compat: boolean } | undefined;
    if (want === 'auto' || want === 'default' || want === 'vulkan') {
      const r = await tryAdapter(webgpu.create, want === 'vulkan' ? ['backend=vulkan'] : [], false);
      if (r) found = { ...r, label: want === 'vulkan' ? 'vulkan' : 'default', compat: false };
    }
    if (!found && (want === 'auto' || want === 'opengles')) {
      // Mesa (llvmpipe or a real driver) through EGL without a display.
      // Dawn's GL path reads these for the life of its instance (tfjs asks for adapters later too).
      process.env.EGL_PLATFORM ??= 'surfaceless';
      process.env.XDG_RUNTIME_DIR ??= runtimeDir();
      const r = await tryAdapter(webgpu.create, ['backend=opengles'], true);
      if (r) found = { ...r, label: 'opengles', compat: true };
    }
    if (!found) {
      return {
        available: false,
        reason:
          'Dawn found no GPU adapter (no Vulkan driver/loader such as libvulkan1 or a GPU ICD, and no OpenGL ES through EGL: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)',
      };
    }
    gpu = found.gpu;
    if (found.compat) {
      // tfjs asks for an adapter without featureLevel; a GL adapter exists only in compatibility mode.
      const request = gpu.requestAdapter.bind(gpu);
      Object.defineProperty(gpu, 'requestAdapter', {
        configurable: true,
        value: (o?: Record<string, unknown>) => request({ ...(o ?? {}), featureLevel: 'compatibility' }),
      });
    }
    if (nav) Object.defineProperty(nav, 'gpu', { configurable: true, enumerable: true, value: gpu });
    else Object.defineProperty(globalThis, 'navigator', { configurable: true, writable: true, value: { gpu } });
    result = { available: true, adapter: describe(found.adapter), dawnBackend: found.label, compatibility: found.compat };
  } else {
    const adapter = await gpu.requestAdapter();
    result = adapter ? { available: true, adapter: describe(adapter) } : { available: false, reason: 'navigator.gpu gave no adapter' };
  }
  if (result.available) {
    try {
      const mod = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as { WebGPUBackend?: new (device: unknown, info?: unknown) => unknown };
      if (tf.findBackendFactory('webgpu') == null && mod.WebGPUBackend) registerWebGPU(tf, gpu, mod.WebGPUBackend);
    } catch (cause) {
      return { available: false, reason: `@tensorflow/tfjs-backend-webgpu could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}` };
    }
    if (tf.findBackendFactory('webgpu') == null) return { ...result, available: false, reason: 'the tfjs webgpu backend did not register' };
  }
  installed = { gpu, result };
  return result;
}

/** The backend's own factory, for when the backend module was imported before `navigator.gpu` existed. */
function registerWebGPU(tf: TfModule, gpu: GpuLike, WebGPUBackend: new (device: unknown, info?: unknown) => unknown): void {
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) throw new Error('no WebGPU adapter');
      const l = adapter.limits;
      const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
      const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new WebGPUBackend(device, adapter.info) as never;
    },
    3,
  );
}

/** tfjs `ModelArtifacts` as `tf.io.fromMemory` takes them. */
export interface ModelArtifactsLike {
  modelTopology?: unknown;
  weightSpecs?: unknown[];
  weightData?: ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: unknown;
  modelInitializer?: unknown;
  trainingConfig?: unknown;
}

interface WeightsGroup {
  paths?: unknown;
  weights?: unknown;
}

export interface ReadModelArtifactsOptions {
  /** The model.json's content, when the caller has read (or parsed) it already: it is not read again. */
  json?: string | Uint8Array | Record<string, unknown>;
}

type Invalid = (message: string, cause?: unknown) => Error;

/**
 * Reads `model.json` (or takes its `json`, already read) and its weight shards into
 * `ModelArtifacts`. Each shard must be a relative path that resolves (links followed) inside the
 * model's folder, and the shards must hold exactly the bytes the manifest describes. Errors are
 * typed (`INVALID_MODEL`, `UNSAFE_PATH`) and name the file.
 */
export async function readModelArtifacts(modelJsonPath: string, options: ReadModelArtifactsOptions = {}): Promise<ModelArtifactsLike> {
  const invalid: Invalid = (message, cause) =>
    summaryError('INVALID_MODEL', `${modelJsonPath}: ${message}`, { ...(cause === undefined ? {} : { cause }), details: { file: modelJsonPath } });
  const json = await modelJson(modelJsonPath, options.json, invalid);
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw invalid('"modelTopology" is missing or not an object (not a tfjs model.json)');
  }
  if (tfjsModelKind(json as { format?: string; modelTopology?: unknown }) === 'layers') checkLayersTopology(json.modelTopology, modelJsonPath);
  const manifest = json.weightsManifest;
  if (manifest !== undefined && !Array.isArray(manifest)) throw invalid('"weightsManifest" is not an array');
  const folder = await realpath(dirname(resolve(modelJsonPath)));
  const weightSpecs: unknown[] = [];
  const shards: Uint8Array[] = [];
  for (const [g, group] of ((manifest ?? []) as WeightsGroup[]).entries()) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw invalid(`weightsManifest[${g}] needs "paths" and "weights" arrays`);
    weightSpecs.push(...(group.weights as unknown[]));
    for (const shard of group.paths as unknown[]) shards.push(await readShard(modelJsonPath, folder, shard, g, invalid));
  }
  const expected = expectedWeightBytes(weightSpecs);
  const got = shards.reduce((n, part) => n + part.byteLength, 0);
  if (expected !== undefined && expected !== got) {
    throw invalid(`the weight shards hold ${got} bytes, the manifest describes ${expected} bytes (a truncated or wrong shard?)`);
  }
  const { weightsManifest: _manifest, ...rest } = json;
  return { ...(rest as unknown as ModelArtifactsLike), weightSpecs, weightData: concat(shards) };
}

/** The model.json as an object: parsed from `given` when the caller read it, else read from disk. */
async function modelJson(path: string, given: ReadModelArtifactsOptions['json'], invalid: Invalid): Promise<Record<string, unknown>> {
  if (given !== undefined && typeof given === 'object' && !(given instanceof Uint8Array)) return given;
  try {
    const text = given === undefined ? await readFile(path, 'utf8') : typeof given === 'string' ? given : new TextDecoder().decode(given);
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw invalid(`not a readable tfjs model.json (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
}

/** One weight shard's bytes: a relative path that stays inside the model's folder and exists. */
async function readShard(modelJsonPath: string, folder: string, shard: unknown, g: number, invalid: Invalid): Promise<Uint8Array> {
  const unsafe = (why: string) =>
    summaryError('UNSAFE_PATH', `${modelJsonPath}: weight shard "${String(shard)}" ${why}; refused`, { details: { file: modelJsonPath, path: shard } });
  if (typeof shard !== 'string' || shard === '') throw invalid(`weightsManifest[${g}] has a shard path that is not a string`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(shard);
  } catch (cause) {
    throw summaryError('INVALID_MODEL', `${modelJsonPath}: weight shard "${shard}" in weightsManifest[${g}] is not a valid URI-encoded path`, {
      cause,
      details: { file: modelJsonPath, shard },
    });
  }
  const lexical = unsafePathReason(decoded);
  if (lexical !== undefined) throw unsafe(lexical);
  const target = resolve(folder, decoded);
  let real: string;
  try {
    real = await realpath(target);
  } catch (cause) {
    throw invalid(`weight shard "${shard}" is missing (expected at ${target})`, cause);
  }
  if (!isInsideFolder(relative(folder, real))) throw unsafe("resolves outside the model's folder");
  const info = await stat(real);
  if (!info.isFile()) throw invalid(`weight shard "${shard}" is not a regular file (${info.isDirectory() ? 'a folder' : 'a FIFO, socket or device'})`);
  try {
    return new Uint8Array(await readFile(real));
  } catch (cause) {
    throw invalid(`weight shard "${shard}" cannot be read (${(cause as { code?: string }).code ?? String(cause)})`, cause);
  }
}

/** Bytes the manifest's weight specs take; undefined when a spec is not understood (tfjs then checks). */
function expectedWeightBytes(specs: readonly unknown[]): number | undefined {
  let total = 0;
  for (const s of specs) {
    const spec = s as { shape?: unknown; dtype?: unknown; quantization?: { dtype?: string } };
    if (!Array.isArray(spec.shape) || typeof spec.dtype !== 'string') return undefined;
    const elements = (spec.shape as unknown[]).reduce<number>((a, b) => a * (typeof b === 'number' ? b : Number.NaN), 1);
    // Quantized weights are stored in their quantization dtype. Strings are stored with length
    // prefixes: their bytes do not follow from the shape.
    const stored = spec.quantization?.dtype ?? spec.dtype;
    if (!isKnownDType(stored) || stored === 'string' || !Number.isInteger(elements) || elements < 0) return undefined;
    total += tensorBytes(elements, stored);
  }
  return total;
}

/** Concatenates shards into one ArrayBuffer. */
export function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out.buffer;
}

/** A CommonJS module imported from ESM: its exports, or its `default`. */
function interop<T>(mod: unknown, key: string): T {
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  return (typeof m[key] === 'function' ? m : m.default) as T;
}

interface IoLike {
  io: { fromMemory(artifacts: ModelArtifactsLike): unknown };
}

/** Loads a layers model from `model.json` + shards on disk (no tfjs-node). `tf`: `@tensorflow/tfjs` or any module with `loadLayersModel` and `io`. */
export async function loadLayersModelFromFiles<M = unknown>(
  modelJsonPath: string,
  tf?: IoLike & { loadLayersModel(handler: unknown): Promise<M> },
): Promise<M> {
  const artifacts = await readModelArtifacts(modelJsonPath);
  const core = tf ?? (await loadTf());
  const layers = tf ?? interop<{ loadLayersModel(handler: unknown): Promise<M> }>(await import('@tensorflow/tfjs-layers'), 'loadLayersModel');
  try {
    return await disposingOnFailure(core as unknown as TfModule, () => layers.loadLayersModel((core as IoLike).io.fromMemory(artifacts)));
  } catch (cause) {
    throw summaryError('INVALID_MODEL', `${modelJsonPath}: tfjs could not load the layers model: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      details: { file: modelJsonPath },
    });
  }
}

/** Loads a graph model from `model.json` + shards on disk (no tfjs-node). `tf`: `@tensorflow/tfjs` or any module with `loadGraphModel` and `io`. */
export async function loadGraphModelFromFiles<M = unknown>(
  modelJsonPath: string,
  tf?: IoLike & { loadGraphModel(handler: unknown): Promise<M> },
): Promise<M> {
  const artifacts = await readModelArtifacts(modelJsonPath);
  const core = tf ?? (await loadTf());
  const converter = tf ?? interop<{ loadGraphModel(handler: unknown): Promise<M> }>(await import('@tensorflow/tfjs-converter'), 'loadGraphModel');
  try {
    return await disposingOnFailure(core as unknown as TfModule, () => converter.loadGraphModel((core as IoLike).io.fromMemory(artifacts)));
  } catch (cause) {
    throw summaryError('INVALID_MODEL', `${modelJsonPath}: tfjs could not load the graph model: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      details: { file: modelJsonPath },
    });
  }
}

interface EngineLike {
  startScope(name?: string): void;
  endScope(result?: unknown): void;
  state?: { activeScope?: { track?: unknown[] } };
  registeredVariables?: Record<string, { dispose(): void }>;
}

/**
 * Runs a tfjs model load; when it throws, disposes every tensor and variable the load made (TF.js
 * leaves the half-built model's weights behind: 6 to 12 tensors per failed load). A load that
 * works keeps everything it made.
 */
export async function disposingOnFailure<T>(tf: TfModule, load: () => Promise<T>): Promise<T> {
  const engine = tf.engine() as unknown as EngineLike;
  const before = new Set(Object.keys(engine.registeredVariables ?? {}));
  engine.startScope('modelsummary-load');
  let loaded = false;
  try {
    const model = await load();
    loaded = true;
    return model;
  } finally {
    if (loaded) {
      engine.endScope(engine.state?.activeScope?.track?.slice() ?? []);
    } else {
      engine.endScope();
      for (const [name, variable] of Object.entries(engine.registeredVariables ?? {})) if (!before.has(name)) variable.dispose();
    }
  }
}
