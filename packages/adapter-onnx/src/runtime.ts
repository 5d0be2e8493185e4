/**
 * onnxruntime glue: find the module, pick an execution provider, create the one session, make feeds.
 */
import type { DeviceOffer, DeviceRequest, ResolvedInput } from '@modelsummary/core';
import { readableReason, resolveDevice, summaryError } from '@modelsummary/core';
import type { InferenceSession, Tensor } from 'onnxruntime-common';

/** What the adapter uses of an onnxruntime module (`onnxruntime-node`, `onnxruntime-web`). */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: Tensor.Type, data: Tensor.DataType, dims: readonly number[]) => Tensor;
  env?: { versions?: Record<string, string | undefined>; wasm?: { numThreads?: number } };
  /** onnxruntime-node only: the execution providers the binary knows. */
  listSupportedBackends?: () => readonly { name: string; bundled: boolean }[];
}

export interface SessionHandle {
  session: InferenceSession;
  /** The execution provider that runs the session. */
  device: string;
  /** Set when the session fell back from the requested device. */
  warning?: string;
  release(): Promise<void>;
}

/** The onnxruntime packages, in the order they are tried. */
export type OrtPackage = 'onnxruntime-node' | 'onnxruntime-web';

/**
 * Imports the first onnxruntime package that loads (default: onnxruntime-node, else
 * onnxruntime-web) and says which it was; `RUNTIME_UNAVAILABLE` when none does.
 */
export async function loadOrt(
  label: string,
  packages: readonly OrtPackage[] = ['onnxruntime-node', 'onnxruntime-web'],
): Promise<{ ort: OrtModule; name: OrtPackage }> {
  const errors: string[] = [];
  for (const name of packages) {
    try {
      const mod = (await import(/* @vite-ignore */ name)) as OrtModule & { default?: OrtModule };
      const ort = mod.InferenceSession ? mod : mod.default;
      if (ort?.InferenceSession) return { ort, name };
      errors.push(`${name}: no InferenceSession export`);
    } catch (error) {
      errors.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw summaryError(
    'RUNTIME_UNAVAILABLE',
    `${label}: no onnxruntime to run the model: install ${packages.join(' or ')}, or pass { ort } (or use run: false / --static for a static summary) (${errors.join('; ')})`,
  );
}

/** `node` for onnxruntime-node, `web` for onnxruntime-web. */
export function ortFlavor(ort: OrtModule): 'node' | 'web' {
  if (typeof ort.listSupportedBackends === 'function' || ort.env?.versions?.node) return 'node';
  return 'web';
}

/** GPU execution providers this runtime may have, in the order they are tried. */
export function gpuProviders(ort: OrtModule): string[] {
  if (ortFlavor(ort) === 'node') {
    // A provider that is not bundled (cuda: a separate download the install may have skipped) is
    // only tried when asked for by name, so `auto` does not make onnxruntime log a load failure.
    const shipped = new Set((ort.listSupportedBackends?.() ?? []).filter((b) => b.bundled !== false).map((b) => b.name));
    return ['webgpu', 'cuda'].filter((ep) => shipped.has(ep));
  }
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  return nav?.gpu ? ['webgpu'] : [];
}


export interface CreateSessionOptions {
  device: DeviceRequest;
  label: string;
  executionProviders?: string[];
  externalData?: { path: string; data: Uint8Array }[];
  sessionOptions?: InferenceSession.SessionOptions;
  /** Ask a GPU provider to keep outputs on the device (default true; false when the outputs are tiny probes that are read). */
  keepOutputsOnDevice?: boolean;
}

/** What this onnxruntime offers for the device policy: GPU providers, then cpu (node) / wasm (web). */
export function providerOffer(ort: OrtModule): DeviceOffer {
  const fallback = ortFlavor(ort) === 'node' ? 'cpu' : 'wasm';
  const gpu = gpuProviders(ort);
  const unavailable: Record<string, string> = {};
  if (!gpu.includes('webgpu')) {
    unavailable.webgpu = ortFlavor(ort) === 'node' ? 'not in this onnxruntime-node build' : 'no navigator.gpu here';
  }
  return { gpu, fallback, noun: 'execution provider', unavailable, fallbackAliases: [fallback, 'cpu', 'wasm'] };
}

/**
 * Creates ONE session for the rewritten model on the device core's policy picks for the request
 * (`executionProviders`, when given, are tried as they are, without fallback).
 */
export async function createSession(ort: OrtModule, bytes: Uint8Array, o: CreateSessionOptions): Promise<SessionHandle> {
  const offer = providerOffer(ort);
  const request = o.executionProviders && o.executionProviders.length > 0 ? o.executionProviders : (o.device ?? 'auto');
  const open = async (ep: string): Promise<InferenceSession> => {
    try {
      return await ort.InferenceSession.create(bytes, sessionOptions(ep, o));
    } catch (error) {
      if (ep !== offer.fallback) throw error;
      throw summaryError('INVALID_MODEL', `${o.label}: onnxruntime could not load the model on ${ep}: ${readableReason(error)}`, {
        cause: error,
        details: { file: o.label, executionProvider: ep },
      });
    }
  };
  const chosen = await resolveDevice(request, offer, open, o.label);
  return handle(chosen.value, chosen.device, chosen.warning);
}

function sessionOptions(ep: string, o: CreateSessionOptions): InferenceSession.SessionOptions {
  const opts: InferenceSession.SessionOptions = {
    logSeverityLevel: 3,
    // One run per session: planning a reusable memory pattern only costs (much, on large graphs).
    enableMemPattern: false,
    ...o.sessionOptions,
    executionProviders: [ep],
  };
  // Only shapes are read: on a GPU provider the extra outputs stay on the device.
  if (ep === 'webgpu' && o.keepOutputsOnDevice !== false) opts.preferredOutputLocation = 'gpu-buffer';
  if (o.externalData && o.externalData.length > 0) {
    (opts as { externalData?: unknown }).externalData = o.externalData.map((f) => ({ path: f.path, data: f.data }));
  }
  return opts;
}

function handle(session: InferenceSession, device: string, warning?: string): SessionHandle {
  let released = false;
  const h: SessionHandle = {
    session,
    device,
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
  if (warning) h.warning = warning;
  return h;
}



/** The value every element of a mock input without a given value takes, for integer and bool inputs; undefined for floats (pseudo-random). */
export function mockFill(spec: Pick<ResolvedInput, 'name' | 'dtype' | 'value'>): number | bigint | boolean | undefined {
  if (spec.value !== undefined) return spec.value;
  const mask = /mask/i.test(spec.name);
  if (spec.dtype === 'bool') return mask;
  if (/^u?int/.test(spec.dtype)) return mask ? 1 : 0;
  return undefined;
}

/**
 * Deterministic mock feeds: floats pseudo-random in [-1, 1), integers 0 (indices stay in range;
 * inputs named like masks get 1), bools false (masks true). An input with a `value` has every
 * element set to it.
 */
export function createMockTensors(ort: OrtModule, specs: readonly ResolvedInput[]): Tensor[] {
  return specs.map((spec, index) => {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const mask = /mask/i.test(spec.name);
    const data = spec.value === undefined ? mockData(spec.dtype, n, index, mask) : filledData(spec.dtype, n, spec.value);
    if (data === undefined) {
      // The dtype is the model's (a different one given by the user was refused earlier): its fault, not the command line's.
      throw summaryError('INVALID_MODEL', `input "${spec.name}" has dtype ${spec.dtype}, for which no mock tensor can be made (summarize it with --static)`, {
        details: { input: spec.name, dtype: spec.dtype },
      });
    }
    return new ort.Tensor(spec.dtype as Tensor.Type, data, spec.shape);
  });
}

/** A tensor's data with every element `value`. */
function filledData(dtype: string, n: number, value: number | bigint | boolean): Tensor.DataType | undefined {
  const num = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
  const big = typeof value === 'bigint' ? value : BigInt(typeof value === 'boolean' ? num : Math.trunc(num));
  switch (dtype) {
    case 'float32':
      return new Float32Array(n).fill(num);
    case 'float64':
      return new Float64Array(n).fill(num);
    case 'float16':
      return new Uint16Array(n).fill(float16Bits(num));
    case 'int64':
      return new BigInt64Array(n).fill(big);
    case 'uint64':
      return new BigUint64Array(n).fill(big);
    case 'int32':
      return new Int32Array(n).fill(num);
    case 'uint32':
      return new Uint32Array(n).fill(num);
    case 'int16':
      return new Int16Array(n).fill(num);
    case 'uint16':
      return new Uint16Array(n).fill(num);
    case 'int8':
      return new Int8Array(n).fill(num);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n).fill(num);
    default:
      return undefined;
  }
}

function mockData(dtype: string, n: number, seed: number, mask: boolean): Tensor.DataType | undefined {
  switch (dtype) {
    case 'float32':
      return uniformFloats(new Float32Array(n), seed);
    case 'float64':
      return uniformFloats(new Float64Array(n), seed);
    case 'float16': {
      const values = uniformFloats(new Float32Array(n), seed);
      const a = new Uint16Array(n);
      for (let i = 0; i < n; i++) a[i] = float16Bits(values[i]!);
      return a;
    }
    case 'int64':
      return mask ? new BigInt64Array(n).fill(1n) : new BigInt64Array(n);
    case 'uint64':
      return mask ? new BigUint64Array(n).fill(1n) : new BigUint64Array(n);
    case 'int32':
      return new Int32Array(n).fill(mask ? 1 : 0);
    case 'uint32':
      return new Uint32Array(n).fill(mask ? 1 : 0);
    case 'int16':
      return new Int16Array(n).fill(mask ? 1 : 0);
    case 'uint16':
      return new Uint16Array(n).fill(mask ? 1 : 0);
    case 'int8':
      return new Int8Array(n).fill(mask ? 1 : 0);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n).fill(mask ? 1 : 0);
    default:
      return undefined;
  }
}

/**
 * Pseudo-random floats in [-1, 1) into `a`, the same every run for a `seed`: a linear congruential
 * sequence, in one monomorphic loop (a mock input has millions of elements).
 */
function uniformFloats<A extends Float32Array | Float64Array>(a: A, seed: number): A {
  let x = (0x9e3779b9 ^ (seed * 0x85ebca6b)) >>> 0;
  for (let i = 0; i < a.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    a[i] = (x / 4294967296) * 2 - 1;
  }
  return a;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits of a value in [-1, 1] (mantissa truncated toward zero, subnormals flushed to zero). */
function float16Bits(v: number): number {
  f32[0] = v;
  const u = u32[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = (u >>> 13) & 0x3ff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | mant;
}
