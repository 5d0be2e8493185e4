const MARKER = Symbol.for('modelsummary.error');

/** Every error code modelsummary throws. */
export type ModelSummaryErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_SHAPE'
  | 'UNKNOWN_DTYPE'
  | 'UNRESOLVED_DIM'
  | 'INPUT_TOO_LARGE'
  | 'UNSUPPORTED_SPEC_VERSION'
  | 'FORWARD_FAILED'
  | 'INVALID_MODEL'
  | 'UNSAFE_PATH'
  | 'RUNTIME_UNAVAILABLE'
  | 'DEVICE_UNAVAILABLE'
  | 'INVALID_OPTION'
  | 'INVALID_SUMMARY'
  | 'ADAPTER_FAILED';

/** The steps of `summarize` that call the adapter; a failure names the one it happened in (`details.step`). */
export type SummaryStep = 'inputSpecs' | 'listLayers' | 'registerHooks' | 'createMockInputs' | 'run' | 'disposeInputs' | 'removeHooks' | 'warnings' | 'measuredPeakBytes' | 'kvCache' | 'outputSpecs';

/**
 * The one error class of modelsummary. `code` says what went wrong; `ModelSummaryError.isInstance`
 * recognises errors from another copy of the package too (it checks a `Symbol.for` marker).
 */
export class ModelSummaryError extends Error {
  readonly code: ModelSummaryErrorCode;
  readonly details: Record<string, unknown>;
  readonly [MARKER] = true;

  constructor(code: ModelSummaryErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelSummaryError';
    this.code = code;
    this.details = options.details ?? {};
  }

  /** True for any modelsummary error, whichever copy of the package made it. */
  static isInstance(value: unknown): value is ModelSummaryError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Thrown when the mock forward pass fails; names the layers that did run. Hooks are already removed. */
export class ForwardPassError extends ModelSummaryError {
  readonly executedLayers: string[];

  /** `details` adds to `executedLayers`: `defaultedDims` ({ name, value, flag }), `mockValuedInputs` (names). */
  constructor(message: string, executedLayers: string[], cause: unknown, details: Record<string, unknown> = {}) {
    super('FORWARD_FAILED', message, { cause, details: { ...details, executedLayers } });
    this.name = 'ForwardPassError';
    this.executedLayers = executedLayers;
  }
}

const failedLayers = new WeakMap<object, string>();

/**
 * Records which layer threw `error` (adapters call it where the runtime says so: a hooked layer's
 * `call`, the node onnxruntime names); `summarize` reports it in the `ForwardPassError`. Returns
 * `error` itself; a non-object error is left as it is.
 */
export function attributeToLayer<T>(error: T, layerId: string): T {
  if (typeof error === 'object' && error !== null && !failedLayers.has(error)) failedLayers.set(error, layerId);
  return error;
}

/** The layer {@link attributeToLayer} recorded for `error`, if any. */
export function failedLayerOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? failedLayers.get(error) : undefined;
}

/** A thrown value as a message: an Error's message, a string, or what the value was (`undefined`, `null`, ...). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error || '(an empty string)';
  if (error === undefined || error === null) return `(${String(error)} was thrown)`;
  try {
    return `(a ${typeof error} was thrown: ${JSON.stringify(error)?.slice(0, 200) ?? String(error)})`;
  } catch {
    return `(a ${typeof error} was thrown)`;
  }
}

/** Shorthand used across packages. */
export function summaryError(
  code: ModelSummaryErrorCode,
  message: string,
  options?: { cause?: unknown; details?: Record<string, unknown> },
): ModelSummaryError {
  return new ModelSummaryError(code, message, options);
}
