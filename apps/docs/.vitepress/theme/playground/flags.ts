/**
 * The options field's helpers: the flags a failed summary's message suggests (`--dim
 * sequence_length=N`, `--input use_cache_branch=VALUE`), added to what the field holds, and where
 * the first value left to fill is. Pure: text in, text out. The field's text itself is read by
 * core's `parseInputFlags` (engine.ts `passOptionsOf`).
 */
import { shellWords } from '@modelsummary/core';

/** The words core writes for a value the user has to give. */
const PLACEHOLDER = /=(N|VALUE)$/;
/** A suggested flag as core writes it: a bare word, or one in single quotes (an echoed `"…"` is the user's own). */
const SUGGESTED = /--(dim|input)[ =]('(?:[^']|'\\'')*'|[^\s'"()]+)/g;

/** The flag and the name it sets (`dim:sequence_length`), or undefined for a word that is not one. */
function flagKey(flag: string, value: string): string | undefined {
  if (flag !== '--dim' && flag !== '--input') return undefined;
  const eq = value.lastIndexOf('=');
  const name = flag === '--input' && eq < 0 ? value.split(':')[0] : value.slice(0, Math.max(eq, 0));
  return name ? `${flag}:${name}` : undefined;
}

/**
 * The `--dim NAME=N` and `--input NAME=VALUE` flags a message suggests, shell-quoted as it writes
 * them, each once, in its order. Empty when it suggests none.
 */
export function suggestedFlags(message: string): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(SUGGESTED)) {
    const text = `--${m[1]} ${m[2]}`;
    let value: string | undefined;
    try {
      value = shellWords(m[2] as string)[0];
    } catch {
      continue;
    }
    if (value !== undefined && PLACEHOLDER.test(value) && !out.includes(text)) out.push(text);
  }
  return out;
}

/** The keys (`--dim:name`) of the flags a line of text gives; none when it does not split into words. */
function keysOf(text: string): Set<string> {
  let words: string[];
  try {
    words = shellWords(text);
  } catch {
    return new Set();
  }
  const keys = new Set<string>();
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const eq = word.indexOf('=');
    const inline = word.startsWith('--') && eq > 0;
    const key = inline ? flagKey(word.slice(0, eq), word.slice(eq + 1)) : flagKey(word, words[i + 1] ?? '');
    if (key) keys.add(key);
    if (!inline && key) i += 1;
  }
  return keys;
}

/** The field's text with the suggested flags added after it, less those for a name it already sets. */
export function withFlags(current: string, suggested: readonly string[]): string {
  const have = keysOf(current);
  const added = suggested.filter((flag) => {
    const key = [...keysOf(flag)][0];
    return key === undefined || !have.has(key);
  });
  return [current.trim(), ...added].filter((part) => part !== '').join(' ');
}

/** Where the first `N` / `VALUE` left to fill is in `text` (from `from` on): `[start, end]`. */
export function firstPlaceholder(text: string, from = 0): [number, number] | undefined {
  const m = /=(N|VALUE)(?=['"]?(\s|$))/.exec(text.slice(from));
  if (!m) return undefined;
  const start = from + m.index + 1;
  return [start, start + (m[1] as string).length];
}
