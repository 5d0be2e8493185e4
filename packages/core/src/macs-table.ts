/**
 * Op knowledge as data: each runtime keeps one MACs table — a catalogue of the ops it knows, each
 * op ONE entry, either in the table's zero list (0 MACs by convention: activations, pooling, data
 * movement, ...) or with a formula (a small function over what the adapter knows of one call).
 * {@link macsFromTable} reads it: 0 for a zero op, the formula's count for a formula op, and
 * `undefined` (shown as "?") for an op the table does not know, for a formula that lacks a shape
 * it needs, or for shapes that contradict each other (`INVALID_SHAPE` from core's helpers). Any
 * other exception is a bug and propagates.
 */
import { ModelSummaryError } from './errors.js';

/**
 * The MACs of one op call from `ctx` (shapes, attributes, config: whatever the runtime's table
 * passes); `undefined` when a shape or attribute it needs is not known or not concrete.
 */
export type MacsRule<Ctx> = (ctx: Ctx) => number | undefined;

/** A table as written: ops grouped by category, as the runtime's op catalogues are. */
export interface MacsTableSpec<Ctx> {
  /** Ops that cost 0 MACs by convention, by category: `{ activations: ['Relu', ...], ... }`. */
  readonly zero: Readonly<Record<string, readonly string[]>>;
  /** Ops with a formula, by category: `{ convolution: { Conv: convRule, ... }, ... }`. */
  readonly formulas: Readonly<Record<string, Readonly<Record<string, MacsRule<Ctx>>>>>;
}

/** A table ready for {@link macsFromTable}, made by {@link defineMacsTable}. */
export interface MacsTable<Ctx> {
  /** Every op of the zero list. */
  readonly zero: ReadonlySet<string>;
  /** Every op with a formula. */
  readonly formulas: ReadonlyMap<string, MacsRule<Ctx>>;
  /** Category of every op the table knows. */
  readonly categories: ReadonlyMap<string, string>;
}

/**
 * Builds a table from its catalogue. An op listed twice (twice in the zero list, or both 0 and a
 * formula) is a mistake in the table and throws here, when the module loads.
 */
export function defineMacsTable<Ctx>(spec: MacsTableSpec<Ctx>): MacsTable<Ctx> {
  const zero = new Set<string>();
  const formulas = new Map<string, MacsRule<Ctx>>();
  const categories = new Map<string, string>();
  const add = (op: string, category: string): void => {
    const earlier = categories.get(op);
    if (earlier !== undefined) throw new Error(`MACs table: op '${op}' is listed twice (${earlier} and ${category})`);
    categories.set(op, category);
  };
  for (const [category, ops] of Object.entries(spec.zero)) {
    for (const op of ops) {
      add(op, `zero/${category}`);
      zero.add(op);
    }
  }
  for (const [category, rules] of Object.entries(spec.formulas)) {
    for (const [op, rule] of Object.entries(rules)) {
      if (typeof rule !== 'function') throw new Error(`MACs table: the formula of '${op}' is not a function`);
      add(op, `formulas/${category}`);
      formulas.set(op, rule);
    }
  }
  return { zero, formulas, categories };
}

/**
 * MACs of one op call: 0 for an op of the zero list, its formula's count for a formula op,
 * `undefined` for an op the table does not know, a formula that returns `undefined` (a needed
 * shape is unknown) or one whose shapes are inconsistent (core's `INVALID_SHAPE`). Any other
 * exception from a formula propagates, as does a formula that returns something other than a
 * non-negative number (a bug in the table).
 */
export function macsFromTable<Ctx>(table: MacsTable<Ctx>, op: string, ctx: Ctx): number | undefined {
  if (table.zero.has(op)) return 0;
  const rule = table.formulas.get(op);
  if (rule === undefined) return undefined;
  let macs: number | undefined;
  try {
    macs = rule(ctx);
  } catch (error) {
    if (ModelSummaryError.isInstance(error) && error.code === 'INVALID_SHAPE') return undefined;
    throw error;
  }
  if (macs !== undefined && (typeof macs !== 'number' || Number.isNaN(macs) || macs < 0)) {
    throw new TypeError(`MACs table: the formula of '${op}' returned ${String(macs)}, not a count`);
  }
  return macs;
}
