/**
 * The key-value cache of a decoder: `present.*` outputs (what the pass leaves for the next step)
 * and `past_key_values.*` inputs, as optimum / transformers.js name them. From shapes only, so it
 * works in static mode too.
 */
import { isConcreteShape, isKnownDType, tensorBytes, type Dim, type KVCacheEstimate, type Shape } from '@modelsummary/core';

const PRESENT = /^present([._]|$)/;
const PAST = /^past_key_values?([._]|$)|^past[._]/;

/** One cache tensor: its name, declared shape (symbolic dims tell the sequence axis), and what is known of it now. */
export interface CacheTensor {
  name: string;
  declared?: Shape;
  shape?: Shape;
  dtype?: string;
}

/** The axis holding the sequence: a symbolic dim named like one, else the other symbolic non-batch dim, else rank − 2. */
export function sequenceAxis(declared: Shape | undefined, rank: number): number {
  const named = (d: Dim): boolean => typeof d === 'string' && /seq|past|total|length|context|cache/i.test(d);
  if (declared && declared.length === rank) {
    const byName = declared.findIndex((d, i) => i > 0 && named(d));
    if (byName > 0) return byName;
    const symbolic = declared.map((d, i) => (i > 0 && typeof d !== 'number' ? i : -1)).filter((i) => i > 0);
    if (symbolic.length === 1) return symbolic[0] as number;
  }
  return Math.max(0, rank - 2);
}

/** Is this a model with a key-value cache: `present.*` outputs or `past_key_values.*` inputs. */
export function hasKVCache(inputs: readonly string[], outputs: readonly string[]): boolean {
  return outputs.some((o) => PRESENT.test(o)) || inputs.some((i) => PAST.test(i));
}

/**
 * The cache after the pass: Σ bytes of the `present.*` tensors at their sequence length (`tokens`),
 * and per token. Falls back on the `past_key_values.*` inputs when no present shape is known.
 * Undefined when the model has no cache or no shape is concrete.
 */
export function kvCacheEstimate(inputs: readonly CacheTensor[], outputs: readonly CacheTensor[]): KVCacheEstimate | undefined {
  const present = outputs.filter((o) => PRESENT.test(o.name));
  const past = inputs.filter((i) => PAST.test(i.name));
  return estimate(present) ?? estimate(past);
}

function estimate(tensors: readonly CacheTensor[]): KVCacheEstimate | undefined {
  if (tensors.length === 0) return undefined;
  let bytesPerToken = 0;
  let bytes = 0;
  let tokens = 0;
  for (const t of tensors) {
    if (!t.shape || !isConcreteShape(t.shape) || !t.dtype || !isKnownDType(t.dtype)) return undefined;
    const axis = sequenceAxis(t.declared, t.shape.length);
    const length = t.shape[axis] as number;
    const perToken = t.shape.reduce((a, d, i) => (i === axis ? a : a * d), 1);
    bytesPerToken += tensorBytes(perToken, t.dtype);
    bytes += tensorBytes(perToken * length, t.dtype);
    tokens = Math.max(tokens, length);
  }
  return { bytesPerToken, bytes, tokens };
}
