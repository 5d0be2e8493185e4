import type { Dim, InputSpec, ResolvedInput } from './contract.js';
import { dtypeBits, tensorBytes } from './dtype.js';
import { summaryError } from './errors.js';

/** How `summarize` turns declared inputs into concrete ones. */
export interface InputResolutionOptions {
  /** Overrides, matched by name (or by position when unnamed). */
  inputs?: readonly InputSpec[];
  /** Fills the leading symbolic / null dimension of every input. Default 1. */
  batchSize?: number;
  /** Values for named symbolic dimensions (`dim_param`). */
  dims?: Readonly<Record<string, number>>;
}

export interface InputResolution {
  inputs: ResolvedInput[];
  warnings: string[];
}

/** Default for symbolic dims that are not the batch dim and have no value given. */
export const DEFAULT_SYMBOLIC_DIM = 1;

/** Resolves declared specs + overrides + batch size + named dims into concrete inputs. Pure. */
export function resolveInputs(declared: readonly InputSpec[], options: InputResolutionOptions = {}): InputResolution {
  const batchSize = options.batchSize ?? 1;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw summaryError('INVALID_OPTION', `batch size must be a positive integer, got ${String(batchSize)}`);
  }
  const dims = options.dims ?? {};
  for (const [name, value] of Object.entries(dims)) checkDim(value, `dim "${name}"`);

  const specs = applyOverrides(declared, options.inputs ?? []);
  const warnings: string[] = [];
  const defaulted = new Map<string, string[]>();
  const inputs = specs.map((spec, index) => {
    const name = spec.name ?? `input_${index}`;
    const dtype = spec.dtype ?? 'float32';
    dtypeBits(dtype);
    const shape = spec.shape.map((dim, axis) => {
      const where = `input "${name}" dim ${axis}`;
      if (typeof dim === 'number') return checkDim(dim, where);
      if (typeof dim === 'string' && dim in dims) return dims[dim] as number;
      if (axis === 0) return batchSize;
      if (dim !== null && dim !== undefined && typeof dim !== 'string') {
        throw summaryError('INVALID_SHAPE', `${where} is ${JSON.stringify(dim)}: expected a number, a symbolic name or null`);
      }
      const label = dim === null || dim === undefined ? `${name}[${axis}]` : dim;
      defaulted.set(label, [...(defaulted.get(label) ?? []), where]);
      return DEFAULT_SYMBOLIC_DIM;
    });
    const elements = shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(elements)) {
      throw summaryError('INPUT_TOO_LARGE', `input "${name}" with shape [${shape.join(', ')}] has more elements than can be counted exactly`, {
        details: { input: name, shape },
      });
    }
    return { name, shape, dtype, bytes: tensorBytes(elements, dtype) } satisfies ResolvedInput;
  });
  for (const [label, where] of defaulted) {
    warnings.push(
      `symbolic dim "${label}" (${where.join(', ')}) has no value: using ${DEFAULT_SYMBOLIC_DIM}; pass dims: { "${label}": N } (CLI: --dim ${label}=N)`,
    );
  }
  return { inputs, warnings };
}

/** Throws `INPUT_TOO_LARGE` when the mock inputs would exceed `maxBytes`. */
export function checkInputBudget(inputs: readonly ResolvedInput[], maxBytes: number): void {
  const total = inputs.reduce((sum, input) => sum + input.bytes, 0);
  if (total > maxBytes) {
    const list = inputs.map((i) => `${i.name} [${i.shape.join(', ')}] ${i.dtype} = ${i.bytes} B`).join('; ');
    throw summaryError(
      'INPUT_TOO_LARGE',
      `mock inputs need ${total} bytes, over the limit of ${maxBytes} bytes (${list}); raise maxInputBytes (CLI: --max-input-bytes) or use a smaller batch`,
      { details: { totalBytes: total, maxBytes } },
    );
  }
}

function applyOverrides(declared: readonly InputSpec[], overrides: readonly InputSpec[]): InputSpec[] {
  const result = declared.map((spec) => ({ ...spec }));
  overrides.forEach((override, position) => {
    if (override.name === undefined) {
      if (position >= result.length) {
        throw summaryError('INVALID_INPUT', `input override #${position} has no name and the model has only ${result.length} input(s)`);
      }
      result[position] = { ...result[position], ...override, name: result[position]?.name } as InputSpec;
      return;
    }
    const index = result.findIndex((spec) => spec.name === override.name);
    if (index < 0) {
      const names = result.map((spec) => spec.name ?? '(unnamed)').join(', ');
      throw summaryError('INVALID_INPUT', `the model has no input named "${override.name}" (its inputs: ${names || 'none'})`, {
        details: { input: override.name },
      });
    }
    const current = result[index] as InputSpec;
    if (override.shape.length !== current.shape.length && current.shape.length > 0) {
      throw summaryError(
        'INVALID_SHAPE',
        `input "${override.name}" takes ${current.shape.length} dims [${current.shape.map(String).join(', ')}], the override gives ${override.shape.length}`,
        { details: { input: override.name } },
      );
    }
    result[index] = { ...current, ...override };
  });
  return result;
}

function checkDim(value: Dim | number, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw summaryError('INVALID_SHAPE', `${where} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw summaryError('INPUT_TOO_LARGE', `${where} is ${value}, larger than can be counted exactly`);
  }
  return value;
}
