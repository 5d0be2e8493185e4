/**
 * Dim expressions: symbolic dims written as arithmetic on other dims, as exporters name them
 * (optimum: `past_sequence_length + sequence_length`; onnxruntime's symbolic shape inference:
 * `2*sequence_length`, `floor(x/2)`, `Max(a, b)`). One evaluator for every package: core resolves
 * input dims with it, the ONNX adapter's shape inference reads and writes the same text.
 *
 * Grammar: numbers; names (letters, digits, `_`, `.`, `:`; a name the caller knows is matched
 * whole first, so `p2o.DynamicDimension.1` or `batch-size` stay one name); `+ - * / // %`;
 * parentheses; `floor ceil min max abs` (any case, `CeilToInt` too). `/` is exact division, `//`
 * floor division. The value of a dim must be a non-negative integer.
 */

/** A parsed dim expression. */
export type DimExpression =
  | { kind: 'number'; value: number }
  | { kind: 'name'; name: string }
  | { kind: 'unary'; op: '-'; arg: DimExpression }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '//' | '%'; left: DimExpression; right: DimExpression }
  | { kind: 'call'; fn: 'floor' | 'ceil' | 'min' | 'max' | 'abs'; args: DimExpression[] };

const FUNCTIONS: Record<string, 'floor' | 'ceil' | 'min' | 'max' | 'abs'> = {
  floor: 'floor',
  ceil: 'ceil',
  ceiltoint: 'ceil',
  floortoint: 'floor',
  min: 'min',
  max: 'max',
  abs: 'abs',
};

type Token = { t: 'num'; v: number } | { t: 'name'; v: string } | { t: 'op'; v: string };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.:]/;

function tokenize(text: string, known: readonly string[]): Token[] | undefined {
  const tokens: Token[] = [];
  // Longest known names first, so that a name holding `-` or spaces is read whole.
  const names = [...known].filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const whole = names.find((n) => text.startsWith(n, i) && !NAME_CHAR.test(text[i + n.length] ?? ' '));
    if (whole !== undefined && (tokens.length === 0 || tokens[tokens.length - 1]?.t === 'op')) {
      tokens.push({ t: 'name', v: whole });
      i += whole.length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < text.length && /[0-9]/.test(text[j] as string)) j++;
      if (j < text.length && NAME_START.test(text[j] as string)) return undefined; // `2x`: not an expression
      tokens.push({ t: 'num', v: Number(text.slice(i, j)) });
      i = j;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i;
      while (j < text.length && NAME_CHAR.test(text[j] as string)) j++;
      tokens.push({ t: 'name', v: text.slice(i, j) });
      i = j;
      continue;
    }
    if (text.startsWith('//', i)) {
      tokens.push({ t: 'op', v: '//' });
      i += 2;
      continue;
    }
    if ('+-*/%(),'.includes(c)) {
      tokens.push({ t: 'op', v: c });
      i++;
      continue;
    }
    return undefined;
  }
  return tokens;
}

/**
 * Parses a dim's text into an expression; `undefined` when it is not one (then the text is just a
 * name). `known` names are read whole even when they hold characters of the grammar.
 */
export function parseDimExpression(text: string, known: readonly string[] = []): DimExpression | undefined {
  const tokens = tokenize(text, known);
  if (!tokens || tokens.length === 0) return undefined;
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const isOp = (v: string): boolean => {
    const t = peek();
    return t !== undefined && t.t === 'op' && t.v === v;
  };
  const fail = (): never => {
    throw new SyntaxError(text);
  };
  const primary = (): DimExpression => {
    const t = peek();
    if (!t) return fail();
    at++;
    if (t.t === 'num') return { kind: 'number', value: t.v };
    if (t.t === 'name') {
      const fn = FUNCTIONS[t.v.toLowerCase()];
      if (fn && isOp('(')) {
        at++;
        const args: DimExpression[] = [sum()];
        while (isOp(',')) {
          at++;
          args.push(sum());
        }
        if (!isOp(')')) fail();
        at++;
        if (fn === 'min' || fn === 'max' ? args.length < 2 : args.length !== 1) fail();
        return { kind: 'call', fn, args };
      }
      return { kind: 'name', name: t.v };
    }
    if (t.v === '(') {
      const e = sum();
      if (!isOp(')')) fail();
      at++;
      return e;
    }
    if (t.v === '-') return { kind: 'unary', op: '-', arg: primary() };
    if (t.v === '+') return primary();
    return fail();
  };
  const product = (): DimExpression => {
    let left = primary();
    for (;;) {
      const t = peek();
      if (t?.t !== 'op' || !['*', '/', '//', '%'].includes(t.v)) return left;
      at++;
      left = { kind: 'binary', op: t.v as '*' | '/' | '//' | '%', left, right: primary() };
    }
  };
  const sum = (): DimExpression => {
    let left = product();
    for (;;) {
      const t = peek();
      if (t?.t !== 'op' || (t.v !== '+' && t.v !== '-')) return left;
      at++;
      left = { kind: 'binary', op: t.v, left, right: product() };
    }
  };
  try {
    const e = sum();
    return at === tokens.length ? e : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** True when the text is arithmetic on names (not a single name or number). */
export function isDimExpression(text: string, known: readonly string[] = []): boolean {
  if (known.includes(text)) return false;
  const e = parseDimExpression(text, known);
  return e !== undefined && e.kind !== 'name';
}

/** The names a dim's text refers to, in order of first use (the text itself when it is one name). */
export function dimExpressionNames(text: string, known: readonly string[] = []): string[] {
  if (known.includes(text)) return [text];
  const e = parseDimExpression(text, known);
  if (!e) return [text];
  const out: string[] = [];
  const walk = (x: DimExpression): void => {
    if (x.kind === 'name') {
      if (!out.includes(x.name)) out.push(x.name);
    } else if (x.kind === 'unary') walk(x.arg);
    else if (x.kind === 'binary') {
      walk(x.left);
      walk(x.right);
    } else if (x.kind === 'call') x.args.forEach(walk);
  };
  walk(e);
  return out;
}

/** Evaluates a parsed expression; `undefined` when a name has no value or a step is not exact. */
export function evaluateParsedDim(e: DimExpression, values: Readonly<Record<string, number>>): number | undefined {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'name':
      return Object.prototype.hasOwnProperty.call(values, e.name) ? values[e.name] : undefined;
    case 'unary': {
      const v = evaluateParsedDim(e.arg, values);
      return v === undefined ? undefined : -v;
    }
    case 'binary': {
      const a = evaluateParsedDim(e.left, values);
      const b = evaluateParsedDim(e.right, values);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? undefined : a / b;
        case '//':
          return b === 0 ? undefined : Math.floor(a / b);
        case '%':
          return b === 0 ? undefined : a - b * Math.floor(a / b);
      }
      return undefined;
    }
    case 'call': {
      const args = e.args.map((x) => evaluateParsedDim(x, values));
      if (args.some((x) => x === undefined)) return undefined;
      const xs = args as number[];
      switch (e.fn) {
        case 'floor':
          return Math.floor(xs[0] as number);
        case 'ceil':
          return Math.ceil(xs[0] as number);
        case 'abs':
          return Math.abs(xs[0] as number);
        case 'min':
          return Math.min(...xs);
        case 'max':
          return Math.max(...xs);
      }
    }
  }
  return undefined;
}

/**
 * The value of a dim written as a name or an expression of names, from `values`; `undefined` when
 * a name it needs has no value, it is not an expression, or the result is not a non-negative
 * integer (`x/2` for an odd x: write `floor(x/2)`).
 */
export function evaluateDimExpression(text: string, values: Readonly<Record<string, number>>): number | undefined {
  if (Object.prototype.hasOwnProperty.call(values, text)) return values[text];
  const e = parseDimExpression(text, Object.keys(values));
  if (!e) return undefined;
  const v = evaluateParsedDim(e, values);
  return v !== undefined && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}
