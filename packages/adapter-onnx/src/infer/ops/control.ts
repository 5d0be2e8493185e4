/**
 * Control flow: If (both branches inferred with the outer values; outputs merged, or the branch
 * taken when the condition is known), Loop and Scan (the body inferred with the loop-carried
 * values until their shapes stop changing; scan outputs stacked along the trip count).
 */
import { dimEquals, type Dim } from '../dims.js';
import { axisOf, scalarOf, type Ctx, type Rule, type RuleTable, type Val } from '../context.js';

/** How many times a body is re-inferred while loop-carried shapes still change. */
const MAX_PASSES = 3;

/** What two possible values have in common: equal dims kept, others fresh symbols of output `out`. */
function merge(c: Ctx, out: number, a: Val | undefined, b: Val | undefined): Val {
  const dtype = a?.dtype ?? b?.dtype;
  if (!a?.shape || !b?.shape || a.shape.length !== b.shape.length) return { dtype };
  const shape = a.shape.map((d, i) => (dimEquals(d, b.shape![i]) ? d : c.fresh(out, i)));
  const v: Val = { shape, dtype };
  if (a.value && b.value && a.value.length === b.value.length && a.value.every((x, i) => dimEquals(x, b.value![i]))) v.value = a.value;
  return v;
}

const sameShape = (a: Val | undefined, b: Val | undefined): boolean =>
  (a?.shape === undefined && b?.shape === undefined) ||
  (!!a?.shape && !!b?.shape && a.shape.length === b.shape.length && a.shape.every((d, i) => dimEquals(d, b.shape![i])));

/** Shape and dtype only (a sequence: its elements, not its length): a loop-carried value changes from one iteration to the next. */
const stateOf = (v: Val | undefined): Val => ({ shape: v?.shape, dtype: v?.dtype, ...(v?.sequence ? { sequence: { element: v.sequence.element } } : {}) });

const ifRule: Rule = (c) => {
  const thenG = c.graph('then_branch');
  const elseG = c.graph('else_branch');
  const a = thenG ? c.body(thenG, []) : undefined;
  const b = elseG ? c.body(elseG, []) : undefined;
  const cond = scalarOf(c.input(0));
  return Array.from({ length: c.outputCount }, (_, i) => {
    if (typeof cond === 'number') {
      const taken = (cond ? a : b)?.[i];
      return taken ? { shape: taken.shape, dtype: taken.dtype, value: taken.value } : undefined;
    }
    return merge(c, i, a?.[i], b?.[i]);
  });
};

/** Iterates `run` over the carried values until their shapes are stable; returns the final carried values and the last body outputs. */
function fixpoint(
  c: Ctx,
  initial: Val[],
  outIndexOf: (k: number) => number,
  run: (carried: Val[]) => (Val | undefined)[] | undefined,
  carriedOut: (outs: (Val | undefined)[], k: number) => Val | undefined,
): { carried: Val[]; outs: (Val | undefined)[] | undefined } {
  let carried = initial.map(stateOf);
  let outs: (Val | undefined)[] | undefined;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    outs = run(carried);
    if (!outs) return { carried: carried.map((v) => ({ dtype: v.dtype })), outs };
    const next = carried.map((v, k) => {
      const o = carriedOut(outs!, k);
      return sameShape(v, o) ? v : merge(c, outIndexOf(k), v, o);
    });
    const stable = next.every((v, k) => sameShape(v, carried[k]));
    carried = next.map(stateOf);
    if (stable) break;
  }
  return { carried, outs };
}

const loop: Rule = (c) => {
  const body = c.graph('body');
  const n = Math.max(0, c.inputCount - 2);
  const k = Math.max(0, c.outputCount - n);
  if (!body) return [];
  const initial = Array.from({ length: n }, (_, i) => c.input(2 + i) ?? {});
  const iter: Val = { shape: [], dtype: 'int64' };
  const condIn: Val = { shape: [], dtype: 'bool' };
  const { carried, outs } = fixpoint(
    c,
    initial,
    (i) => i,
    (state) => c.body(body, [iter, condIn, ...state]),
    (o, i) => o[1 + i],
  );
  const tripValue = c.has(0) ? scalarOf(c.input(0)) : undefined;
  const condConst = outs?.[0]?.value;
  const alwaysOn = !c.has(1) || (condConst !== undefined && condConst.length === 1 && condConst[0] === 1);
  const trip: Dim = tripValue !== undefined && alwaysOn && !(typeof tripValue === 'number' && tripValue >= 2 ** 31 - 1) ? tripValue : c.fresh(n, 0);
  const scans: Val[] = Array.from({ length: k }, (_, j) => {
    const s = outs?.[1 + n + j];
    return { shape: s?.shape ? [trip, ...s.shape] : undefined, dtype: s?.dtype };
  });
  return [...carried, ...scans];
};

const scan: Rule = (c) => {
  const body = c.graph('body');
  if (!body) return [];
  const m = c.int('num_scan_inputs', 0);
  if (m < 0 || m > c.inputCount) return [];
  if (c.opset < 9) return scan8(c, body, m);
  const n = c.inputCount - m;
  const k = c.outputCount - n;
  const inAxes = c.ints('scan_input_axes') ?? new Array(m).fill(0);
  const outAxes = c.ints('scan_output_axes') ?? new Array(Math.max(k, 0)).fill(0);
  let seq: Dim | undefined;
  const slices: Val[] = Array.from({ length: m }, (_, j) => {
    const s = c.shape(n + j);
    if (!s) return { dtype: c.dtype(n + j) };
    const a = axisOf(inAxes[j] ?? 0, s.length);
    seq ??= s[a];
    return { shape: s.filter((_, i) => i !== a), dtype: c.dtype(n + j) };
  });
  const initial = Array.from({ length: n }, (_, i) => c.input(i) ?? {});
  const { carried, outs } = fixpoint(
    c,
    initial,
    (i) => i,
    (state) => c.body(body, [...state, ...slices]),
    (o, i) => o[i],
  );
  const length = seq ?? c.fresh(n, 0);
  const scans: Val[] = Array.from({ length: Math.max(k, 0) }, (_, j) => {
    const s = outs?.[n + j];
    if (!s?.shape) return { dtype: s?.dtype };
    const a = axisOf(outAxes[j] ?? 0, s.shape.length + 1);
    return { shape: [...s.shape.slice(0, a), length, ...s.shape.slice(a)], dtype: s.dtype };
  });
  return [...carried, ...scans];
};

/** Scan of opset 8: a batch axis first, the sequence axis second; an optional sequence_lens input first. */
function scan8(c: Ctx, body: NonNullable<ReturnType<Ctx['graph']>>, m: number): (Val | undefined)[] {
  const n = c.inputCount - 1 - m;
  const k = c.outputCount - n;
  let batch: Dim | undefined;
  let seq: Dim | undefined;
  const slices: Val[] = Array.from({ length: m }, (_, j) => {
    const s = c.shape(1 + n + j);
    if (!s || s.length < 2) return { dtype: c.dtype(1 + n + j) };
    batch ??= s[0];
    seq ??= s[1];
    return { shape: s.slice(2), dtype: c.dtype(1 + n + j) };
  });
  const initial = Array.from({ length: n }, (_, i) => {
    const v = c.input(1 + i);
    return { shape: v?.shape?.slice(1), dtype: v?.dtype };
  });
  const { carried, outs } = fixpoint(
    c,
    initial,
    (i) => i,
    (state) => c.body(body, [...state, ...slices]),
    (o, i) => o[i],
  );
  const b = batch ?? c.fresh(0, 0);
  const s = seq ?? c.fresh(n, 1);
  return [
    ...carried.map((v) => ({ shape: v.shape ? [b, ...v.shape] : undefined, dtype: v.dtype })),
    ...Array.from({ length: Math.max(k, 0) }, (_, j) => {
      const o = outs?.[n + j];
      return { shape: o?.shape ? [b, s, ...o.shape] : undefined, dtype: o?.dtype };
    }),
  ];
}

export const CONTROL_RULES: RuleTable = {
  If: ifRule,
  Loop: loop,
  Scan: scan,
};
