/**
 * Data propagation: the values of small tensors (shape tensors, axes, scales, scalar flags) as
 * flat arrays of dims, read from initializers and Constant nodes and carried through the ops
 * that compute shapes (Shape → Gather → Unsqueeze → Concat → Reshape, Range, arithmetic, ...).
 * An element is a number or a symbolic dim (the value of `Shape(x)` holds x's dims).
 */
import { dtypeName, int64, type AttributeProto, type TensorProto } from '../proto.js';
import { product, type Dim } from './dims.js';

/** Most elements a propagated value holds (bigger tensors are never shape tensors). */
export const MAX_VALUE_ELEMENTS = 1024;

/** What the inference knows about one value. */
export interface Val {
  shape?: Dim[];
  dtype?: string;
  /** The elements, flattened row-major, when known. */
  value?: Dim[];
  /** An initializer or Constant tensor whose value is decoded on first use. */
  tensor?: TensorProto;
  /** A sequence (SequenceConstruct, SplitToSequence, ...): what its elements have in common. */
  sequence?: { element: Val; length?: Dim; items?: Val[] };
}

const INT_TYPES = new Set(['int64', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'uint32', 'uint64', 'bool']);
export const isIntType = (dtype: string | undefined): boolean => dtype !== undefined && INT_TYPES.has(dtype);
export const isFloatType = (dtype: string | undefined): boolean =>
  dtype === 'float32' || dtype === 'float16' || dtype === 'float64' || dtype === 'bfloat16';

/** Element count of a shape when concrete. */
export function concreteSize(shape: readonly Dim[] | undefined): number | undefined {
  if (!shape) return undefined;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || d < 0) return undefined;
    n *= d;
  }
  return n;
}

export const sizeOf = (shape: readonly Dim[]): Dim => product(shape);

/** The value of `v`, decoding its tensor on first use. */
export function valueOf(v: Val | undefined): Dim[] | undefined {
  if (!v) return undefined;
  if (v.value) return v.value;
  if (v.tensor) {
    const t = v.tensor;
    v.tensor = undefined;
    const decoded = decodeTensor(t);
    if (decoded) v.value = decoded;
  }
  return v.value;
}

/** A Val for a TensorProto (shape and dtype now, value on first use). */
export function tensorVal(t: TensorProto): Val {
  const dims: number[] = [];
  for (const d of t.dims ?? []) {
    const n = int64(d);
    if (n === undefined || n < 0) return { dtype: dtypeName(t.dataType) };
    dims.push(n);
  }
  const val: Val = { shape: dims, dtype: dtypeName(t.dataType) };
  const n = concreteSize(dims);
  if (n !== undefined && n <= MAX_VALUE_ELEMENTS && t.dataLocation !== 1) val.tensor = t;
  return val;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const bf16ToFloat = (h: number): number => {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, (h & 0xffff) << 16, true);
  return buf.getFloat32(0, true);
};

/** Decodes a small tensor's elements as numbers; undefined when too big, external, or not numeric. */
export function decodeTensor(t: TensorProto): Dim[] | undefined {
  if (t.dataLocation === 1) return undefined;
  let count = 1;
  for (const d of t.dims ?? []) {
    const n = int64(d);
    if (n === undefined || n < 0) return undefined;
    count *= n;
  }
  if (count > MAX_VALUE_ELEMENTS) return undefined;
  const type = t.dataType ?? 0;
  const raw = t.rawData && t.rawData.byteLength > 0 ? t.rawData : undefined;
  const out: number[] = [];
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
    const w = width[type];
    if (w === undefined || raw.byteLength < count * w) return undefined;
    for (let i = 0; i < count; i++) {
      const o = i * w;
      switch (type) {
        case 1: out.push(view.getFloat32(o, true)); break;
        case 2: out.push(view.getUint8(o)); break;
        case 3: out.push(view.getInt8(o)); break;
        case 4: out.push(view.getUint16(o, true)); break;
        case 5: out.push(view.getInt16(o, true)); break;
        case 6: out.push(view.getInt32(o, true)); break;
        case 7: {
          const v = view.getBigInt64(o, true);
          out.push(clampBig(v));
          break;
        }
        case 9: out.push(view.getUint8(o) ? 1 : 0); break;
        case 10: out.push(halfToFloat(view.getUint16(o, true))); break;
        case 11: out.push(view.getFloat64(o, true)); break;
        case 12: out.push(view.getUint32(o, true)); break;
        case 13: out.push(clampBig(view.getBigUint64(o, true))); break;
        case 16: out.push(bf16ToFloat(view.getUint16(o, true))); break;
      }
    }
    return out;
  }
  let src: ArrayLike<unknown> | undefined;
  let conv: (x: unknown) => number = (x) => Number(x);
  switch (type) {
    case 1:
      src = t.floatData ?? undefined;
      break;
    case 7:
    case 13:
      src = (type === 7 ? t.int64Data : t.uint64Data) ?? undefined;
      conv = (x) => int64Clamped(x);
      break;
    case 11:
      src = t.doubleData ?? undefined;
      break;
    case 10:
      src = t.int32Data ?? undefined;
      conv = (x) => halfToFloat(Number(x));
      break;
    case 16:
      src = t.int32Data ?? undefined;
      conv = (x) => bf16ToFloat(Number(x));
      break;
    case 2: case 3: case 4: case 5: case 6: case 9: case 12:
      src = (type === 12 ? t.uint64Data : t.int32Data) ?? undefined;
      conv = type === 9 ? (x) => (Number(x) ? 1 : 0) : (x) => int64Clamped(x);
      break;
    default:
      return undefined;
  }
  if (!src) return count === 0 ? [] : undefined;
  if (src.length < count) return undefined;
  for (let i = 0; i < count; i++) out.push(conv(src[i]));
  return out;
}

/** int64 values beyond the safe range (INT64_MAX as "to the end") become ±2^53. */
function clampBig(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}

function int64Clamped(x: unknown): number {
  if (typeof x === 'number') return x;
  const n = int64(x as Parameters<typeof int64>[0]);
  if (n !== undefined) return n;
  const s = String(x);
  return s.startsWith('-') ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
}

/** The Val of a Constant node's value attribute (value, value_float(s), value_int(s), sparse_value). */
export function constantVal(attrs: readonly AttributeProto[]): Val | undefined {
  for (const a of attrs) {
    switch (a.name) {
      case 'value':
        return a.t ? tensorVal(a.t) : undefined;
      case 'sparse_value': {
        const dims = (a.sparseTensor?.dims ?? []).map((d) => int64(d));
        if (dims.some((d) => d === undefined || d < 0)) return undefined;
        return { shape: dims as number[], dtype: dtypeName(a.sparseTensor?.values?.dataType) };
      }
      case 'value_float':
        return { shape: [], dtype: 'float32', value: [a.f ?? 0] };
      case 'value_floats': {
        const fs = a.floats ?? [];
        return { shape: [fs.length], dtype: 'float32', value: fs.length <= MAX_VALUE_ELEMENTS ? Array.from(fs) : undefined };
      }
      case 'value_int':
        return { shape: [], dtype: 'int64', value: [int64Clamped(a.i)] };
      case 'value_ints': {
        const is = a.ints ?? [];
        return { shape: [is.length], dtype: 'int64', value: is.length <= MAX_VALUE_ELEMENTS ? Array.from(is, int64Clamped) : undefined };
      }
      case 'value_string':
        return { shape: [], dtype: 'string' };
      case 'value_strings':
        return { shape: [(a.strings ?? []).length], dtype: 'string' };
    }
  }
  return undefined;
}

/**
 * Index mapping for broadcasting: for each element of `out`, the flat index into a tensor of
 * shape `inShape` (right-aligned numpy broadcasting). Concrete shapes only.
 */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): number[] {
  const total = outShape.reduce((a, b) => a * b, 1);
  const r = outShape.length;
  const off = r - inShape.length;
  const strides: number[] = new Array(r).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    strides[i + off] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i]!;
  }
  const out: number[] = new Array(total);
  const idx: number[] = new Array(r).fill(0);
  for (let k = 0; k < total; k++) {
    let flat = 0;
    for (let i = 0; i < r; i++) flat += idx[i]! * strides[i]!;
    out[k] = flat;
    for (let i = r - 1; i >= 0; i--) {
      idx[i]!++;
      if (idx[i]! < outShape[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** Elements of a tensor (flat, row-major) picked by a per-axis index map: out[i…] = v[map0(i0), map1(i1), …]. */
export function gatherAxes<T>(v: readonly T[], shape: readonly number[], outShape: readonly number[], index: (axis: number, i: number) => number): T[] | undefined {
  const r = shape.length;
  const total = outShape.reduce((a, b) => a * b, 1);
  if (total > MAX_VALUE_ELEMENTS) return undefined;
  const strides: number[] = new Array(r).fill(1);
  for (let a = r - 2; a >= 0; a--) strides[a] = strides[a + 1]! * shape[a + 1]!;
  const out: T[] = [];
  const idx: number[] = new Array(r).fill(0);
  for (let k = 0; k < total; k++) {
    let flat = 0;
    for (let a = 0; a < r; a++) {
      const j = index(a, idx[a]!);
      if (j < 0 || j >= shape[a]!) return undefined;
      flat += j * strides[a]!;
    }
    const x = v[flat];
    if (x === undefined) return undefined;
    out.push(x);
    for (let a = r - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < outShape[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}
