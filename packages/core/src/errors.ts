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
  | 'INVALID_SUMMARY';

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

/** Shorthand used across packages. */
export function summaryError(
  code: ModelSummaryErrorCode,
  message: string,
  options?: { cause?: unknown; details?: Record<string, unknown> },
): ModelSummaryError {
  return new ModelSummaryError(code, message, options);
}
