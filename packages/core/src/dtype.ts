import type { DType, KnownDType } from './contract.js';
import { summaryError } from './errors.js';

/** Bits per element of every dtype core knows. */
const BITS_PER_ELEMENT: Record<KnownDType, number> = {
  float64: 64,
  float32: 32,
  float16: 16,
  bfloat16: 16,
  int64: 64,
  uint64: 64,
  int32: 32,
  uint32: 32,
  int16: 16,
  uint16: 16,
  int8: 8,
  uint8: 8,
  int4: 4,
  uint4: 4,
  float8e4m3fn: 8,
  float8e4m3fnuz: 8,
  float8e5m2: 8,
  float8e5m2fnuz: 8,
  bool: 8,
  complex64: 64,
  complex128: 128,
  string: 0,
};

/** Whether core knows the size of this dtype. */
export function isKnownDType(dtype: string): dtype is KnownDType {
  return Object.prototype.hasOwnProperty.call(BITS_PER_ELEMENT, dtype);
}

/** Bits per element; throws `UNKNOWN_DTYPE` for a dtype core does not know. */
export function dtypeBits(dtype: DType): number {
  if (!isKnownDType(dtype)) {
    throw summaryError('UNKNOWN_DTYPE', `unknown dtype "${dtype}" (known: ${Object.keys(BITS_PER_ELEMENT).join(', ')})`, {
      details: { dtype },
    });
  }
  return BITS_PER_ELEMENT[dtype];
}

/** Exact bytes of `elements` elements of `dtype` (sub-byte types round up to whole bytes). */
export function tensorBytes(elements: number, dtype: DType): number {
  return Math.ceil((elements * dtypeBits(dtype)) / 8);
}
