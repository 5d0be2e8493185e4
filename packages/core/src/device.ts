/**
 * The device policy every adapter follows: which devices to try for a request, in which order, and
 * what to tell the user about the ones that were skipped. Adapters say what their runtime offers
 * and how to open one device; this module decides and words the outcome.
 */
import type { DeviceRequest } from './contract.js';
import { ModelSummaryError, summaryError } from './errors.js';

/** What a runtime offers, in priority order. */
export interface DeviceOffer {
  /** GPU devices (`webgpu`, `cuda`, `webgl`, ...), best first; may be empty. */
  gpu: readonly string[];
  /** The device used when no GPU can be (`cpu`, `wasm`, the user's active backend). */
  fallback: string;
  /** What one device is called in this runtime, for messages: `execution provider`, `backend`. */
  noun?: string;
  /** GPU devices the runtime knows but cannot offer here, with the reason (shown when the pass falls back). */
  unavailable?: Readonly<Record<string, string>>;
  /** Device names that mean the fallback (`cpu` and `wasm` for onnxruntime-web). Default `[fallback, 'cpu']`. */
  fallbackAliases?: readonly string[];
}

/** The ordered candidates of a request, and whether the fallback may be used after them. */
export interface DevicePlan {
  candidates: string[];
  /** True for `auto` / `gpu`: when every GPU candidate fails, the fallback runs (with a warning). */
  mayFallBack: boolean;
}

/** One candidate that did not run, with a readable one-line reason. */
export interface SkippedDevice {
  device: string;
  reason: string;
}

/** The outcome of {@link resolveDevice}. */
export interface ResolvedDevice<T> {
  /** The device that opened. */
  device: string;
  /** What `open` returned for it (a session, a backend switch, ...). */
  value: T;
  /** Candidates tried (or offered) before it, each with its reason. */
  skipped: SkippedDevice[];
  /** One line for the summary's warnings when the pass fell back from a GPU request. */
  warning?: string;
}

/** Which devices a request tries, in order: `auto` / `gpu` → the GPUs then the fallback; `cpu` → the fallback; a name → that device. */
export function planDevices(request: DeviceRequest, offer: DeviceOffer): DevicePlan {
  const aliases = offer.fallbackAliases ?? [offer.fallback, 'cpu'];
  if (request === 'auto' || request === 'gpu') return { candidates: [...offer.gpu], mayFallBack: true };
  if (aliases.includes(request)) return { candidates: [offer.fallback], mayFallBack: false };
  return { candidates: [request], mayFallBack: false };
}

/**
 * Tries the candidates of `request` (a request, or an explicit list tried as is) in order with `open` and returns the first that opens, with one
 * reason per candidate skipped. After the GPUs of `auto` / `gpu` the fallback runs, and the skipped
 * reasons become one warning. When nothing opens: the last error when it is a typed error other than
 * `DEVICE_UNAVAILABLE` (the model, not the device, is at fault), else `DEVICE_UNAVAILABLE` listing
 * every reason.
 */
export async function resolveDevice<T>(
  request: DeviceRequest | readonly string[],
  offer: DeviceOffer,
  open: (device: string) => Promise<T>,
  label = 'modelsummary',
): Promise<ResolvedDevice<T>> {
  const plan: DevicePlan = typeof request === 'string' ? planDevices(request, offer) : { candidates: [...request], mayFallBack: false };
  const asked = typeof request === 'string' ? request : request.join(', ');
  const skipped: SkippedDevice[] = [];
  let lastError: unknown;
  const attempt = async (device: string): Promise<{ value: T } | undefined> => {
    try {
      return { value: await open(device) };
    } catch (error) {
      lastError = error;
      skipped.push({ device, reason: readableReason(error) });
      return undefined;
    }
  };
  for (const device of plan.candidates) {
    const opened = await attempt(device);
    if (opened) return { device, value: opened.value, skipped };
  }
  if (plan.mayFallBack) {
    const offered = skipped.length;
    for (const [device, reason] of Object.entries(offer.unavailable ?? {})) {
      if (!plan.candidates.includes(device)) skipped.push({ device, reason });
    }
    const triedGpu = [...skipped];
    const opened = await attempt(offer.fallback);
    if (opened) {
      return { device: offer.fallback, value: opened.value, skipped: triedGpu, warning: fallbackWarning(asked, offer, triedGpu, offered) };
    }
  }
  if (ModelSummaryError.isInstance(lastError) && lastError.code !== 'DEVICE_UNAVAILABLE') throw lastError;
  throw summaryError(
    'DEVICE_UNAVAILABLE',
    `${label}: device "${asked}" is not available: ${skipped.map(describeSkip).join('; ') || 'nothing to try'}`,
    { ...(lastError === undefined ? {} : { cause: lastError }), details: { device: asked, skipped } },
  );
}

function fallbackWarning(request: string, offer: DeviceOffer, skipped: readonly SkippedDevice[], offered: number): string {
  const noun = offer.noun ?? 'device';
  const why =
    skipped.length === 0
      ? `no GPU ${noun} is offered here`
      : offered === 0
        ? `no GPU ${noun} is available (${skipped.map(describeSkip).join('; ')})`
        : `no GPU ${noun} could run the model (${skipped.map(describeSkip).join('; ')})`;
  return `device "${request}": ${why}; the mock pass ran on ${offer.fallback}`;
}

function describeSkip(s: SkippedDevice): string {
  return `${s.device}: ${s.reason}`;
}

/** Longest reason kept, in characters; longer ones are cut at a word. */
const MAX_REASON = 160;

/**
 * A runtime's error as one short line a person can read: the first meaningful line, without
 * source-file locations, stack frames or log prefixes, cut at a word boundary.
 */
export function readableReason(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  const line =
    raw
      .split('\n')
      .map((l) => cleanLine(l))
      .find((l) => l.length > 0) ?? 'unknown error';
  if (NO_ADAPTER.test(line)) return 'no GPU adapter found';
  if (line.length <= MAX_REASON) return line;
  const cut = line.slice(0, MAX_REASON);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_REASON / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:(]+$/, '')}…`;
}

/** What runtimes say when there is no GPU to open (Dawn through onnxruntime, tfjs-backend-webgpu), said one way. */
const NO_ADAPTER = /failed to get a webgpu adapter|no supported adapters|no (?:suitable |webgpu )?adapter (?:was )?found|requestAdapter\(\) returned null/i;

function cleanLine(line: string): string {
  return line
    .replace(/^\s*at\s.*$/, '')
    .replace(/(?:\w+)?::<lambda\(\)>/g, '')
    .replace(/\[[EWI]:onnxruntime:[^\]]*\]/g, '')
    .replace(/\S*\/[\w.-]+\.(?:cc|cpp|h|hpp|c|mm):\d+(?::\d+)?\s*/g, '')
    .replace(/(?:\b\w+\s+)?\w+(?:::[\w~]+)+\([^)]*\)\s*/g, '')
    .replace(/\S+ [!=]= \S+ was (?:false|true)\.\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
