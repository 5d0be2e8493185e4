/**
 * The machinery behind schema v1 (json.ts): each JSON object is described once, as a table of its
 * keys in output order, each key with how `toJSON` reads it and how `validateSummaryJSON` checks
 * it. `build` writes an object from such a table; `object` checks one against it.
 */

type Obj = Record<string, unknown>;

/** What a check writes to: the problems found so far (`path: what is wrong`). */
export interface CheckContext {
  problems: string[];
}

/** A JSON Schema (draft 2020-12) fragment: what a check accepts, said declaratively. */
export type JsonSchema = Record<string, unknown>;

/**
 * Checks the value at `path`, adding a problem for each thing wrong with it. `schema` says the
 * same as JSON Schema (the structure only: sums and links between keys are the validator's);
 * `optional` marks a key that may be absent.
 */
export type Check<C extends CheckContext> = ((path: string, value: unknown, ctx: C) => void) & { schema?: JsonSchema; optional?: boolean };

/** `check` with its JSON Schema attached. */
function described<C extends CheckContext>(check: (path: string, value: unknown, ctx: C) => void, schema: JsonSchema, optional?: boolean): Check<C> {
  return Object.assign(check, { schema, ...(optional ? { optional } : {}) });
}

/** One key of a schema object: how it is read from its source, and how a value of it is checked. */
export interface Field<S, V, C extends CheckContext> {
  read(source: S): V;
  check: Check<C>;
}

/**
 * The keys of the JSON object `T`, in output order, each read from `S`. The type makes the table
 * list exactly `T`'s keys, optional ones included (they are written only when not undefined).
 */
export type Fields<S, T, C extends CheckContext> = { [K in keyof Required<T>]: Field<S, T[K], C> };

/** The object a field table describes, read from `source`; keys whose value is undefined are left out. */
export function build<S, T>(fields: Fields<S, T, never>, source: S): T {
  const out: Obj = {};
  for (const [key, field] of Object.entries(fields as Record<string, Field<S, unknown, never>>)) {
    const value = field.read(source);
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
export const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const describe = (v: unknown): string => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v);

/** Adds `path: expected …, got …` (with the value when it is a number or a string). */
export function bad(ctx: CheckContext, path: string, expected: string, got: unknown): void {
  const shown = typeof got === 'number' || typeof got === 'string' ? ` ${JSON.stringify(got)}` : '';
  ctx.problems.push(`${path}: expected ${expected}, got ${describe(got)}${shown}`);
}

/** A check from a predicate, what it expects (for the message) and the same as JSON Schema. */
export function is(test: (v: unknown) => boolean, expected: string, schema: JsonSchema): Check<CheckContext> {
  return described((path, value, ctx) => {
    if (!test(value)) bad(ctx, path, expected, value);
  }, schema);
}

/** JSON Schema of a non-negative integer (byte and element counts stay below 2^53). */
export const COUNT_SCHEMA: JsonSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
export const str = is((v) => typeof v === 'string', 'a string', { type: 'string' });
export const count = is(isCount, 'a non-negative integer', COUNT_SCHEMA);
export const bool = is((v) => typeof v === 'boolean', 'a boolean', { type: 'boolean' });

/** One of a few strings: `"a", "b" or "c"`. */
export function oneOf(values: readonly string[]): Check<CheckContext> {
  const quoted = values.map((v) => JSON.stringify(v));
  const expected = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : (quoted[0] ?? 'nothing');
  return is((v) => typeof v === 'string' && values.includes(v), expected, { enum: [...values] });
}

/** The key may be absent; when present it is checked. */
export function optional<C extends CheckContext>(check: Check<C>): Check<C> {
  return described<C>(
    (path, value, ctx) => {
      if (value !== undefined) check(path, value, ctx);
    },
    check.schema ?? {},
    true,
  );
}

/** An array, each item checked; `what` says what the array holds, for the message. */
export function list<C extends CheckContext>(item: Check<C>, what = 'an array'): Check<C> {
  return described<C>(
    (path, value, ctx) => {
      if (!Array.isArray(value)) return bad(ctx, path, what, value);
      value.forEach((v, i) => item(`${path}[${i}]`, v, ctx));
    },
    { type: 'array', items: item.schema ?? {} },
  );
}

/** An array of strings. */
export const stringList = list(str, 'an array of strings');

/** A dim: an integer >= 0, a symbol (string) or null (unknown). */
const dim = is((d) => d === null || typeof d === 'string' || isCount(d), 'a dim (integer >= 0, string or null)', {
  anyOf: [COUNT_SCHEMA, { type: 'string' }, { type: 'null' }],
});

/** An array of shapes, each an array of dims. */
export const shapeList = list(list(dim, 'a shape (array)'), 'an array of shapes');

/** Any field table, as the checker sees it. */
type CheckedFields<C extends CheckContext> = { readonly [key: string]: { check: Check<C> } };

/**
 * An object with exactly the table's keys, each checked in order; `after` then checks what ties
 * its keys together (it runs only when the value is an object).
 */
export function object<C extends CheckContext>(fields: CheckedFields<C>, after?: (path: string, obj: Obj, ctx: C) => void): Check<C> {
  const keys = Object.keys(fields);
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(keys.map((key) => [key, fields[key]!.check.schema ?? {}])),
    required: keys.filter((key) => !fields[key]!.check.optional),
    additionalProperties: false,
  };
  return described<C>((path, value, ctx) => {
    if (!isObj(value)) return bad(ctx, path, 'an object', value);
    for (const key of Object.keys(value)) if (!Object.hasOwn(fields, key)) ctx.problems.push(`${path}.${key}: unknown key`);
    for (const key of keys) fields[key]!.check(`${path}.${key}`, value[key], ctx);
    after?.(path, value, ctx);
  }, schema);
}
