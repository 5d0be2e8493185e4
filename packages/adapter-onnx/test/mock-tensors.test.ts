/** The mock feeds: deterministic values, checked against the sequence and the IEEE half format written out here. */
import { describe, expect, it } from 'vitest';
import { createMockTensors } from '../src/runtime.js';
import { ortNode } from './helpers.js';

/** The documented sequence: x₀ = 0x9e3779b9 ^ (seed · 0x85ebca6b), xₖ₊₁ = 1664525·xₖ + 1013904223 mod 2³², value = xₖ₊₁ / 2³² · 2 − 1. */
function expectedSequence(n: number, seed: number): number[] {
  const out: number[] = [];
  let x = BigInt((0x9e3779b9 ^ Number(BigInt.asIntN(32, BigInt(seed) * 0x85ebca6bn))) >>> 0);
  for (let i = 0; i < n; i++) {
    x = (x * 1664525n + 1013904223n) % 2n ** 32n;
    out.push((Number(x) / 2 ** 32) * 2 - 1);
  }
  return out;
}

/** A half's value from its bits (sign, 5-bit exponent, 10-bit mantissa). */
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

describe('createMockTensors', () => {
  const ort = ortNode;
  const make = (dtype: string, shape: number[], name = 'x', index = 0) =>
    createMockTensors(ort, [...Array.from({ length: index }, (_, k) => ({ name: `pad${k}`, dtype: 'int64', shape: [1] })), { name, dtype, shape }] as never).at(-1)!;

  it('float32 and float64: the sequence, per input position', () => {
    const want = expectedSequence(1000, 0);
    expect(Array.from(make('float64', [10, 100]).data as Float64Array)).toEqual(want);
    expect(Array.from(make('float32', [1000]).data as Float32Array)).toEqual(want.map(Math.fround));
    const second = Array.from(make('float64', [1000], 'y', 1).data as Float64Array);
    expect(second).toEqual(expectedSequence(1000, 1));
    expect(second).not.toEqual(want);
    for (const v of want) expect(v >= -1 && v < 1).toBe(true);
  });
  it('float16: the nearest halves below of the float32 values (subnormals flushed), 3M elements at once', () => {
    const n = 3 * 1024 * 1024; // an image input of 1×3×1024×1024
    const bits = make('float16', [1, 3, 1024, 1024]).data as Uint16Array;
    expect(bits.length).toBe(n);
    const want = expectedSequence(2000, 0);
    for (let i = 0; i < 2000; i++) {
      const f = Math.fround(want[i]!);
      const h = halfValue(bits[i]!);
      if (Math.abs(f) < 2 ** -14) expect(Math.abs(h), `#${i}`).toBe(0);
      else {
        expect(Math.sign(h), `#${i}`).toBe(Math.sign(f));
        expect(Math.abs(h) <= Math.abs(f) && Math.abs(f) - Math.abs(h) < Math.abs(f) * 2 ** -10, `#${i}: ${f} -> ${h}`).toBe(true);
      }
    }
  });
  it('integers 0 and bools false, masks 1 / true', () => {
    expect(Array.from(make('int64', [3]).data as BigInt64Array)).toEqual([0n, 0n, 0n]);
    expect(Array.from(make('int64', [2], 'attention_mask').data as BigInt64Array)).toEqual([1n, 1n]);
    expect(Array.from(make('int32', [2]).data as Int32Array)).toEqual([0, 0]);
    expect(Array.from(make('bool', [2]).data as Uint8Array)).toEqual([0, 0]);
    expect(Array.from(make('bool', [2], 'mask').data as Uint8Array)).toEqual([1, 1]);
  });
});
