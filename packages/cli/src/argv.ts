/**
 * A look at the raw arguments before the parser's: unknown options are usage errors with a "did
 * you mean" (a typo is the usual cause), and a negative number after an option that takes a value
 * is that option's value (`--depth -1`), so the option's own check can say what is wrong with it.
 */
import { usageError } from './io.js';

/** The options the parser knows, as typed: `--format`, `--no-color`, `-h`; the ones that take a value. */
export interface KnownOptions {
  names: readonly string[];
  valued: ReadonlySet<string>;
}

/** Options from cac-style declarations (`--format <format>`, `-h, --help`, `--no-color`). */
export function knownOptions(rawNames: readonly string[]): KnownOptions {
  const names: string[] = [];
  const valued = new Set<string>();
  for (const raw of rawNames) {
    const takesValue = /[<[]/.test(raw);
    for (const part of raw.replace(/\s*[<[].*$/, '').split(',')) {
      const name = part.trim();
      if (name === '') continue;
      names.push(name);
      if (takesValue) valued.add(name);
      // cac takes `--color` too for a declared `--no-color`.
      if (name.startsWith('--no-')) names.push(`--${name.slice(5)}`);
    }
  }
  return { names, valued };
}

/** Edit distance (insertions, deletions, substitutions, and swaps of neighbours count 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) d[0]![j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `name`, when it is close enough to be the one meant. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const distance = c.startsWith(name) && name.length >= 4 ? 1 : editDistance(name, c);
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  const core = name.replace(/^-+/, '');
  return bestDistance <= Math.max(1, Math.min(3, Math.floor(core.length / 3))) ? best : undefined;
}

const NUMBER = /^-\d/;

/**
 * Checks the options of `argv` (up to a lone `--`) against `known` and returns the arguments with
 * `--opt -N` joined as `--opt=-N`. Throws a usage error for an unknown option, with a suggestion.
 */
export function checkArguments(argv: readonly string[], known: KnownOptions): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.push(arg);
      continue;
    }
    const name = arg.split('=')[0]!;
    if (!known.names.includes(name)) {
      if (NUMBER.test(arg)) throw usageError(`${arg}: a negative number where a model file or an option was expected`);
      const guess = closest(name, known.names.filter((n) => n.startsWith('--') === name.startsWith('--')));
      throw usageError(`unknown option ${name}${guess ? `; did you mean ${guess}?` : ''} (run modelsummary --help)`);
    }
    const next = argv[i + 1];
    if (known.valued.has(name) && !arg.includes('=') && next !== undefined && NUMBER.test(next)) {
      out.push(`${name}=${next}`);
      i += 1;
      continue;
    }
    out.push(arg);
  }
  return out;
}
