import type { DType, Dim, InputOverride, InputSpec, InputValue, ResolvedInput } from './contract.js';
import { dimExpressionNames, evaluateDimExpression, isDimExpression } from './dim-expr.js';
import { dtypeBits, tensorBytes } from './dtype.js';
import { summaryError } from './errors.js';
import { shellFlag } from './shell.js';

/** How `summarize` turns declared inputs into concrete ones. */
export interface InputResolutionOptions {
  /** Overrides, matched by name (or by position when unnamed); `{ name, value }` alone keeps the model's shape and dtype. */
  inputs?: readonly InputOverride[];
  /** Fills the leading symbolic / null dimension of every input. Default 1. */
  batchSize?: number;
  /**
   * Values for symbolic dimensions: by name (`dim_param`, or a name used inside an expression dim
   * such as `past_sequence_length + sequence_length`), or by position for unnamed dims:
   * `"input_ids[1]"` (input name, axis).
   */
  dims?: Readonly<Record<string, number>>;
}

/** A symbolic dim that had no value and took the default. */
export interface DefaultedDim {
  /** The dim's name, or `input[axis]` for an unnamed dim: the key of `dims` that sets it. */
  name: string;
  value: number;
  /** Where it occurs: `input "ids" dim 1`, ... */
  where: string[];
  /** The CLI flag that sets it, shell-quoted: `--dim sequence_length=N`. */
  flag: string;
}

export interface InputResolution {
  inputs: ResolvedInput[];
  warnings: string[];
  /** The value every named dim took (given, batch-filled or defaulted), by name. */
  dims: Record<string, number>;
  /** Dims that had no value and took {@link DEFAULT_SYMBOLIC_DIM}. */
  defaulted: DefaultedDim[];
  /**
   * The batch of the inputs: `batchSize` when it filled a leading dim, else (every leading dim
   * fixed) the first input's leading dim, 1 without one; a `batchSize` that did not apply is warned about.
   */
  batch: number;
}

/** Default for symbolic dims that are not the batch dim and have no value given. */
export const DEFAULT_SYMBOLIC_DIM = 1;

/** The symbolic dims of declared inputs: names (those inside expressions included) and the positional keys of unnamed dims. */
export function symbolicDims(declared: readonly InputSpec[]): { names: string[]; positional: string[] } {
  const names: string[] = [];
  const positional: string[] = [];
  const plain = new Set<string>();
  declared.forEach((spec) => {
    for (const d of spec.shape) if (typeof d === 'string' && !isDimExpression(d)) plain.add(d);
  });
  declared.forEach((spec, index) => {
    const inputName = spec.name ?? `input_${index}`;
    spec.shape.forEach((d, axis) => {
      if (typeof d === 'number') return;
      if (typeof d === 'string') {
        for (const n of isDimExpression(d, [...plain]) ? dimExpressionNames(d, [...plain]) : [d]) if (!names.includes(n)) names.push(n);
      } else positional.push(`${inputName}[${axis}]`);
    });
  });
  return { names, positional };
}

/** Resolves declared specs + overrides + batch size + named dims into concrete inputs. Pure. */
export function resolveInputs(declared: readonly InputSpec[], options: InputResolutionOptions = {}): InputResolution {
  const batchSize = options.batchSize ?? 1;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw summaryError('INVALID_OPTION', `batch size must be a positive integer, got ${String(batchSize)}`);
  }
  const given = options.dims ?? {};
  for (const [name, value] of Object.entries(given)) checkDim(value, `dim "${name}"`);

  const specs = applyOverrides(declared, options.inputs ?? []);
  const known = symbolicDims(specs);
  const exprTexts = new Set(specs.flatMap((s) => s.shape.filter((d): d is string => typeof d === 'string')));
  const positionalGiven = new Map<string, number>();
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(given)) {
    if (known.names.includes(key) || exprTexts.has(key)) values[key] = value;
    else if (positionalKey(key, specs) !== undefined) positionalGiven.set(key, value);
    else throw unknownDim(key, known);
  }
  const plainNames = known.names;

  // The batch fills the leading dim; a name it fills takes the batch everywhere.
  let batchUsed = false;
  specs.forEach((spec) => {
    const d = spec.shape[0];
    const key = `${spec.name}[0]`;
    if (typeof d === 'string' && !isDimExpression(d, plainNames) && !has(values, d) && !positionalGiven.has(key)) {
      values[d] = batchSize;
      batchUsed = true;
    }
  });

  const defaulted = new Map<string, { value: number; where: string[] }>();
  const takeDefault = (label: string, where: string): number => {
    const entry = defaulted.get(label);
    if (entry) entry.where.push(where);
    else defaulted.set(label, { value: DEFAULT_SYMBOLIC_DIM, where: [where] });
    return DEFAULT_SYMBOLIC_DIM;
  };

  const inputs = specs.map((spec, index) => {
    const name = spec.name ?? `input_${index}`;
    const dtype = spec.dtype ?? 'float32';
    dtypeBits(dtype);
    const shape = spec.shape.map((dim, axis) => {
      const where = `input "${name}" dim ${axis}`;
      const key = `${name}[${axis}]`;
      if (typeof dim === 'number') {
        if (positionalGiven.has(key)) {
          throw summaryError('INVALID_OPTION', `dim "${key}" is fixed to ${dim} by the model; it cannot be set`, { details: { dim: key } });
        }
        return checkDim(dim, where);
      }
      if (positionalGiven.has(key)) return positionalGiven.get(key) as number;
      if ((dim === null || dim === undefined) && axis === 0) batchUsed = true;
      if (dim === null || dim === undefined) return axis === 0 ? batchSize : takeDefault(key, where);
      if (typeof dim !== 'string') {
        throw summaryError('INVALID_SHAPE', `${where} is ${JSON.stringify(dim)}: expected a number, a symbolic name or null`);
      }
      if (has(values, dim)) {
        defaulted.get(dim)?.where.push(where);
        return values[dim] as number;
      }
      if (!isDimExpression(dim, plainNames)) {
        values[dim] = takeDefault(dim, where);
        return values[dim];
      }
      for (const n of dimExpressionNames(dim, plainNames)) {
        if (!has(values, n)) values[n] = takeDefault(n, `${where}, in "${dim}"`);
        else defaulted.get(n)?.where.push(`${where}, in "${dim}"`);
      }
      const v = evaluateDimExpression(dim, values);
      if (v === undefined) {
        const used = dimExpressionNames(dim, plainNames).map((n) => `${n}=${values[n]}`).join(', ');
        throw summaryError('INVALID_SHAPE', `${where} is "${dim}", which is not a non-negative integer for ${used}`, { details: { input: name, dim } });
      }
      return checkDim(v, where);
    });
    const elements = shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(elements)) {
      throw summaryError('INPUT_TOO_LARGE', `input "${name}" with shape [${shape.join(', ')}] has more elements than can be counted exactly`, {
        details: { input: name, shape },
      });
    }
    const resolved: ResolvedInput = { name, shape, dtype, bytes: tensorBytes(elements, dtype) };
    if (spec.value !== undefined) resolved.value = checkValue(spec.value, dtype, name);
    return resolved;
  });

  const warnings: string[] = [];
  const defaults: DefaultedDim[] = [];
  for (const [label, { value, where }] of defaulted) {
    const flag = shellFlag('--dim', `${label}=N`);
    defaults.push({ name: label, value, where, flag });
    const what = /\[\d+\]$/.test(label) && !plainNames.includes(label) ? 'unnamed dim' : 'symbolic dim';
    warnings.push(`${what} "${label}" (${where.join(', ')}) has no value: using ${value}; pass dims: { "${label}": N } (CLI: ${flag})`);
  }
  let batch = batchSize;
  if (!batchUsed && inputs.length > 0) {
    const first = inputs[0]!;
    batch = first.shape[0] ?? 1;
    if (batchSize !== batch) {
      const fixed = `input "${first.name}" has a fixed batch of ${batch} ([${first.shape.join(', ')}])`;
      warnings.push(`batch size ${batchSize} cannot apply: ${fixed}${inputs.length > 1 ? ' and no input has a symbolic leading dim' : ''}; the summary is for batch ${batch} (CLI: --batch)`);
    }
  }
  return { inputs, warnings, dims: values, defaulted: defaults, batch };
}

/** What a failed pass says about the dims and inputs it guessed: empty when nothing was guessed. */
export function guessedInputsHint(resolution: Pick<InputResolution, 'inputs' | 'defaulted'>): { lines: string[]; details: Record<string, unknown> } {
  const parts: string[] = [];
  const details: Record<string, unknown> = {};
  if (resolution.defaulted.length > 0) {
    const list = resolution.defaulted.map((d) => `${d.name}=${d.value}`).join(', ');
    parts.push(`symbolic dims without a value took a default (${list}): set them with ${resolution.defaulted.map((d) => d.flag).join(' ')} (API: dims)`);
    details.defaultedDims = resolution.defaulted.map((d) => ({ name: d.name, value: d.value, flag: d.flag }));
  }
  const mocked = resolution.inputs.filter((i) => i.value === undefined && !/^(float|bfloat)/.test(i.dtype));
  if (mocked.length > 0) {
    const flags = mocked.map((i) => shellFlag('--input', `${i.name}=VALUE`));
    parts.push(`${mocked.map((i) => `${i.name} (${i.dtype} [${i.shape.join(', ')}])`).join(', ')} got mock values: give values with ${flags.join(' ')} (API: inputs: [{ name, value }])`);
    details.mockValuedInputs = mocked.map((i) => i.name);
  }
  return { lines: parts, details };
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

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function unknownDim(key: string, known: { names: string[]; positional: string[] }) {
  const list = [...known.names, ...known.positional.map((p) => `${p} (unnamed)`)];
  return summaryError(
    'INVALID_OPTION',
    `unknown dim "${key}": the model's symbolic dims are ${list.length > 0 ? list.join(', ') : 'none (every input dim is fixed)'}`,
    { details: { dim: key, symbolicDims: known.names, unnamedDims: known.positional } },
  );
}

/** `input[axis]` naming an axis of a declared input: the axis, or undefined. */
function positionalKey(key: string, specs: readonly InputSpec[]): number | undefined {
  const m = /^(.*)\[(\d+)\]$/.exec(key);
  if (!m) return undefined;
  const spec = specs.find((s, i) => (s.name ?? `input_${i}`) === m[1]);
  const axis = Number(m[2]);
  return spec && axis < spec.shape.length ? axis : undefined;
}

function definedOnly(override: InputOverride): Partial<InputSpec> {
  const out: Partial<InputSpec> = {};
  for (const [k, v] of Object.entries(override)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function applyOverrides(declared: readonly InputSpec[], overrides: readonly InputOverride[]): InputSpec[] {
  const result = declared.map((spec) => ({ ...spec }));
  overrides.forEach((override, position) => {
    const given = definedOnly(override);
    if (override.name === undefined) {
      if (position >= result.length) {
        throw summaryError('INVALID_INPUT', `input override #${position} has no name and the model has only ${result.length} input(s)`);
      }
      result[position] = { ...result[position], ...given, name: result[position]?.name } as InputSpec;
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
    if (override.shape !== undefined && override.shape.length !== current.shape.length && current.shape.length > 0) {
      throw summaryError(
        'INVALID_SHAPE',
        `input "${override.name}" takes ${current.shape.length} dims [${current.shape.map(String).join(', ')}], the override gives ${override.shape.length}`,
        { details: { input: override.name } },
      );
    }
    result[index] = { ...current, ...given } as InputSpec;
  });
  return result;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  uint16: [0n, 65535n],
  int32: [-2147483648n, 2147483647n],
  uint32: [0n, 4294967295n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  int4: [-8n, 7n],
  uint4: [0n, 15n],
};

/** Checks that a fill value fits the input's dtype; returns it as given. */
function checkValue(value: InputValue, dtype: DType, name: string): InputValue {
  const bad = (why: string): never => {
    throw summaryError('INVALID_INPUT', `input "${name}" (${dtype}): value ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)} ${why}`, {
      details: { input: name, dtype },
    });
  };
  if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') bad('is not a number, bigint or boolean');
  if (dtype === 'bool') {
    if (typeof value !== 'boolean' && Number(value) !== 0 && Number(value) !== 1) bad('is not a boolean (true / false, 1 / 0)');
    return value;
  }
  const range = INT_RANGES[dtype];
  if (range) {
    if (typeof value === 'number' && !Number.isInteger(value)) bad('is not an integer');
    const big = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    if (big < range[0] || big > range[1]) bad(`is out of range for ${dtype}`);
    return value;
  }
  if (dtype === 'string') bad('cannot fill a string tensor');
  if (typeof value === 'bigint' && Number(value) !== Number(value)) bad('is not a number');
  return value;
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
