/**
 * Backend choice for the mock pass. The user's active backend is restored after the pass; model
 * weights that moved to the pass's backend are read back first so the user's backend can take them
 * back (webgpu cannot read synchronously from Node).
 */
import { resolveDevice, type DeviceOffer, type DeviceRequest } from '@modelsummary/core';
import type { Tensor, TfModule } from './types.js';

/** Backends that run on a GPU. */
const GPU_BACKENDS = new Set(['webgpu', 'webgl']);

export interface BackendSwitch {
  /** The backend the pass runs on. */
  backend: string;
  /** The user's backend, restored by `restoreBackend`. */
  previous: string;
  switched: boolean;
  warnings: string[];
}

function registered(tf: TfModule, name: string): boolean {
  try {
    return tf.findBackendFactory(name) != null || tf.findBackend(name) != null;
  } catch {
    return false;
  }
}

/** Reads every tensor once so its values are cached on the CPU side of its backend. */
async function cacheOnCpu(tensors: readonly Tensor[]): Promise<void> {
  for (const t of tensors) {
    if (!t.isDisposed) await t.data();
  }
}

async function trySet(tf: TfModule, name: string, weights: () => readonly Tensor[]): Promise<boolean> {
  await cacheOnCpu(weights());
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch {
    ok = false;
  }
  return ok && tf.getBackend() === name;
}

/** What this tfjs offers for the device policy: webgpu (and the active GPU backend), then the active backend. */
function backendOffer(tf: TfModule, previous: string, gpuSetupFailure?: string): DeviceOffer {
  const webgpu = registered(tf, 'webgpu');
  const gpu = [...(webgpu ? ['webgpu'] : []), ...(GPU_BACKENDS.has(previous) && previous !== 'webgpu' ? [previous] : [])];
  const unavailable: Record<string, string> = {};
  if (!webgpu) {
    unavailable.webgpu =
      gpuSetupFailure ??
      'the webgpu backend is not registered (import @tensorflow/tfjs-backend-webgpu; in Node use @modelsummary/adapter-tfjs/node)';
  }
  // `cpu` names the cpu backend, not the fallback (which is whatever backend the user has active).
  return { gpu, fallback: previous, noun: 'backend', unavailable, fallbackAliases: [] };
}

/**
 * Switches to the backend core's device policy picks for `device`: `auto` / `gpu` → webgpu (or the
 * active GPU backend), else the active backend with a warning; `cpu` → cpu; a name → that backend
 * or `DEVICE_UNAVAILABLE`. The user's backend is put back by {@link restoreBackend}.
 */
export async function selectBackend(
  tf: TfModule,
  device: DeviceRequest,
  weights: () => readonly Tensor[],
  gpuSetupFailure?: string,
): Promise<BackendSwitch> {
  await tf.ready();
  const previous = tf.getBackend();
  const offer = backendOffer(tf, previous, gpuSetupFailure);
  const open = async (name: string): Promise<string> => {
    if (name === previous) return name;
    if (!registered(tf, name)) throw new Error(`no tfjs backend named "${name}" is registered (registered: ${backendNames(tf)})`);
    if (await trySet(tf, name, weights)) return name;
    if (tf.getBackend() !== previous) await tf.setBackend(previous);
    throw new Error(name === 'webgpu' ? 'the webgpu backend did not initialise (no GPU adapter?)' : `the tfjs backend "${name}" did not initialise`);
  };
  const chosen = await resolveDevice(device, offer, open, 'tfjs');
  return { backend: chosen.device, previous, switched: chosen.device !== previous, warnings: chosen.warning ? [chosen.warning] : [] };
}

/** Puts the user's backend back, after caching the model's weights so they can move back. */
export async function restoreBackend(tf: TfModule, sw: BackendSwitch, weights: () => readonly Tensor[]): Promise<void> {
  if (!sw.switched || tf.getBackend() === sw.previous) return;
  try {
    await cacheOnCpu(weights());
  } finally {
    await tf.setBackend(sw.previous);
  }
}

function backendNames(tf: TfModule): string {
  const names = (tf.engine() as unknown as { backendNames?: () => string[] }).backendNames?.() ?? [];
  return names.length > 0 ? names.join(', ') : 'none';
}

/** `tf.profile` leaves profiling on when its query throws; put the engine back. */
export function resetProfiling(tf: TfModule): void {
  const state = (tf.engine() as unknown as { state?: { profiling?: boolean; activeProfile?: { kernels?: unknown[] } } }).state;
  if (state) {
    state.profiling = false;
    if (state.activeProfile) state.activeProfile.kernels = [];
  }
}

interface BackendTimerLike {
  timerAvailable(): boolean;
  time(f: () => void): Promise<unknown>;
}

/**
 * Under `tf.profile`, tfjs runs each kernel through the backend's async `time(f)`: a kernel that
 * throws becomes a rejected promise nobody awaits (an unhandled rejection, which ends a Node
 * process) and the pass fails later with an unrelated `reading 'map'` TypeError. This wraps the
 * profiler's timer for the pass so the kernel's own error is thrown where it happened and the
 * timer's promise is handled. Returns the function that puts the backend's timer back.
 */
export function guardProfilerErrors(tf: TfModule): () => void {
  const profiler = (tf.engine() as unknown as { profiler?: { backendTimer?: BackendTimerLike } }).profiler;
  const timer = profiler?.backendTimer;
  if (!profiler || !timer || typeof timer.time !== 'function') return () => {};
  const guarded: BackendTimerLike = {
    timerAvailable: () => timer.timerAvailable(),
    time: (f) => {
      let failed = false;
      let error: unknown;
      const pending = timer.time(() => {
        try {
          f();
        } catch (e) {
          failed = true;
          error = e;
          throw e;
        }
      });
      pending.catch(() => {});
      if (failed) throw error;
      return pending;
    },
  };
  profiler.backendTimer = guarded;
  return () => {
    if (profiler.backendTimer === guarded) profiler.backendTimer = timer;
  };
}
