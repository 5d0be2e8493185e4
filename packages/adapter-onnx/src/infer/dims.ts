/**
 * Symbolic dimensions: a dim is a number or an expression over named dims (`batch_size`,
 * `past_sequence_length + sequence_length`, `2*sequence_length`, `floor((height + 1)/2)`).
 *
 * An expression is kept in one normal form: a polynomial with integer coefficients over atoms,
 * where an atom is a symbol or an opaque function (`floor(p/q)`, `max(a, b)`, `min(a, b)`). Terms
 * are sorted by their monomial text, the constant last, so equal expressions have equal text: the
 * text is the identity (`Expr.text`), and interned expressions compare by reference. Every symbol
 * stands for a dimension, so it is assumed ≥ 0; that is what lets `max(a + b, b)` become `a + b`.
 *
 * Every operation is bounded (terms, text length, coefficients): an expression that would grow
 * past the bounds throws `DimOverflow`, which the inference turns into "unknown".
 */

/** A dimension inside the inference: a number or an interned expression. */
export type Dim = number | Expr;
/** A dimension as the public API gives it: a number or the canonical text of an expression. */
export type SymDim = number | string;

/** Thrown when an expression would exceed the size bounds (the caller treats the result as unknown). */
export class DimOverflow extends Error {
  constructor(what: string) {
    super(`symbolic dimension too large: ${what}`);
    this.name = 'DimOverflow';
  }
}

const MAX_TERMS = 32;
const MAX_TEXT = 1024;
const MAX_DEGREE = 8;
/** Prefix of the symbols made for dims the inference cannot know (data-dependent sizes). */
export const UNKNOWN_PREFIX = 'unk__';

type AtomKind = 'sym' | 'floor' | 'max' | 'min';

export interface Atom {
  readonly kind: AtomKind;
  readonly text: string;
  /** `sym`: its name. */
  readonly name?: string;
  /** `floor`: numerator and denominator; `max` / `min`: the two arguments. */
  readonly args?: readonly Dim[];
  /** Known ≥ 0. */
  readonly nonneg: boolean;
  /** Contains a symbol made for an unknown dim. */
  readonly fresh: boolean;
}

interface Term {
  /** Monomial text: atom texts sorted and joined with `*`; '' for the constant term. */
  readonly key: string;
  readonly atoms: readonly Atom[];
  readonly coeff: number;
}

export class Expr {
  /** Contains a symbol made for an unknown dim. */
  readonly fresh: boolean;
  constructor(
    readonly terms: readonly Term[],
    readonly text: string,
  ) {
    this.fresh = terms.some((t) => t.atoms.some((a) => a.fresh));
  }
  toString(): string {
    return this.text;
  }
}

// ---------------------------------------------------------------------------------------------
// Interning

const EXPRS = new Map<string, Expr>();
const ATOMS = new Map<string, Atom>();
const INTERN_LIMIT = 200_000;

function internAtom(a: Atom): Atom {
  const have = ATOMS.get(a.text);
  if (have) return have;
  if (ATOMS.size > INTERN_LIMIT) ATOMS.clear();
  ATOMS.set(a.text, a);
  return a;
}

const SYMS = new Map<string, Expr>();

/** The expression of one symbol. */
export function sym(name: string): Expr {
  let e = SYMS.get(name);
  if (e) return e;
  const atom = internAtom({ kind: 'sym', text: name, name, nonneg: true, fresh: name.startsWith(UNKNOWN_PREFIX) });
  e = make([{ key: atom.text, atoms: [atom], coeff: 1 }]) as Expr;
  if (SYMS.size > INTERN_LIMIT) SYMS.clear();
  SYMS.set(name, e);
  return e;
}

function checkCoeff(c: number): number {
  if (!Number.isSafeInteger(c)) throw new DimOverflow(`coefficient ${c}`);
  return c;
}

/** Builds the normal form from terms (already merged by key, any order). */
function make(terms: Term[]): Dim {
  const live = terms.filter((t) => t.coeff !== 0);
  if (live.length === 0) return 0;
  if (live.length === 1 && live[0]!.key === '') return live[0]!.coeff;
  if (live.length > MAX_TERMS) throw new DimOverflow(`${live.length} terms`);
  live.sort(compareTerms);
  const text = render(live);
  if (text.length > MAX_TEXT) throw new DimOverflow(`${text.length} characters`);
  const have = EXPRS.get(text);
  if (have) return have;
  const e = new Expr(live, text);
  if (EXPRS.size > INTERN_LIMIT) EXPRS.clear();
  EXPRS.set(text, e);
  return e;
}

function compareTerms(a: Term, b: Term): number {
  if (a.key === b.key) return 0;
  if (a.key === '') return 1;
  if (b.key === '') return -1;
  return a.key < b.key ? -1 : 1;
}

function render(terms: readonly Term[]): string {
  let out = '';
  terms.forEach((t, i) => {
    const neg = t.coeff < 0;
    const c = Math.abs(t.coeff);
    const body = t.key === '' ? String(c) : c === 1 ? t.key : `${c}*${t.key}`;
    if (i === 0) out = neg ? `-${body}` : body;
    else out += neg ? ` - ${body}` : ` + ${body}`;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

const termsOf = (d: Dim): readonly Term[] => (typeof d === 'number' ? (d === 0 ? [] : [{ key: '', atoms: [], coeff: d }]) : d.terms);

export function isExpr(d: unknown): d is Expr {
  return d instanceof Expr;
}

export function dimEquals(a: Dim | undefined, b: Dim | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'number' || typeof b === 'number') return false;
  return a.text === b.text;
}

export function add(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return checkCoeff(a + b);
  if (a === 0) return b;
  if (b === 0) return a;
  const byKey = new Map<string, Term>();
  for (const t of termsOf(a)) byKey.set(t.key, t);
  for (const t of termsOf(b)) {
    const have = byKey.get(t.key);
    byKey.set(t.key, have ? { key: t.key, atoms: t.atoms, coeff: checkCoeff(have.coeff + t.coeff) } : t);
  }
  return make([...byKey.values()]);
}

export function neg(a: Dim): Dim {
  return scale(a, -1);
}

export function sub(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return checkCoeff(a - b);
  if (dimEquals(a, b)) return 0;
  return add(a, neg(b));
}

function scale(a: Dim, k: number): Dim {
  if (typeof a === 'number') return checkCoeff(a * k);
  if (k === 0) return 0;
  if (k === 1) return a;
  return make(a.terms.map((t) => ({ key: t.key, atoms: t.atoms, coeff: checkCoeff(t.coeff * k) })));
}

function mulTerms(x: Term, y: Term): Term {
  const atoms = x.atoms.length === 0 ? y.atoms : y.atoms.length === 0 ? x.atoms : [...x.atoms, ...y.atoms].sort((p, q) => (p.text < q.text ? -1 : p.text > q.text ? 1 : 0));
  if (atoms.length > MAX_DEGREE) throw new DimOverflow(`degree ${atoms.length}`);
  return { key: atoms.map((a) => a.text).join('*'), atoms, coeff: checkCoeff(x.coeff * y.coeff) };
}

export function mul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return checkCoeff(a * b);
  if (typeof a === 'number') return scale(b, a);
  if (typeof b === 'number') return scale(a, b);
  const ta = a.terms;
  const tb = b.terms;
  if (ta.length * tb.length > MAX_TERMS * 4) throw new DimOverflow(`${ta.length}×${tb.length} terms`);
  const byKey = new Map<string, Term>();
  for (const x of ta) {
    for (const y of tb) {
      const t = mulTerms(x, y);
      const have = byKey.get(t.key);
      byKey.set(t.key, have ? { ...t, coeff: checkCoeff(have.coeff + t.coeff) } : t);
    }
  }
  return make([...byKey.values()]);
}

/** Product of dims (1 for none). */
export function product(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = mul(p, d);
  return p;
}

const gcd = (a: number, b: number): number => {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
};

function floorAtom(num: Dim, den: Dim): Dim {
  const wrapNum = typeof num !== 'number' && (num.terms.length > 1 || num.terms[0]!.coeff < 0);
  const wrapDen = typeof den !== 'number' && (den.terms.length > 1 || den.terms[0]!.coeff !== 1 || den.terms[0]!.atoms.length > 1);
  const n = typeof num === 'number' ? String(num) : wrapNum ? `(${num.text})` : num.text;
  const d = typeof den === 'number' ? String(den) : wrapDen ? `(${den.text})` : den.text;
  const atom = internAtom({
    kind: 'floor',
    text: `floor(${n}/${d})`,
    args: [num, den],
    nonneg: nonNegative(num) && nonNegative(den),
    fresh: isFresh(num) || isFresh(den),
  });
  return make([{ key: atom.text, atoms: [atom], coeff: 1 }]);
}

/** floor(a / b). Throws on a zero divisor. */
export function floorDiv(a: Dim, b: Dim): Dim {
  if (typeof b === 'number') {
    if (b === 0) throw new DimOverflow('division by zero');
    if (typeof a === 'number') return Math.floor(a / b);
    if (b < 0) return floorDiv(neg(a), -b);
    if (b === 1) return a;
    // floor((floor(p/k) + c)/b) = floor((p + k·c)/(k·b)): strided layers in a row stay one floor.
    const nested = nestedFloor(a);
    if (nested) return floorDiv(add(nested.num, mul(nested.den, nested.c)), mul(nested.den, b));
    // a = b·q + r with every coefficient of r in [0, b): floor(a/b) = q + floor(r/b).
    const q: Term[] = [];
    const r: Term[] = [];
    for (const t of a.terms) {
      const qc = Math.floor(t.coeff / b);
      const rc = t.coeff - qc * b;
      if (qc !== 0) q.push({ key: t.key, atoms: t.atoms, coeff: qc });
      if (rc !== 0) r.push({ key: t.key, atoms: t.atoms, coeff: rc });
    }
    const quotient = make(q);
    const rest = r.filter((t) => t.key !== '');
    if (rest.length === 0) return quotient; // only a constant in [0, b) is left
    // floor(g·x / (g·y)) = floor(x / y)
    let g = b;
    for (const t of r) g = gcd(g, t.coeff);
    const num = make(r.map((t) => ({ ...t, coeff: t.coeff / g })));
    return add(quotient, floorAtom(num, b / g));
  }
  const exact = divideExact(a, b);
  if (exact !== undefined) return exact;
  return floorAtom(a, b);
}

/** `floor(p/k) + c` with a number k: its parts. */
function nestedFloor(a: Expr): { num: Dim; den: number; c: number } | undefined {
  let atom: Atom | undefined;
  let c = 0;
  for (const t of a.terms) {
    if (t.key === '') c = t.coeff;
    else if (!atom && t.coeff === 1 && t.atoms.length === 1 && t.atoms[0]!.kind === 'floor' && typeof t.atoms[0]!.args![1] === 'number') atom = t.atoms[0];
    else return undefined;
  }
  return atom ? { num: atom.args![0]!, den: atom.args![1] as number, c } : undefined;
}

/** ceil(a / b) = floor((a + b - 1) / b) for integer dims and a positive divisor. */
export function ceilDiv(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw new DimOverflow('division by zero');
    return Math.ceil(a / b);
  }
  if (typeof b === 'number' && b < 0) return ceilDiv(neg(a), -b);
  const exact = typeof b === 'number' ? undefined : divideExact(a, b);
  if (exact !== undefined) return exact;
  return floorDiv(add(a, sub(b, 1)), b);
}

/** a mod b (result has the sign of b, as Python and ONNX Mod with fmod = 0). */
export function mod(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw new DimOverflow('modulo by zero');
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  }
  return sub(a, mul(b, floorDiv(a, b)));
}

/** The exact quotient a / b when b divides a as polynomials, else undefined. */
export function divideExact(a: Dim, b: Dim): Dim | undefined {
  if (typeof b === 'number') {
    if (b === 0) return undefined;
    if (typeof a === 'number') return a % b === 0 ? a / b : undefined;
    if (a.terms.every((t) => t.coeff % b === 0)) return make(a.terms.map((t) => ({ ...t, coeff: t.coeff / b })));
    return undefined;
  }
  if (a === 0) return 0;
  if (typeof a !== 'number' && a.text === b.text) return 1;
  // Multivariate division by one polynomial (graded order): exact iff the remainder is 0.
  const lead = leadingTerm(b.terms);
  let rest: Dim = a;
  let quotient: Dim = 0;
  for (let step = 0; step < MAX_TERMS * 2; step++) {
    if (rest === 0) return quotient;
    const lt = leadingTerm(termsOf(rest));
    const t = divideMonomial(lt, lead);
    if (!t) return undefined;
    const tDim = make([t]);
    quotient = add(quotient, tDim);
    rest = sub(rest, mul(tDim, b));
  }
  return undefined;
}

function leadingTerm(terms: readonly Term[]): Term {
  let best = terms[0]!;
  for (const t of terms) if (compareMonomials(t, best) > 0) best = t;
  return best;
}

/** Graded lexicographic order on atom multisets (atoms ordered by text). */
function compareMonomials(a: Term, b: Term): number {
  if (a.atoms.length !== b.atoms.length) return a.atoms.length - b.atoms.length;
  for (let i = 0; i < a.atoms.length; i++) {
    const x = a.atoms[i]!.text;
    const y = b.atoms[i]!.text;
    if (x !== y) return x < y ? 1 : -1; // the smaller atom text ranks higher, at the first difference
  }
  return 0;
}

function divideMonomial(t: Term, by: Term): Term | undefined {
  if (t.coeff % by.coeff !== 0) return undefined;
  const left = [...t.atoms];
  for (const a of by.atoms) {
    const i = left.findIndex((x) => x.text === a.text);
    if (i < 0) return undefined;
    left.splice(i, 1);
  }
  return { key: left.map((a) => a.text).join('*'), atoms: left, coeff: t.coeff / by.coeff };
}

function minMaxAtom(kind: 'max' | 'min', a: Dim, b: Dim): Dim {
  const [x, y] = textOf(a) <= textOf(b) ? [a, b] : [b, a];
  const atom = internAtom({
    kind,
    text: `${kind}(${textOf(x)}, ${textOf(y)})`,
    args: [x, y],
    nonneg: kind === 'max' ? nonNegative(x) || nonNegative(y) : nonNegative(x) && nonNegative(y),
    fresh: isFresh(x) || isFresh(y),
  });
  return make([{ key: atom.text, atoms: [atom], coeff: 1 }]);
}

/** The atom when `d` is exactly one max / min atom. */
function soleAtom(d: Dim, kind: AtomKind): Atom | undefined {
  if (typeof d === 'number' || d.terms.length !== 1) return undefined;
  const t = d.terms[0]!;
  return t.coeff === 1 && t.atoms.length === 1 && t.atoms[0]!.kind === kind ? t.atoms[0] : undefined;
}

const hasArg = (atom: Atom | undefined, d: Dim): boolean => !!atom && (atom.args ?? []).some((x) => dimEquals(x, d));

export function max(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
  const d = sub(a, b);
  if (nonNegative(d)) return a;
  if (nonNegative(neg(d))) return b;
  // max(max(x, b), b) = max(x, b); max(min(x, b), b) = b
  if (hasArg(soleAtom(a, 'max'), b)) return a;
  if (hasArg(soleAtom(b, 'max'), a)) return b;
  if (hasArg(soleAtom(a, 'min'), b)) return b;
  if (hasArg(soleAtom(b, 'min'), a)) return a;
  return minMaxAtom('max', a, b);
}

export function min(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.min(a, b);
  const d = sub(a, b);
  if (nonNegative(d)) return b;
  if (nonNegative(neg(d))) return a;
  // min(min(x, b), b) = min(x, b); min(max(x, b), b) = b
  if (hasArg(soleAtom(a, 'min'), b)) return a;
  if (hasArg(soleAtom(b, 'min'), a)) return b;
  if (hasArg(soleAtom(a, 'max'), b)) return b;
  if (hasArg(soleAtom(b, 'max'), a)) return a;
  return minMaxAtom('min', a, b);
}

/** How many opaque atoms (floor, max, min) an expression holds, nested ones included. */
export function opaqueCount(d: Dim): number {
  if (typeof d === 'number') return 0;
  let n = 0;
  for (const t of d.terms) for (const a of t.atoms) if (a.kind !== 'sym') n += 1 + (a.args ?? []).reduce<number>((s, x) => s + opaqueCount(x), 0);
  return n;
}

/** Known to be ≥ 0 (every symbol is a dimension, so ≥ 0). */
export function nonNegative(d: Dim): boolean {
  if (typeof d === 'number') return d >= 0;
  let plain = true;
  for (const t of d.terms) {
    if (t.coeff < 0) plain = false;
    else for (const a of t.atoms) if (!a.nonneg) plain = false;
    if (!plain) break;
  }
  return plain || monotoneDifference(d);
}

/**
 * `f(x…) - f(y…)` ≥ 0 for a monotone atom f (min, max, floor by a number) when each x ≥ its y:
 * `min(32, p + s) - min(32, p)` (a Slice's clamped bounds), `floor((h + 1)/2) - floor(h/2)`.
 */
function monotoneDifference(d: Expr): boolean {
  if (d.terms.length !== 2) return false;
  const [t, u] = d.terms as [Term, Term];
  const [pos, negT] = t.coeff === 1 && u.coeff === -1 ? [t, u] : u.coeff === 1 && t.coeff === -1 ? [u, t] : [undefined, undefined];
  if (!pos || !negT || pos.atoms.length !== 1 || negT.atoms.length !== 1) return false;
  const a = pos.atoms[0]!;
  const b = negT.atoms[0]!;
  if (a.kind !== b.kind || a.kind === 'sym') return false;
  const [x1, y1] = a.args as [Dim, Dim];
  const [x2, y2] = b.args as [Dim, Dim];
  const ge = (p: Dim, q: Dim): boolean => dimEquals(p, q) || nonNegative(sub(p, q));
  if (a.kind === 'floor') return dimEquals(y1, y2) && typeof y1 === 'number' && y1 > 0 && ge(x1, x2);
  return (ge(x1, x2) && ge(y1, y2)) || (ge(x1, y2) && ge(y1, x2));
}

/** Sign when it can be proven: 1 (> 0), 0, -1 (< 0), undefined (unknown). */
export function sign(d: Dim): -1 | 0 | 1 | undefined {
  if (typeof d === 'number') return d > 0 ? 1 : d < 0 ? -1 : 0;
  if (nonNegative(sub(d, 1))) return 1;
  if (nonNegative(sub(neg(d), 1))) return -1;
  return undefined;
}

export function isFresh(d: Dim): boolean {
  return typeof d !== 'number' && d.fresh;
}

export function textOf(d: Dim): string {
  return typeof d === 'number' ? String(d) : d.text;
}

export function toSymDim(d: Dim): SymDim {
  return typeof d === 'number' ? d : d.text;
}

// ---------------------------------------------------------------------------------------------
// Substitution and evaluation

/** Replaces every symbol `lookup` knows by its value; simplifies. */
export function substitute(d: Dim, lookup: (name: string) => Dim | undefined): Dim {
  if (typeof d === 'number') return d;
  let out: Dim = 0;
  for (const t of d.terms) {
    let term: Dim = t.coeff;
    for (const a of t.atoms) term = mul(term, substituteAtom(a, lookup));
    out = add(out, term);
  }
  return out;
}

function substituteAtom(a: Atom, lookup: (name: string) => Dim | undefined): Dim {
  if (a.kind === 'sym') return lookup(a.name!) ?? sym(a.name!);
  const [x, y] = (a.args ?? []).map((arg) => substitute(arg, lookup)) as [Dim, Dim];
  if (a.kind === 'floor') return floorDiv(x, y);
  return a.kind === 'max' ? max(x, y) : min(x, y);
}

/** Whether any symbol appears. */
export function symbolsOf(d: Dim, into: Set<string> = new Set()): Set<string> {
  if (typeof d === 'number') return into;
  for (const t of d.terms) for (const a of t.atoms) atomSymbols(a, into);
  return into;
}

function atomSymbols(a: Atom, into: Set<string>): void {
  if (a.kind === 'sym') into.add(a.name!);
  else for (const arg of a.args ?? []) symbolsOf(arg, into);
}

// ---------------------------------------------------------------------------------------------
// Parsing

const PARSED = new Map<string, Dim>();
/** A value path (PyTorch names dims after values: `Squeeze/model/decoder/Squeeze_output_0_dim_0`), not a quotient. */
const PATH_NAME = /^\/?[A-Za-z_][A-Za-z0-9_.]*(\/[A-Za-z_][A-Za-z0-9_.]*)+$/;

/**
 * Reads a dim_param (optimum writes expressions such as `past_sequence_length + sequence_length`)
 * into its normal form. Accepts + - * / // % ( ), floor, ceil / ceiling, max / Max, min / Min,
 * mod; `/` is exact division when it divides, else floor. Names joined by `/` alone are a value
 * path, one symbol. Text that is not such an expression is one symbol named by the whole
 * (trimmed) text.
 */
export function parseDim(text: string): Dim {
  const have = PARSED.get(text);
  if (have !== undefined) return have;
  let d: Dim;
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '?') d = sym(UNKNOWN_PREFIX); // an empty dim_param (or '?') names nothing: unknown
  else if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(trimmed) || PATH_NAME.test(trimmed)) d = sym(trimmed);
  else if (/^-?\d+$/.test(trimmed)) d = Number(trimmed);
  else {
    try {
      d = new Parser(trimmed).parse();
    } catch {
      d = sym(trimmed);
    }
  }
  if (PARSED.size > INTERN_LIMIT) PARSED.clear();
  PARSED.set(text, d);
  return d;
}

class ParseError extends Error {}

/** A quotient not yet rounded: what `floor(…)` / `ceil(…)` round; anywhere else it is floored. */
interface Quot {
  readonly num: Dim;
  readonly den: Dim;
}
type Parsed = Dim | Quot;
const isQuot = (x: Parsed): x is Quot => typeof x === 'object' && !(x instanceof Expr);
const force = (x: Parsed): Dim => (isQuot(x) ? floorDiv(x.num, x.den) : x);

class Parser {
  private pos = 0;
  private readonly tokens: string[];
  constructor(text: string) {
    const re = /\s*(\/\/|[A-Za-z_][A-Za-z0-9_.]*|\d+|[-+*/%(),])/y;
    const tokens: string[] = [];
    let i = 0;
    while (i < text.length) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (!m) {
        if (/^\s*$/.test(text.slice(i))) break;
        throw new ParseError(text);
      }
      tokens.push(m[1]!);
      i = re.lastIndex;
    }
    if (tokens.length > 512) throw new ParseError('too long');
    this.tokens = tokens;
  }
  parse(): Dim {
    const d = force(this.sum(0));
    if (this.pos !== this.tokens.length) throw new ParseError('trailing');
    return d;
  }
  private peek(): string | undefined {
    return this.tokens[this.pos];
  }
  private next(): string {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new ParseError('end');
    return t;
  }
  private expect(t: string): void {
    if (this.next() !== t) throw new ParseError(`expected ${t}`);
  }
  private sum(depth: number): Parsed {
    if (depth > 64) throw new ParseError('deep');
    let d = this.productExpr(depth);
    for (;;) {
      const t = this.peek();
      if (t === '+') {
        this.pos++;
        d = add(force(d), force(this.productExpr(depth)));
      } else if (t === '-') {
        this.pos++;
        d = sub(force(d), force(this.productExpr(depth)));
      } else return d;
    }
  }
  private productExpr(depth: number): Parsed {
    let d = this.unary(depth);
    for (;;) {
      const t = this.peek();
      if (t === '*') {
        this.pos++;
        d = mul(force(d), force(this.unary(depth)));
      } else if (t === '/') {
        this.pos++;
        const a = force(d);
        const b = force(this.unary(depth));
        if (b === 0) throw new ParseError('division by zero');
        const exact = divideExact(a, b);
        d = exact !== undefined ? exact : { num: a, den: b };
      } else if (t === '//') {
        this.pos++;
        d = floorDiv(force(d), force(this.unary(depth)));
      } else if (t === '%') {
        this.pos++;
        d = mod(force(d), force(this.unary(depth)));
      } else return d;
    }
  }
  private unary(depth: number): Parsed {
    const t = this.peek();
    if (t === '-') {
      this.pos++;
      return neg(force(this.unary(depth)));
    }
    if (t === '+') {
      this.pos++;
      return this.unary(depth);
    }
    return this.atom(depth);
  }
  private atom(depth: number): Parsed {
    const t = this.next();
    if (t === '(') {
      const d = this.sum(depth + 1);
      this.expect(')');
      return d;
    }
    if (/^\d+$/.test(t)) return checkCoeff(Number(t));
    if (/^[A-Za-z_]/.test(t)) {
      if (this.peek() === '(') {
        this.pos++;
        const args = [this.sum(depth + 1)];
        while (this.peek() === ',') {
          this.pos++;
          args.push(this.sum(depth + 1));
        }
        this.expect(')');
        return call(t, args);
      }
      return sym(t);
    }
    throw new ParseError(`unexpected ${t}`);
  }
}

function call(name: string, args: Parsed[]): Dim {
  const f = name.toLowerCase();
  if (args.length === 1) {
    const x = args[0]!;
    if (f === 'floor') return force(x);
    if (f === 'ceil' || f === 'ceiling') return isQuot(x) ? ceilDiv(x.num, x.den) : x;
  }
  if (args.length === 2) {
    const a = force(args[0]!);
    const b = force(args[1]!);
    if (f === 'max') return max(a, b);
    if (f === 'min') return min(a, b);
    if (f === 'mod') return mod(a, b);
    if (f === 'floordiv') return floorDiv(a, b);
  }
  throw new ParseError(`unknown function ${name}`);
}

// ---------------------------------------------------------------------------------------------
// Public helpers

/** The canonical form of a dim_param: a number when it is constant, else the expression's text. */
export function parseDimExpression(text: string): SymDim {
  return toSymDim(parseDim(text));
}

/** Reads a public dim (number or expression text). */
export function fromSymDim(d: SymDim): Dim {
  return typeof d === 'number' ? d : parseDim(d);
}

/** A dim's value when every symbol in it is given (a value given for the whole text wins), else undefined. */
export function evaluateDim(dim: SymDim, values: Record<string, number>): number | undefined {
  if (typeof dim === 'number') return dim;
  if (Object.prototype.hasOwnProperty.call(values, dim) && typeof values[dim] === 'number') return values[dim];
  let d: Dim;
  try {
    d = substitute(parseDim(dim), (name) => (Object.prototype.hasOwnProperty.call(values, name) && typeof values[name] === 'number' ? values[name] : undefined));
  } catch {
    return undefined;
  }
  return typeof d === 'number' ? d : undefined;
}

/** Whether a dim holds a symbol made for a size the inference could not know (`unk__…`). */
export function isUnknownDim(dim: SymDim): boolean {
  return typeof dim === 'string' && isFresh(parseDim(dim));
}
