/**
 * The flags that say what to feed a model — `--input`, `--dim`, `--batch` — read from text. Core's
 * messages suggest these flags (`--dim sequence_length=N`), the CLI reads them from its command
 * line and the playground from its options field: one syntax, read here. Errors are
 * `INVALID_OPTION`, naming the flag.
 */
import type { InputOverride, InputValue } from './contract.js';
import { summaryError } from './errors.js';

/** What a line of flags gives a summary: `SummarizeOptions`' `inputs`, `dims` and `batchSize`. */
export interface InputFlags {
  inputs: InputOverride[];
  dims: Record<string, number>;
  batchSize?: number;
}

const invalid = (message: string) => summaryError('INVALID_OPTION', message);

/**
 * `--input name:dtype:d0xd1x...`, or `name:d0xd1x...` (dtype from the model). Dims are separated
 * by `x` or `,`; an empty shape (or `scalar`) is a scalar. The name may itself contain `:`
 * (`input:0`): the shape is the last field and the dtype the one before it. `=VALUE` fills every
 * element with a value: `sr=16000` (shape and dtype from the model), `sr:int64:scalar=16000`,
 * `use_cache_branch=true`.
 */
export function parseInputFlag(text: string): InputOverride {
  const eq = text.lastIndexOf('=');
  const spec = eq < 0 ? text : text.slice(0, eq);
  const valueText = eq < 0 ? undefined : text.slice(eq + 1).trim();
  const bad = (why: string) =>
    invalid(`--input "${text}": ${why}; expected name:dtype:d0xd1x... such as images:float32:1x3x224x224, or name=value such as sr=16000`);
  const value = valueText === undefined ? undefined : inputValue(valueText, bad);
  if (value !== undefined && !spec.includes(':')) {
    if (spec.trim().length === 0) throw bad('empty input name');
    return { name: spec.trim(), value };
  }
  const parts = spec.split(':');
  if (parts.length < 2) throw bad('missing ":" between the name and the shape');
  const shapeText = (parts.pop() as string).trim();
  let dtype: string | undefined;
  const last = parts[parts.length - 1] ?? '';
  if (parts.length >= 2 && /^[a-z][a-z0-9]*$/i.test(last)) dtype = (parts.pop() as string).toLowerCase();
  const name = parts.join(':');
  if (name.length === 0) throw bad('empty input name');
  const dims = shapeText === '' || shapeText === 'scalar' ? [] : shapeText.split(/[x×,]/i);
  const shape = dims.map((d) => {
    const t = d.trim();
    if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) throw bad(`dim "${d}" is not a non-negative integer`);
    return Number(t);
  });
  return { name, shape, ...(dtype === undefined ? {} : { dtype }), ...(value === undefined ? {} : { value }) };
}

/** The value of `--input name=VALUE`: `true` / `false`, an integer (a bigint past 2^53), or a number. */
function inputValue(text: string, bad: (why: string) => Error): InputValue {
  const t = text.toLowerCase();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^[-+]?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw bad(`value "${text}" is not a number, an integer or true / false`);
  return n;
}

/** `--dim name=value`: 0 allowed (a decoder's empty KV cache at its first step). */
export function parseDimFlag(text: string): [string, number] {
  const i = text.lastIndexOf('=');
  if (i <= 0) throw invalid(`--dim "${text}": expected name=value such as seq=128`);
  const name = text.slice(0, i).trim();
  const value = text.slice(i + 1).trim();
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw invalid(`--dim "${text}": the value must be a whole number (0 for an empty past, such as past_sequence_length=0)`);
  }
  return [name, Number(value)];
}

/** POSIX shell words of a line (single and double quotes, backslash escapes), as the suggested flags are written. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && /["\\$`]/.test(text[i + 1] ?? '')) word = (word ?? '') + text[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw invalid(`unclosed ${quote} quote in "${text}"`);
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * A line of `--input`, `--dim` and `--batch` flags (`--dim sequence_length=8 --input
 * use_cache_branch=true`, `--flag=value` too), as the tool's suggestions print them.
 */
export function parseInputFlags(text: string): InputFlags {
  const out: InputFlags = { inputs: [], dims: {} };
  const words = shellWords(text);
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const eq = word.indexOf('=');
    const flag = word.startsWith('--') && eq > 0 ? word.slice(0, eq) : word;
    const value = flag === word ? words[++i] : word.slice(eq + 1);
    if (flag !== '--input' && flag !== '--dim' && flag !== '--batch') {
      throw invalid(`"${word}": expected --input, --dim or --batch (such as --dim sequence_length=8 --input sr=16000)`);
    }
    if (value === undefined) throw invalid(`${flag} needs a value`);
    if (flag === '--input') out.inputs.push(parseInputFlag(value));
    else if (flag === '--dim') {
      const [name, n] = parseDimFlag(value);
      out.dims[name] = n;
    } else {
      if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw invalid(`--batch must be a positive integer, got "${value}"`);
      out.batchSize = Number(value);
    }
  }
  return out;
}
