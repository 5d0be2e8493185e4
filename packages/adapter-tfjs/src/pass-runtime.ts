/**
 * What the layers-model and graph-model adapters share: loading tfjs, checking the inputs against
 * the model's, mock tensors, the backend for the pass (core's device policy), measuring the pass
 * with `tf.profile`, and putting the user's state back (backend, chained-op methods) afterwards.
 */
import { formatShape, summaryError, type DeviceRequest, type InputSpec, type MockInputs, type ResolvedInput } from '@modelsummary/core';
import { registerChainedOps, unregisterChainedOps } from './chained-ops.js';
import { guardProfilerErrors, resetProfiling, restoreBackend, selectBackend, type BackendSwitch } from './device.js';
import type { Tensor, TfModule } from './types.js';

/** Options of {@link tfjsAdapter}. */
export interface TfjsAdapterOptions {
  /**
   * The tfjs module the model was made with (`import * as tf from '@tensorflow/tfjs'`). Default:
   * `@tensorflow/tfjs-core`, which is the same instance when packages are deduplicated.
   */
  tf?: TfModule;
  /** Name for the summary header. Default: the layers model's name, or `GraphModel`. */
  name?: string;
  /**
   * Measure the model's own peak with `tf.profile` (reported as `measuredPeakBytes`: the most
   * bytes the pass allocated above what was allocated before it, weights and inputs excluded).
   * Layers models: the one pass is measured (default true). Graph models: it takes a second,
   * plain pass apart from the capture pass, which about doubles the summary's time (default
   * false: the liveness peak, computed from the rows, stands for it).
   */
  measureMemory?: boolean;
  /** Add, for the pass, the chained tensor methods (`x.flatten()`, ...) that a modular tfjs-core build lacks. Default true. */
  registerChainedOps?: boolean;
  /**
   * Makes the `webgpu` backend available when a GPU is requested and none is registered (in Node:
   * `setupNodeWebGPU` from `@modelsummary/adapter-tfjs/node`). Its `reason` explains a fallback.
   */
  setupWebGPU?: (tf: TfModule) => Promise<{ available: boolean; reason?: string }>;
}

/** The dtypes tfjs tensors have. */
const TFJS_DTYPES = ['float32', 'int32', 'bool', 'complex64', 'string'] as const;
/** The dtypes the adapter makes mock inputs of. */
const MOCK_DTYPES = new Set(['float32', 'int32', 'bool']);
const MOCK_SEED = 42;

/** What an adapter tells the shared runtime about its model. */
export interface ModelFacts {
  declared(): InputSpec[];
  weights(): Tensor[];
  /** Exclusive upper bound of valid int32 input values (Embedding sizes); 1: zeros. */
  intHigh(): number;
}

/** The pass machinery of one adapter instance. */
export interface PassRuntime {
  tf(): Promise<TfModule>;
  createMockInputs(specs: ResolvedInput[], device: DeviceRequest): Promise<MockInputs<Tensor>>;
  /** Runs `pass`, under `tf.profile` unless measuring is off. */
  measure(pass: (tf: TfModule) => Promise<void> | void): Promise<void>;
  disposeInputs(tensors: Tensor[]): Promise<void>;
  /**
   * Moves the pass to the user's backend after the chosen one failed for `reason` (the inputs and
   * weights are read back first, so they can move); the device the summary reports follows.
   * Returns the backend now active, or undefined when there is none to fall back to.
   */
  fallBack(tensors: readonly Tensor[], reason: string): Promise<string | undefined>;
  measuredPeakBytes(): number | undefined;
  deviceWarnings(): string[];
}

export function passRuntime(options: TfjsAdapterOptions, facts: ModelFacts): PassRuntime {
  let tfModule: TfModule | undefined;
  let backendSwitch: BackendSwitch | undefined;
  let addedMethods: string[] = [];
  let warnings: string[] = [];
  let lastPeak: number | undefined;
  let mock: MockInputs<Tensor> | undefined;
  const tf = async (): Promise<TfModule> => (tfModule ??= await loadTf(options.tf));

  const restore = async (t: TfModule): Promise<void> => {
    unregisterChainedOps(t, addedMethods);
    addedMethods = [];
    const sw = backendSwitch;
    backendSwitch = undefined;
    if (sw) await restoreBackend(t, sw, facts.weights);
  };

  return {
    tf,
    async createMockInputs(specs, device) {
      const t = await tf();
      checkInputs(facts.declared(), specs);
      const gpuSetupFailure = await prepareWebGPU(t, device, options);
      const sw = await selectBackend(t, device, facts.weights, gpuSetupFailure);
      backendSwitch = sw;
      warnings = sw.warnings;
      if (options.registerChainedOps !== false) addedMethods = registerChainedOps(t);
      const tensors: Tensor[] = [];
      try {
        for (const spec of specs) tensors.push(mockTensor(t, spec, facts.intHigh()));
      } catch (cause) {
        t.dispose(tensors);
        await restore(t);
        throw summaryError('DEVICE_UNAVAILABLE', `could not create the mock inputs on "${sw.backend}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
      // Kept: core reads `device` after the pass, so a fallback during the pass is reported.
      mock = { tensors, device: sw.backend };
      return mock;
    },
    async fallBack(tensors, reason) {
      const t = await tf();
      const sw = backendSwitch;
      if (!sw || !sw.switched || t.getBackend() === sw.previous) return undefined;
      for (const x of [...tensors, ...facts.weights()]) if (!x.isDisposed) await x.data();
      await t.setBackend(sw.previous);
      warnings = [...warnings, `${sw.backend}: ${reason}; ran on ${sw.previous}`];
      backendSwitch = { ...sw, backend: sw.previous, switched: false };
      if (mock) mock.device = sw.previous;
      return sw.previous;
    },
    async measure(pass) {
      const t = await tf();
      lastPeak = undefined;
      if (options.measureMemory === false) return pass(t);
      const unguard = guardProfilerErrors(t);
      try {
        const startBytes = t.memory().numBytes;
        const info = await t.profile(async () => {
          await pass(t);
          return [];
        });
        lastPeak = Number.isFinite(info.peakBytes) ? Math.max(0, info.peakBytes - startBytes) : undefined;
      } catch (error) {
        resetProfiling(t);
        throw error;
      } finally {
        unguard();
      }
    },
    async disposeInputs(tensors) {
      const t = await tf();
      t.dispose(tensors);
      await restore(t);
    },
    measuredPeakBytes: () => lastPeak,
    deviceWarnings: () => warnings,
  };
}

async function loadTf(given: TfModule | undefined): Promise<TfModule> {
  if (given) return given;
  try {
    const mod = (await import('@tensorflow/tfjs-core')) as unknown as TfModule & { default?: TfModule };
    return typeof mod.tidy === 'function' ? mod : (mod.default as TfModule);
  } catch (cause) {
    throw summaryError('RUNTIME_UNAVAILABLE', 'could not load @tensorflow/tfjs-core: install it, or pass the tfjs module as options.tf', { cause });
  }
}

/** Runs `setupWebGPU` when a GPU is asked for and tfjs has no webgpu backend yet; the reason when it cannot. */
async function prepareWebGPU(tf: TfModule, device: DeviceRequest, options: TfjsAdapterOptions): Promise<string | undefined> {
  if (!options.setupWebGPU || !['auto', 'gpu', 'webgpu'].includes(device) || tf.findBackendFactory('webgpu') != null) return undefined;
  const r = await options.setupWebGPU(tf);
  return r.available ? undefined : r.reason;
}

function checkInputs(declared: readonly InputSpec[], specs: readonly ResolvedInput[]): void {
  if (specs.length !== declared.length) {
    throw summaryError('INVALID_INPUT', `the model takes ${declared.length} input(s) (${declared.map((s) => s.name).join(', ')}), got ${specs.length}`);
  }
  specs.forEach((spec, k) => checkInput(declared[k] as InputSpec, spec, k));
}

function checkInput(declared: InputSpec, spec: ResolvedInput, index: number): void {
  const label = `input "${spec.name}"${declared.name && declared.name !== spec.name ? ` (model input "${declared.name}")` : ''}`;
  const fail = (message: string, details: Record<string, unknown> = {}): never => {
    throw summaryError('INVALID_INPUT', `${label} ${message}`, { details: { input: spec.name, index, ...details } });
  };
  if (declared.shape.length !== spec.shape.length) fail(`takes ${declared.shape.length} dims ${formatShape(declared.shape)}, got ${formatShape(spec.shape)}`);
  declared.shape.forEach((d, axis) => {
    if (typeof d === 'number' && d !== spec.shape[axis]) {
      fail(`dim ${axis} is fixed at ${d} by the model, got ${spec.shape[axis]} (shape ${formatShape(spec.shape)} vs ${formatShape(declared.shape)})`, { axis });
    }
  });
  const dtype = String(spec.dtype);
  if (!(TFJS_DTYPES as readonly string[]).includes(dtype)) {
    // float16 / float64 / bfloat16 / int64 / ...: a float32 stand-in would not match the bytes the summary counts.
    fail(`has dtype "${dtype}", which tfjs has no tensors of (tfjs dtypes: ${TFJS_DTYPES.join(', ')})`, { dtype, supported: [...TFJS_DTYPES] });
  }
  if (!MOCK_DTYPES.has(dtype)) fail(`has dtype "${dtype}": mock inputs can be ${[...MOCK_DTYPES].join(', ')}`, { dtype, supported: [...MOCK_DTYPES] });
  const v = spec.value;
  if (v === undefined) return;
  const n = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  if (dtype === 'bool' && typeof v !== 'boolean' && n !== 0 && n !== 1) fail(`is bool: its value must be true or false (or 1 / 0), got ${String(v)}`, { value: String(v) });
  if (dtype !== 'bool' && typeof v === 'boolean') fail(`is ${dtype}: its value must be a number, got ${String(v)}`, { value: String(v) });
  if (dtype === 'int32' && (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)) fail(`is int32: its value must be an integer in the int32 range, got ${String(v)}`, { value: String(v) });
  if (!Number.isFinite(n)) fail(`takes a finite value, got ${String(v)}`, { value: String(v) });
}

function mockTensor(tf: TfModule, spec: ResolvedInput, intHigh: number): Tensor {
  const shape = [...spec.shape];
  if (spec.value !== undefined) {
    // The caller's value fills every element (a downsample ratio, a threshold, a flag).
    const v = spec.value;
    return tf.fill(shape, typeof v === 'boolean' ? (v ? 1 : 0) : Number(v), spec.dtype as 'float32' | 'int32' | 'bool');
  }
  if (spec.dtype === 'float32') return tf.randomUniform(shape, -1, 1, 'float32', MOCK_SEED);
  if (spec.dtype === 'int32') return intHigh <= 1 ? tf.zeros(shape, 'int32') : tf.randomUniform(shape, 0, intHigh, 'int32', MOCK_SEED);
  return tf.zeros(shape, 'bool');
}

interface EngineScopeLike {
  startScope(name?: string): void;
  endScope(result?: unknown): void;
  state?: { activeScope?: { track?: Tensor[] } };
}

/**
 * Runs an async pass inside an engine scope. When the pass throws, every tensor it made is freed,
 * kept ones included (a failed `executeAsync` leaves its intermediate tensors and TensorArrays
 * behind), so `tf.memory().numTensors` is what it was before.
 */
export async function inPassScope<T>(tf: TfModule, pass: () => Promise<T>): Promise<T> {
  const engine = tf.engine() as unknown as EngineScopeLike;
  engine.startScope('modelsummary pass');
  const scope = engine.state?.activeScope;
  try {
    return await pass();
  } catch (error) {
    for (const t of scope?.track ?? []) if (!t.isDisposed) t.dispose();
    throw error;
  } finally {
    engine.endScope();
  }
}
