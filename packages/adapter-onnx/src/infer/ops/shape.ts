/**
 * Shape computation and data movement: Shape, Size, Reshape, Flatten, (Un)squeeze, Transpose,
 * Concat, Split, Slice, Gather*, Scatter*, Expand, Tile, Pad, Range, ConstantOfShape, Constant,
 * NonZero, TopK, Unique, OneHot, Resize, Depth/SpaceToDepth, Einsum, ... Values of small tensors
 * (shape tensors) propagate through the ones that move data.
 */
import {
  add,
  ceilDiv,
  divideExact,
  floorDiv,
  isFresh,
  max,
  mul,
  nonNegative,
  product,
  sign,
  sub,
  type Dim,
} from '../dims.js';
import { axisOf, broadcast, clampDim, fail, like, MAX_RANK, numbers, scalarOf, sumDims, type Ctx, type Rule, type RuleTable, type Val } from '../context.js';
import { broadcastIndex, concreteSize, constantVal, decodeTensor, gatherAxes, MAX_VALUE_ELEMENTS, tensorVal } from '../values.js';
import { dtypeOfCode } from './elementwise.js';

/** Int64 bounds used as "to the end" (INT32_MAX too, as onnxruntime's symbolic inference). */
const HUGE = 2 ** 31 - 1;

const intList = (c: Ctx, i: number): number[] | undefined => (c.has(i) ? numbers(c.value(i)) : undefined);

/** Axes from an attribute (older opsets) or an input (newer). */
function axesOf(c: Ctx, input: number, inputSince: number, attr = 'axes'): number[] | undefined {
  if (c.opset >= inputSince) return c.has(input) ? intList(c, input) : undefined;
  return c.ints(attr);
}

/** Whether the axes come from an input whose value is unknown. */
const axesUnknown = (c: Ctx, input: number, inputSince: number): boolean => c.opset >= inputSince && c.has(input) && !intList(c, input);

/** A shape of `rank` unknown dims (fresh symbols), when only the rank is known. */
const freshShape = (c: Ctx, out: number, rank: number): Dim[] => {
  if (!(rank >= 0 && rank <= MAX_RANK)) fail(`rank ${rank}`);
  return Array.from({ length: rank }, (_, a) => c.fresh(out, a));
};

/** Rank given by a 1-D shape input whose value is unknown. */
function rankFromShapeInput(c: Ctx, i: number): number | undefined {
  const s = c.shape(i);
  return s && s.length === 1 && typeof s[0] === 'number' && s[0] <= MAX_RANK ? s[0] : undefined;
}

// ---------------------------------------------------------------------------------------------

const shapeRule: Rule = (c) => {
  const s = c.shape(0);
  if (!s) return { dtype: 'int64' };
  const r = s.length;
  let start = c.int('start', 0);
  let end = c.intOr('end') ?? r;
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = Math.min(Math.max(start, 0), r);
  end = Math.min(Math.max(end, 0), r);
  const dims = s.slice(start, Math.max(start, end));
  return { shape: [dims.length], dtype: 'int64', value: dims };
};

const sizeRule: Rule = (c) => {
  const s = c.shape(0);
  return { shape: [], dtype: 'int64', value: s ? [product(s)] : undefined };
};

function reshapeDims(input: Dim[] | undefined, target: Dim[], allowzero: boolean): Dim[] {
  const out: Dim[] = [];
  let minus = -1;
  for (let i = 0; i < target.length; i++) {
    const t = target[i]!;
    if (t === -1) {
      if (minus >= 0) fail('two -1 in Reshape');
      minus = i;
      out.push(0);
    } else if (t === 0 && !allowzero) {
      const d = input?.[i];
      if (d === undefined) fail('Reshape copies a dim the input lacks');
      out.push(d);
    } else {
      if (typeof t === 'number' && t < 0) fail(`negative dim ${t} in Reshape`);
      out.push(t);
    }
  }
  if (minus >= 0) {
    if (!input) fail('Reshape -1 needs the input shape');
    const total = product(input);
    const known = product(out.filter((_, i) => i !== minus));
    out[minus] = known === 0 ? 0 : (divideExact(total, known) ?? floorDiv(total, known));
  }
  return out;
}

const reshape: Rule = (c) => {
  const target = c.value(1);
  const out: Val = { dtype: c.dtype(0) };
  if (target) out.shape = reshapeDims(c.shape(0), target, c.int('allowzero', 0) === 1);
  else {
    const rank = rankFromShapeInput(c, 1);
    if (rank !== undefined) out.shape = freshShape(c, 0, rank);
  }
  const v = c.value(0);
  if (v && out.shape && concreteSize(out.shape) === v.length) out.value = v;
  return out;
};

const flatten: Rule = (c) => {
  const s = c.shape(0);
  if (!s) return { dtype: c.dtype(0) };
  const axis = c.int('axis', 1);
  const a = axis < 0 ? axis + s.length : axis;
  if (a < 0 || a > s.length) fail('Flatten axis');
  return { shape: [product(s.slice(0, a)), product(s.slice(a))], dtype: c.dtype(0), value: c.value(0) };
};

const unsqueeze: Rule = (c) => {
  const s = c.shape(0);
  const axes = axesOf(c, 1, 13);
  if (!s || !axes) {
    if (s && c.opset >= 13 && c.has(1)) {
      const n = rankFromShapeInput(c, 1);
      if (n !== undefined) return { shape: freshShape(c, 0, s.length + n), dtype: c.dtype(0) };
    }
    return { dtype: c.dtype(0) };
  }
  const r = s.length + axes.length;
  const norm = new Set(axes.map((a) => axisOf(a, r)));
  if (norm.size !== axes.length) fail('repeated Unsqueeze axis');
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(norm.has(i) ? 1 : s[k++]!);
  return { shape: out, dtype: c.dtype(0), value: c.value(0) };
};

const squeeze: Rule = (c) => {
  const s = c.shape(0);
  if (!s || axesUnknown(c, 1, 13)) return { dtype: c.dtype(0) };
  const axes = axesOf(c, 1, 13);
  let out: Dim[];
  if (!axes || axes.length === 0) out = s.filter((d) => d !== 1);
  else {
    const drop = new Set(axes.map((a) => axisOf(a, s.length)));
    for (const a of drop) if (typeof s[a] === 'number' && s[a] !== 1) fail(`Squeeze of dim ${String(s[a])}`);
    out = s.filter((_, i) => !drop.has(i));
  }
  return { shape: out, dtype: c.dtype(0), value: c.value(0) };
};

const transpose: Rule = (c) => {
  const s = c.shape(0);
  if (!s) return { dtype: c.dtype(0) };
  const perm = c.ints('perm') ?? s.map((_, i) => s.length - 1 - i);
  if (perm.length !== s.length) fail('Transpose perm rank');
  const axes = perm.map((p) => axisOf(p, s.length));
  if (new Set(axes).size !== axes.length) fail('Transpose perm repeats an axis');
  const out: Val = { shape: axes.map((p) => s[p]!), dtype: c.dtype(0) };
  const v = c.value(0);
  if (v && s.length <= 1) out.value = v;
  else if (v && s.every((d) => typeof d === 'number')) {
    // out[i…] = in[j…] with j[axes[a]] = i[a]
    const inShape = s as number[];
    const strides: number[] = new Array(inShape.length).fill(1);
    for (let a = inShape.length - 2; a >= 0; a--) strides[a] = strides[a + 1]! * inShape[a + 1]!;
    const outShape = out.shape as number[];
    const total = outShape.reduce((x, y) => x * y, 1);
    if (total === v.length) {
      const vals: Dim[] = [];
      const idx: number[] = new Array(outShape.length).fill(0);
      for (let k = 0; k < total; k++) {
        let flat = 0;
        for (let a = 0; a < idx.length; a++) flat += idx[a]! * strides[axes[a]!]!;
        vals.push(v[flat]!);
        for (let a = idx.length - 1; a >= 0; a--) {
          idx[a]!++;
          if (idx[a]! < outShape[a]!) break;
          idx[a] = 0;
        }
      }
      out.value = vals;
    }
  }
  return out;
};

const concat: Rule = (c) => {
  const shapes: (Dim[] | undefined)[] = [];
  for (let i = 0; i < c.inputCount; i++) if (c.has(i)) shapes.push(c.shape(i));
  const dtype = c.dtype(0);
  const known = shapes.filter((s): s is Dim[] => s !== undefined);
  if (known.length === 0) return { dtype };
  const rank = known[0]!.length;
  const axis = axisOf(c.int('axis', 0), Math.max(rank, 1));
  const out: Val = { dtype };
  if (known.length === shapes.length) {
    const shape = known[0]!.slice();
    for (let a = 0; a < rank; a++) {
      if (a === axis) continue;
      // The first dim that is known (a number, else a non-fresh symbol) stands for all of them.
      let best = shape[a]!;
      for (const s of known) {
        const d = s[a];
        if (d === undefined) continue;
        if (typeof d === 'number' || (isFresh(best) && !isFresh(d))) {
          best = d;
          if (typeof d === 'number') break;
        }
      }
      shape[a] = best;
    }
    shape[axis] = sumDims(known.map((s) => s[axis] ?? 0));
    out.shape = shape;
    // Values: concatenation along the first axis is the concatenation of the flat values.
    if (axis === 0) {
      const vals: Dim[] = [];
      let ok = true;
      for (let i = 0; i < c.inputCount && ok; i++) {
        if (!c.has(i)) continue;
        const v = c.value(i);
        const n = concreteSize(c.shape(i));
        if (!v || n === undefined || v.length !== n) ok = false;
        else vals.push(...v);
      }
      if (ok && vals.length <= MAX_VALUE_ELEMENTS) out.value = vals;
    }
  } else {
    // Some input unknown: only the rank and the other axes are known.
    const shape = known[0]!.slice();
    shape[axis] = c.fresh(0, axis);
    out.shape = shape;
  }
  return out;
};

const split: Rule = (c) => {
  const s = c.shape(0);
  const n = c.outputCount;
  const dtype = c.dtype(0);
  if (!s) return Array.from({ length: n }, () => ({ dtype }));
  const axis = axisOf(c.int('axis', 0), s.length);
  const d = s[axis]!;
  let sizes: Dim[] | undefined;
  if (c.opset >= 13) sizes = c.has(1) ? c.value(1) : undefined;
  else sizes = c.ints('split');
  if (c.opset >= 13 && c.has(1) && !sizes) {
    return Array.from({ length: n }, (_, o) => ({ shape: s.map((x, a) => (a === axis ? c.fresh(o, a) : x)), dtype }));
  }
  if (!sizes || sizes.length === 0) {
    const parts = c.opset >= 18 ? c.int('num_outputs', n) : n;
    if (parts <= 0 || parts > MAX_VALUE_ELEMENTS) fail(`Split into ${parts} parts`);
    if (c.opset >= 18 && c.intOr('num_outputs') !== undefined) {
      const chunk = ceilDiv(d, parts);
      sizes = Array.from({ length: parts }, (_, i) => (i < parts - 1 ? chunk : sub(d, mul(chunk, parts - 1))));
    } else {
      const each = divideExact(d, parts) ?? floorDiv(d, parts);
      sizes = new Array(parts).fill(each);
    }
  }
  const value = s.length === 1 ? c.value(0) : undefined;
  let offset = 0;
  return sizes.slice(0, n).map((size) => {
    const out: Val = { shape: s.map((x, a) => (a === axis ? size : x)), dtype };
    if (value && typeof size === 'number') {
      out.value = value.slice(offset, offset + size);
      offset += size;
    } else offset = NaN;
    return out;
  });
};

/** One axis of a Slice: the output length, and the numeric start when it is one (for values). */
function sliceAxis(d: Dim, start: Dim, end: Dim, step: number): { len: Dim; start?: number } {
  if (step === 0) fail('Slice step 0');
  const norm = (x: Dim): Dim => {
    if (typeof x === 'number') return x < 0 ? add(x, d) : x;
    const sg = sign(x);
    if (sg === undefined) {
      if (nonNegative(x)) return x;
      fail('Slice index of unknown sign');
    }
    return sg < 0 ? add(x, d) : x;
  };
  if (step > 0) {
    const s = typeof start === 'number' && start <= -HUGE ? 0 : typeof start === 'number' && start >= HUGE ? d : clampDim(norm(start), 0, d);
    const e = typeof end === 'number' && end >= HUGE ? d : typeof end === 'number' && end <= -HUGE ? 0 : clampDim(norm(end), 0, d);
    const len = max(0, ceilDiv(sub(e, s), step));
    return { len, start: typeof s === 'number' ? s : undefined };
  }
  const last = sub(d, 1);
  const s = typeof start === 'number' && start >= HUGE ? last : typeof start === 'number' && start <= -HUGE ? -1 : clampDim(norm(start), 0, last);
  const e = typeof end === 'number' && end <= -HUGE ? -1 : typeof end === 'number' && end >= HUGE ? last : clampDim(norm(end), -1, last);
  const len = max(0, ceilDiv(sub(s, e), -step));
  return { len, start: typeof s === 'number' ? s : undefined };
}

const slice: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s) return { dtype };
  let starts: Dim[] | undefined;
  let ends: Dim[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (c.opset >= 10) {
    starts = c.value(1);
    ends = c.value(2);
    axes = c.has(3) ? intList(c, 3) : undefined;
    steps = c.has(4) ? intList(c, 4) : undefined;
    if ((c.has(3) && !axes) || (c.has(4) && !steps)) return { shape: freshShape(c, 0, s.length), dtype };
  } else {
    starts = c.ints('starts');
    ends = c.ints('ends');
    axes = c.ints('axes');
  }
  if (!starts || !ends) {
    // Unknown bounds: the axes sliced get fresh dims, the others keep theirs.
    if (axes) {
      const cut = new Set(axes.map((a) => axisOf(a, s.length)));
      return { shape: s.map((d, a) => (cut.has(a) ? c.fresh(0, a) : d)), dtype };
    }
    const n = c.opset >= 10 ? rankFromShapeInput(c, 1) : undefined;
    if (n !== undefined && n === s.length) return { shape: freshShape(c, 0, s.length), dtype };
    if (n !== undefined) return { shape: s.map((d, a) => (a < n ? c.fresh(0, a) : d)), dtype };
    return { dtype };
  }
  if (starts.length !== ends.length) fail('Slice starts/ends');
  const ax = axes ?? starts.map((_, i) => i);
  const out = s.slice();
  const starts1: (number | undefined)[] = new Array(s.length).fill(0);
  const stepsAt: number[] = new Array(s.length).fill(1);
  ax.forEach((a0, i) => {
    const a = axisOf(a0, s.length);
    const step = steps?.[i] ?? 1;
    const r = sliceAxis(s[a]!, starts![i]!, ends![i]!, step);
    out[a] = r.len;
    starts1[a] = r.start;
    stepsAt[a] = step;
  });
  const result: Val = { shape: out, dtype };
  const v = c.value(0);
  if (v && s.every((d) => typeof d === 'number') && out.every((d) => typeof d === 'number') && starts1.every((x) => x !== undefined)) {
    const vals = gatherAxes(v, s as number[], out as number[], (a, i) => starts1[a]! + i * stepsAt[a]!);
    if (vals) result.value = vals;
  }
  return result;
};

const gather: Rule = (c) => {
  const s = c.shape(0);
  const idx = c.shape(1);
  const dtype = c.dtype(0);
  if (!s || !idx) return { dtype };
  const axis = axisOf(c.int('axis', 0), s.length);
  const shape = [...s.slice(0, axis), ...idx, ...s.slice(axis + 1)];
  const out: Val = { shape, dtype };
  const data = c.value(0);
  const indices = numbers(c.value(1));
  const dataShape = s.every((d) => typeof d === 'number') ? (s as number[]) : undefined;
  if (data && indices && dataShape && concreteSize(shape) !== undefined && concreteSize(shape)! <= MAX_VALUE_ELEMENTS) {
    const outer = dataShape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = dataShape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const n = dataShape[axis]!;
    const vals: Dim[] = [];
    for (let o = 0; o < outer; o++) {
      for (let j of indices) {
        if (j < 0) j += n;
        if (j < 0 || j >= n) return out;
        for (let k = 0; k < inner; k++) vals.push(data[(o * n + j) * inner + k]!);
      }
    }
    out.value = vals;
  }
  return out;
};

const gatherND: Rule = (c) => {
  const s = c.shape(0);
  const idx = c.shape(1);
  const dtype = c.dtype(0);
  if (!s || !idx || idx.length === 0) return { dtype };
  const k = idx[idx.length - 1];
  if (typeof k !== 'number') return { dtype };
  const b = c.int('batch_dims', 0);
  return { shape: [...idx.slice(0, -1), ...s.slice(b + k)], dtype };
};

const expand: Rule = (c) => {
  const s = c.shape(0);
  const target = c.value(1);
  const dtype = c.dtype(0);
  if (!s) return { dtype };
  if (!target) {
    const n = rankFromShapeInput(c, 1);
    if (n === undefined) return { dtype };
    const r = Math.max(n, s.length);
    return {
      shape: Array.from({ length: r }, (_, a) => {
        const d = s[a - (r - s.length)];
        return typeof d === 'number' && d !== 1 ? d : c.fresh(0, a);
      }),
      dtype,
    };
  }
  const shape = broadcast([s, target]);
  const out: Val = { shape, dtype };
  const v = c.value(0);
  const n = concreteSize(shape);
  if (v && n !== undefined && n <= MAX_VALUE_ELEMENTS && s.every((d) => typeof d === 'number')) {
    out.value = broadcastIndex(s as number[], shape as number[]).map((i) => v[i]!);
  }
  return out;
};

const tile: Rule = (c) => {
  const s = c.shape(0);
  const reps = c.value(1);
  const dtype = c.dtype(0);
  if (!s) return { dtype };
  if (!reps) return { shape: s.map((d, a) => (d === 0 ? 0 : c.fresh(0, a))), dtype };
  if (reps.length !== s.length) fail('Tile repeats');
  const out: Val = { shape: s.map((d, a) => mul(d, reps[a]!)), dtype };
  const v = c.value(0);
  if (v && s.length === 1 && typeof reps[0] === 'number' && v.length * reps[0] <= MAX_VALUE_ELEMENTS) {
    out.value = Array.from({ length: reps[0] }, () => v).flat();
  }
  return out;
};

const pad: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s) return { dtype };
  const pads = c.opset >= 11 ? c.value(1) : (c.ints('pads') ?? c.ints('paddings'));
  if (!pads) return { shape: freshShape(c, 0, s.length), dtype };
  const axes = c.opset >= 18 && c.has(3) ? intList(c, 3) : undefined;
  if (c.opset >= 18 && c.has(3) && !axes) return { shape: freshShape(c, 0, s.length), dtype };
  const ax = (axes ?? s.map((_, i) => i)).map((a) => axisOf(a, s.length));
  if (pads.length !== 2 * ax.length) fail('Pad pads length');
  const out = s.slice();
  ax.forEach((a, i) => {
    out[a] = add(add(out[a]!, pads[i]!), pads[i + ax.length]!);
  });
  return { shape: out, dtype };
};

const constantOfShape: Rule = (c) => {
  const t = c.tensor('value');
  const fill = t ? decodeTensor(t) : [0];
  const dtype = t ? (tensorVal(t).dtype ?? 'float32') : 'float32';
  const shape = c.value(0);
  if (!shape) {
    const n = rankFromShapeInput(c, 0);
    return { shape: n === undefined ? undefined : freshShape(c, 0, n), dtype };
  }
  for (const d of shape) if (typeof d === 'number' && d < 0) fail('negative dim in ConstantOfShape');
  const out: Val = { shape, dtype };
  const n = concreteSize(shape);
  if (n !== undefined && n <= MAX_VALUE_ELEMENTS && fill && fill.length >= 1) out.value = new Array(n).fill(fill[0]);
  return out;
};

const range: Rule = (c) => {
  const dtype = c.dtype(0);
  const start = scalarOf(c.input(0));
  const limit = scalarOf(c.input(1));
  const delta = scalarOf(c.input(2));
  if (start === undefined || limit === undefined || delta === undefined) return { shape: [c.fresh(0, 0)], dtype };
  if (typeof start === 'number' && typeof limit === 'number' && typeof delta === 'number') {
    if (delta === 0) fail('Range delta 0');
    const n = Math.max(0, Math.ceil((limit - start) / delta));
    const out: Val = { shape: [n], dtype };
    if (n <= MAX_VALUE_ELEMENTS) out.value = Array.from({ length: n }, (_, i) => start + i * delta);
    return out;
  }
  if (typeof delta !== 'number' || !Number.isInteger(delta) || delta === 0) return { shape: [c.fresh(0, 0)], dtype };
  const n = max(0, ceilDiv(sub(limit, start), delta));
  return { shape: [n], dtype };
};

const constant: Rule = (c) => constantVal(c.node.attribute ?? []);

const nonZero: Rule = (c) => {
  const s = c.shape(0);
  const v = c.value(0);
  const count = v && v.every((x) => typeof x === 'number') ? v.filter((x) => x !== 0).length : undefined;
  return { shape: [s ? s.length : c.fresh(0, 0), count ?? c.fresh(0, 1)], dtype: 'int64' };
};

const compress: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s) return { dtype };
  const cond = numbers(c.value(1));
  const axis = c.intOr('axis');
  const count = (limit: Dim): Dim => {
    if (!cond) return c.fresh(0, axis === undefined ? 0 : axisOf(axis, s.length));
    const n = cond.filter((x) => x !== 0).length;
    return typeof limit === 'number' ? Math.min(n, cond.filter((x, i) => x !== 0 && i < limit).length) : n;
  };
  if (axis === undefined) return { shape: [count(product(s))], dtype };
  const a = axisOf(axis, s.length);
  return { shape: s.map((d, i) => (i === a ? count(d) : d)), dtype };
};

const topK: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s) return [{ dtype }, { dtype: 'int64' }];
  const axis = axisOf(c.int('axis', -1), s.length);
  const k = c.opset >= 10 ? scalarOf(c.input(1)) : c.intOr('k');
  const shape = s.map((d, a) => (a === axis ? (k ?? c.fresh(0, a)) : d));
  return [{ shape, dtype }, { shape, dtype: 'int64' }];
};

const unique: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  const axis = c.intOr('axis');
  const n = c.fresh(0, axis ?? 0);
  let y: Dim[] | undefined = [n];
  let inverse: Dim[] | undefined = s ? [product(s)] : undefined;
  if (axis !== undefined && s) {
    const a = axisOf(axis, s.length);
    y = s.map((d, i) => (i === a ? n : d));
    inverse = [s[a]!];
  } else if (axis !== undefined) y = undefined;
  return [{ shape: y, dtype }, { shape: [n], dtype: 'int64' }, { shape: inverse, dtype: 'int64' }, { shape: [n], dtype: 'int64' }];
};

const oneHot: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(2);
  if (!s) return { dtype };
  const r = s.length + 1;
  const axis = axisOf(c.int('axis', -1), r);
  const depth = scalarOf(c.input(1));
  const d = typeof depth === 'number' ? Math.trunc(depth) : (depth ?? c.fresh(0, axis));
  return { shape: [...s.slice(0, axis), d, ...s.slice(axis)], dtype };
};

/** floor(d × scale) with a symbolic d: exact when the scale is a small fraction. */
function scaleDim(d: Dim, scale: number): Dim | undefined {
  if (typeof d === 'number') return Math.floor(Math.fround(d * scale)); // onnxruntime multiplies in float32
  if (Number.isInteger(scale)) return mul(d, scale);
  for (let q = 2; q <= 64; q++) {
    const p = Math.round(scale * q);
    if (Math.abs(p / q - scale) < 1e-6) return floorDiv(mul(d, p), q);
  }
  return undefined;
}

const resize: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s) return { dtype };
  const op = c.opType;
  let scales: number[] | undefined;
  let sizes: Dim[] | undefined;
  if (op === 'Upsample' && c.opset < 9) scales = c.floats('scales');
  else if (op === 'Upsample' || c.opset < 11) scales = numbers(c.value(1));
  else {
    const sc = c.has(2) ? c.value(2) : undefined;
    if (sc && sc.length > 0) scales = numbers(sc);
    if (c.has(3)) sizes = c.value(3);
    if (!scales && !sizes) {
      if ((c.has(2) && sc === undefined) || c.has(3)) return { shape: freshShape(c, 0, s.length), dtype };
    }
  }
  const axes = (c.ints('axes') ?? s.map((_, i) => i)).map((a) => axisOf(a, s.length));
  const out = s.slice();
  if (sizes && sizes.length > 0) {
    if (sizes.length !== axes.length) fail('Resize sizes');
    const policy = c.str('keep_aspect_ratio_policy', 'stretch');
    if (policy !== 'stretch') {
      const ratios = axes.map((a, i) => {
        const x = sizes![i];
        const d = s[a];
        return typeof x === 'number' && typeof d === 'number' ? x / d : undefined;
      });
      if (ratios.some((r) => r === undefined)) return { shape: s.map((d, a) => (axes.includes(a) ? c.fresh(0, a) : d)), dtype };
      const scale = policy === 'not_larger' ? Math.min(...(ratios as number[])) : Math.max(...(ratios as number[]));
      axes.forEach((a) => {
        out[a] = Math.round(scale * (s[a] as number));
      });
      return { shape: out, dtype };
    }
    axes.forEach((a, i) => {
      out[a] = sizes![i]!;
    });
    return { shape: out, dtype };
  }
  if (!scales) return { shape: freshShape(c, 0, s.length), dtype };
  if (scales.length !== axes.length) fail('Resize scales');
  axes.forEach((a, i) => {
    out[a] = scaleDim(s[a]!, scales![i]!) ?? c.fresh(0, a);
  });
  return { shape: out, dtype };
};

const depthToSpace: Rule = (c) => {
  const s = c.shape(0);
  const b = c.int('blocksize', 1);
  if (!s || s.length !== 4) return { dtype: c.dtype(0) };
  const ch = divideExact(s[1]!, b * b) ?? floorDiv(s[1]!, b * b);
  return { shape: [s[0]!, ch, mul(s[2]!, b), mul(s[3]!, b)], dtype: c.dtype(0) };
};

const spaceToDepth: Rule = (c) => {
  const s = c.shape(0);
  const b = c.int('blocksize', 1);
  if (!s || s.length !== 4) return { dtype: c.dtype(0) };
  const div = (d: Dim): Dim => divideExact(d, b) ?? floorDiv(d, b);
  return { shape: [s[0]!, mul(s[1]!, b * b), div(s[2]!), div(s[3]!)], dtype: c.dtype(0) };
};

/** Einsum: explicit (`ij,jk->ik`) or implicit output; `...` broadcast dims. */
const einsum: Rule = (c) => {
  const eq = c.str('equation', '').replace(/\s+/g, '');
  const dtype = c.dtype(0);
  const [lhs, rhs] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  const letters = new Map<string, Dim>();
  const counts = new Map<string, number>();
  let ellipsis: Dim[] | undefined;
  for (let i = 0; i < terms.length; i++) {
    const s = c.shape(i);
    if (!s) return { dtype };
    const term = terms[i]!;
    const parts = term.split('...');
    if (parts.length > 2) fail('Einsum term');
    const before = parts[0]!;
    const after = parts[1] ?? '';
    const named = before.length + after.length;
    if (parts.length === 1 && named !== s.length) fail('Einsum rank');
    const ell = parts.length === 2 ? s.slice(before.length, s.length - after.length) : [];
    if (parts.length === 2) ellipsis = ellipsis ? broadcast([ellipsis, ell]) : ell;
    const dimsOf = [...before.split('').map((l, k) => [l, s[k]!] as const), ...after.split('').map((l, k) => [l, s[s.length - after.length + k]!] as const)];
    for (const [l, d] of dimsOf) {
      counts.set(l, (counts.get(l) ?? 0) + 1);
      const have = letters.get(l);
      letters.set(l, have === undefined || have === 1 ? d : have);
    }
  }
  const outTerm = rhs ?? `${ellipsis ? '...' : ''}${[...counts.keys()].filter((l) => counts.get(l) === 1).sort().join('')}`;
  const shape: Dim[] = [];
  const parts = outTerm.split('...');
  for (const l of parts[0]!) shape.push(letters.get(l) ?? fail('Einsum output letter'));
  if (parts.length === 2) {
    shape.push(...(ellipsis ?? []));
    for (const l of parts[1]!) shape.push(letters.get(l) ?? fail('Einsum output letter'));
  }
  return { shape, dtype };
};

const stft: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s || s.length < 2) return { dtype };
  const step = scalarOf(c.input(1));
  const window = c.has(2) ? c.shape(2) : undefined;
  const frameLength = c.has(3) ? scalarOf(c.input(3)) : window?.[0];
  if (step === undefined || frameLength === undefined) return { shape: [s[0]!, c.fresh(0, 1), c.fresh(0, 2), 2], dtype };
  const frames = add(floorDiv(sub(s[1]!, frameLength), step), 1);
  const bins = c.int('onesided', 1) ? add(floorDiv(frameLength, 2), 1) : frameLength;
  return { shape: [s[0]!, frames, bins, 2], dtype };
};

const dft: Rule = (c) => {
  const s = c.shape(0);
  const dtype = c.dtype(0);
  if (!s) return { dtype };
  let axis: number | undefined;
  if (c.opset >= 20) {
    const a = c.has(2) ? scalarOf(c.input(2)) : -2;
    axis = typeof a === 'number' ? a : undefined;
  } else axis = c.int('axis', 1);
  if (axis === undefined) return { shape: freshShape(c, 0, s.length), dtype };
  const out = s.slice();
  const a = axisOf(axis, s.length);
  const length = c.has(1) ? scalarOf(c.input(1)) : undefined;
  let n = length ?? s[a]!;
  if (c.int('onesided', 0) && !c.int('inverse', 0)) n = add(floorDiv(n, 2), 1);
  out[a] = n;
  out[out.length - 1] = 2;
  return { shape: out, dtype };
};

const window: Rule = (c) => {
  const n = scalarOf(c.input(0));
  return { shape: [n ?? c.fresh(0, 0)], dtype: dtypeOfCode(c.int('output_datatype', 1)) };
};

const melWeightMatrix: Rule = (c) => {
  const mels = scalarOf(c.input(0));
  const dft = scalarOf(c.input(1));
  return { shape: [dft === undefined ? c.fresh(0, 0) : add(floorDiv(dft, 2), 1), mels ?? c.fresh(0, 1)], dtype: dtypeOfCode(c.int('output_datatype', 1)) };
};

const gridSample: Rule = (c) => {
  const x = c.shape(0);
  const g = c.shape(1);
  if (!x || !g || g.length < 2) return { dtype: c.dtype(0) };
  return { shape: [x[0]!, x[1]!, ...g.slice(1, -1)], dtype: c.dtype(0) };
};

const roiAlign: Rule = (c) => {
  const x = c.shape(0);
  const rois = c.shape(1);
  return { shape: [rois?.[0] ?? c.fresh(0, 0), x?.[1] ?? c.fresh(0, 1), c.int('output_height', 1), c.int('output_width', 1)], dtype: c.dtype(0) };
};

const maxRoiPool: Rule = (c) => {
  const x = c.shape(0);
  const rois = c.shape(1);
  const pooled = c.ints('pooled_shape') ?? [];
  return { shape: [rois?.[0] ?? c.fresh(0, 0), x?.[1] ?? c.fresh(0, 1), ...pooled], dtype: c.dtype(0) };
};

const centerCropPad: Rule = (c) => {
  const s = c.shape(0);
  const target = c.value(1);
  if (!s) return { dtype: c.dtype(0) };
  const axes = (c.ints('axes') ?? s.map((_, i) => i)).map((a) => axisOf(a, s.length));
  if (!target) return { shape: s.map((d, a) => (axes.includes(a) ? c.fresh(0, a) : d)), dtype: c.dtype(0) };
  const out = s.slice();
  axes.forEach((a, i) => {
    out[a] = target[i] ?? fail('CenterCropPad shape');
  });
  return { shape: out, dtype: c.dtype(0) };
};

const col2im: Rule = (c) => {
  const s = c.shape(0);
  const image = c.value(1);
  const block = c.value(2);
  if (!s || s.length !== 3) return { dtype: c.dtype(0) };
  const blockSize = block ? product(block) : undefined;
  const ch = blockSize === undefined ? c.fresh(0, 1) : (divideExact(s[1]!, blockSize) ?? floorDiv(s[1]!, blockSize));
  const n = rankFromShapeInput(c, 1) ?? image?.length;
  if (n === undefined) return { dtype: c.dtype(0) };
  return { shape: [s[0]!, ch, ...(image ?? freshShape(c, 0, n).map((d) => d))], dtype: c.dtype(0) };
};

const randomWithShape: Rule = (c) => ({ shape: c.ints('shape'), dtype: dtypeOfCode(c.int('dtype', 1)) });

const multinomial: Rule = (c) => {
  const s = c.shape(0);
  return { shape: [s?.[0] ?? c.fresh(0, 0), c.int('sample_size', 1)], dtype: dtypeOfCode(c.int('dtype', 6)) };
};

const nonMaxSuppression: Rule = (c) => ({ shape: [c.fresh(0, 0), 3], dtype: 'int64' });

const affineGrid: Rule = (c) => {
  const size = c.value(1);
  if (!size || (size.length !== 4 && size.length !== 5)) return { dtype: c.dtype(0) };
  return { shape: [size[0]!, ...size.slice(2), size.length - 2], dtype: c.dtype(0) };
};

/** Loss ops: a scalar with reduction mean / sum, the target's shape with none; SoftmaxCrossEntropyLoss's log_prob like the scores. */
const loss: Rule = (c) => {
  const loss: Val = { shape: c.str('reduction', 'mean') === 'none' ? c.shape(1) : [], dtype: c.dtype(0) };
  return c.opType === 'SoftmaxCrossEntropyLoss' ? [loss, like(c)] : loss;
};

const tfIdf: Rule = (c) => {
  const s = c.shape(0);
  const indexes = c.ints('ngram_indexes') ?? [];
  const width = indexes.length ? Math.max(...indexes) + 1 : c.fresh(0, 0);
  if (!s || s.length === 0 || s.length > 2) return { dtype: 'float32' };
  return { shape: s.length === 1 ? [width] : [s[0]!, width], dtype: 'float32' };
};

/** StringNormalizer may drop stop words: the last dim is unknown. */
const stringNormalizer: Rule = (c) => {
  const s = c.shape(0);
  return { shape: s && s.length > 0 ? [...s.slice(0, -1), c.fresh(0, s.length - 1)] : s, dtype: 'string' };
};

const det: Rule = (c) => {
  const s = c.shape(0);
  return { shape: s && s.length >= 2 ? s.slice(0, -2) : undefined, dtype: c.dtype(0) };
};

export const SHAPE_RULES: RuleTable = {
  Shape: shapeRule,
  Size: sizeRule,
  Reshape: reshape,
  Flatten: flatten,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  GatherElements: (c) => ({ shape: c.shape(1), dtype: c.dtype(0) }),
  GatherND: gatherND,
  ScatterND: (c) => like(c),
  ScatterElements: (c) => like(c),
  Scatter: (c) => like(c),
  Expand: expand,
  Tile: tile,
  Pad: pad,
  ConstantOfShape: constantOfShape,
  Range: range,
  Constant: constant,
  NonZero: nonZero,
  Compress: compress,
  TopK: topK,
  Unique: unique,
  OneHot: oneHot,
  Resize: resize,
  Upsample: resize,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  Einsum: einsum,
  STFT: stft,
  DFT: dft,
  HannWindow: window,
  HammingWindow: window,
  BlackmanWindow: window,
  MelWeightMatrix: melWeightMatrix,
  GridSample: gridSample,
  RoiAlign: roiAlign,
  MaxRoiPool: maxRoiPool,
  CenterCropPad: centerCropPad,
  Col2Im: col2im,
  RandomNormal: randomWithShape,
  RandomUniform: randomWithShape,
  Multinomial: multinomial,
  NonMaxSuppression: nonMaxSuppression,
  Det: det,
  OptionalGetElement: (c) => like(c),
  Optional: (c) => (c.has(0) ? like(c) : undefined),
  AffineGrid: affineGrid,
  NegativeLogLikelihoodLoss: loss,
  SoftmaxCrossEntropyLoss: loss,
  TfIdfVectorizer: tfIdf,
  StringNormalizer: stringNormalizer,
  RegexFullMatch: (c) => like(c, 0, 'bool'),
  StringConcat: (c) => ({ shape: broadcast([c.shape(0), c.shape(1)]), dtype: 'string' }),
  TensorScatter: (c) => like(c),
  OptionalHasElement: () => ({ shape: [], dtype: 'bool' }),
};

/** com.microsoft ops of this category. */
export const SHAPE_MS_RULES: RuleTable = {
  Range: range,
  GridSample: gridSample,
  // com.microsoft Pad: the opset 11 form (pads as an input)
  Pad: (c) => {
    const s = c.shape(0);
    const pads = c.value(1);
    if (!s) return { dtype: c.dtype(0) };
    if (!pads || pads.length !== 2 * s.length) return { shape: freshShape(c, 0, s.length), dtype: c.dtype(0) };
    return { shape: s.map((d, a) => add(add(d, pads[a]!), pads[a + s.length]!)), dtype: c.dtype(0) };
  },
  CDist: (c) => {
    const a = c.shape(0);
    const b = c.shape(1);
    return { shape: a && b && a.length === 2 && b.length === 2 ? [a[0]!, b[0]!] : undefined, dtype: c.dtype(0) };
  },
  UnfoldTensor: (c) => {
    const s = c.shape(0);
    if (!s) return { dtype: c.dtype(0) };
    const axis = axisOf(c.int('dim', -1), s.length);
    const size = c.int('size', 1);
    const step = c.int('step', 1);
    if (step <= 0) fail('UnfoldTensor step');
    return { shape: [...s.map((d, i) => (i === axis ? add(floorDiv(sub(d, size), step), 1) : d)), size], dtype: c.dtype(0) };
  },
  TorchEmbedding: (c) => {
    const w = c.shape(0);
    const idx = c.shape(1);
    return { shape: w && idx && w.length === 2 ? [...idx, w[1]!] : undefined, dtype: c.dtype(0) };
  },
  MoE: (c) => like(c),
  QMoE: (c) => like(c),
  ExpandDims: (c) => {
    const s = c.shape(0);
    const axis = scalarOf(c.input(1));
    if (!s || typeof axis !== 'number') return { dtype: c.dtype(0) };
    const a = axisOf(axis, s.length + 1);
    return { shape: [...s.slice(0, a), 1, ...s.slice(a)], dtype: c.dtype(0) };
  },
};
