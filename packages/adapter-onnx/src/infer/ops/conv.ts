/** Convolution and pooling: Conv family (float, integer, quantized, NHWC), ConvTranspose, pools, global pools. */
import { add, ceilDiv, floorDiv, mul, sub, type Dim } from '../dims.js';
import { fail, type Ctx, type Rule, type RuleTable } from '../context.js';

interface Layout {
  /** Channels last (NHWC): spatial axes are 1..n, channels the last axis. */
  channelsLast?: boolean;
}

/** Output spatial dims of a conv / pool with `kernel` over `spatial`. */
function spatialOut(c: Ctx, spatial: Dim[], kernel: Dim[], pool: boolean): Dim[] {
  const n = kernel.length;
  if (spatial.length !== n) fail('conv rank');
  const strides = c.ints('strides') ?? new Array(n).fill(1);
  const dilations = c.ints('dilations') ?? new Array(n).fill(1);
  const pads = c.ints('pads') ?? new Array(2 * n).fill(0);
  const autoPad = c.str('auto_pad', 'NOTSET');
  const ceil = pool && c.int('ceil_mode', 0) === 1;
  return spatial.map((x, i) => {
    const s = strides[i] ?? 1;
    if (s <= 0) fail('stride');
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return ceilDiv(x, s);
    const ek = add(mul(sub(kernel[i]!, 1), dilations[i] ?? 1), 1);
    const pb = autoPad === 'VALID' ? 0 : (pads[i] ?? 0);
    const pe = autoPad === 'VALID' ? 0 : (pads[i + n] ?? 0);
    const span = sub(add(x, pb + pe), ek);
    let out = add(ceil ? ceilDiv(span, s) : floorDiv(span, s), 1);
    // Ceil mode: a last window that would start inside the end padding is dropped.
    if (ceil && typeof out === 'number' && typeof x === 'number' && (out - 1) * s >= x + pb) out -= 1;
    return out;
  });
}

function splitLayout(x: Dim[], layout: Layout): { batch: Dim; channels: Dim; spatial: Dim[] } {
  if (x.length < 2) fail('conv input rank');
  return layout.channelsLast
    ? { batch: x[0]!, channels: x[x.length - 1]!, spatial: x.slice(1, -1) }
    : { batch: x[0]!, channels: x[1]!, spatial: x.slice(2) };
}

const join = (batch: Dim, channels: Dim, spatial: Dim[], layout: Layout): Dim[] =>
  layout.channelsLast ? [batch, ...spatial, channels] : [batch, channels, ...spatial];

/** Conv family: data at 0, weight at `weight`; output dtype from `dtype`. */
function conv(opts: { weight: number; dtype?: (c: Ctx) => string | undefined } & Layout): Rule {
  return (c) => {
    const x = c.shape(0);
    const w = c.shape(opts.weight);
    const dtype = opts.dtype ? opts.dtype(c) : c.dtype(0);
    if (!x || !w) return { dtype };
    const { batch, spatial } = splitLayout(x, opts);
    const kernel = c.ints('kernel_shape') ?? (opts.channelsLast ? w.slice(1, -1) : w.slice(2));
    return { shape: join(batch, w[0]!, spatialOut(c, spatial, kernel, false), opts), dtype };
  };
}

const convTranspose: Rule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const dtype = c.dtype(0);
  if (!x || !w) return { dtype };
  const spatial = x.slice(2);
  const n = spatial.length;
  const kernel = c.ints('kernel_shape') ?? w.slice(2);
  const channels = mul(w[1]!, c.int('group', 1));
  const outputShape = c.ints('output_shape');
  if (outputShape && outputShape.length > 0) return { shape: [x[0]!, channels, ...outputShape.slice(-n)], dtype };
  const strides = c.ints('strides') ?? new Array(n).fill(1);
  const dilations = c.ints('dilations') ?? new Array(n).fill(1);
  const pads = c.ints('pads') ?? new Array(2 * n).fill(0);
  const outPad = c.ints('output_padding') ?? new Array(n).fill(0);
  const autoPad = c.str('auto_pad', 'NOTSET');
  const out = spatial.map((d, i) => {
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return mul(d, s);
    const ek = add(mul(sub(kernel[i]!, 1), dilations[i] ?? 1), 1);
    const pb = autoPad === 'VALID' ? 0 : (pads[i] ?? 0);
    const pe = autoPad === 'VALID' ? 0 : (pads[i + n] ?? 0);
    return sub(add(add(mul(s, sub(d, 1)), outPad[i] ?? 0), ek), pb + pe);
  });
  return { shape: [x[0]!, channels, ...out], dtype };
};

function pool(opts: { indices?: boolean; data?: number } & Layout = {}): Rule {
  return (c) => {
    const x = c.shape(opts.data ?? 0);
    const dtype = c.dtype(opts.data ?? 0);
    if (!x) return opts.indices ? [{ dtype }, { dtype: 'int64' }] : { dtype };
    const { batch, channels, spatial } = splitLayout(x, opts);
    const kernel = c.ints('kernel_shape');
    if (!kernel) fail('pool without kernel_shape');
    const shape = join(batch, channels, spatialOut(c, spatial, kernel, true), opts);
    return opts.indices ? [{ shape, dtype }, { shape, dtype: 'int64' }] : { shape, dtype };
  };
}

function globalPool(opts: Layout = {}): Rule {
  return (c) => {
    const x = c.shape(0);
    if (!x) return { dtype: c.dtype(0) };
    const { batch, channels, spatial } = splitLayout(x, opts);
    return { shape: join(batch, channels, spatial.map(() => 1), opts), dtype: c.dtype(0) };
  };
}

const maxUnpool: Rule = (c) => {
  const x = c.shape(0);
  const dtype = c.dtype(0);
  if (!x) return { dtype };
  const target = c.has(2) ? c.value(2) : undefined;
  if (target) return { shape: target, dtype };
  const spatial = x.slice(2);
  const n = spatial.length;
  const kernel = c.ints('kernel_shape') ?? fail('MaxUnpool without kernel_shape');
  const strides = c.ints('strides') ?? new Array(n).fill(1);
  const pads = c.ints('pads') ?? new Array(2 * n).fill(0);
  const out = spatial.map((d, i) => sub(add(mul(sub(d, 1), strides[i] ?? 1), kernel[i] ?? 1), (pads[i] ?? 0) + (pads[i + n] ?? 0)));
  return { shape: [x[0]!, x[1]!, ...out], dtype };
};

const fromInput = (i: number) => (c: Ctx): string | undefined => c.dtype(i);
const qlinearDtype = (zp: number) => (c: Ctx): string | undefined => (c.has(zp) ? c.dtype(zp) : undefined) ?? c.dtype(0);

export const CONV_RULES: RuleTable = {
  Conv: conv({ weight: 1 }),
  ConvInteger: conv({ weight: 1, dtype: () => 'int32' }),
  QLinearConv: conv({ weight: 3, dtype: qlinearDtype(7) }),
  DeformConv: conv({ weight: 1 }),
  ConvTranspose: convTranspose,
  MaxPool: pool({ indices: true }),
  AveragePool: pool(),
  LpPool: pool(),
  GlobalAveragePool: globalPool(),
  GlobalMaxPool: globalPool(),
  GlobalLpPool: globalPool(),
  MaxUnpool: maxUnpool,
};

export const CONV_MS_RULES: RuleTable = {
  FusedConv: conv({ weight: 1 }),
  NhwcConv: conv({ weight: 1, channelsLast: true }),
  NhwcMaxPool: pool({ channelsLast: true }),
  QLinearAveragePool: (c) => pool({ channelsLast: c.int('channels_last', 0) === 1 })(c),
  QLinearGlobalAveragePool: (c) => globalPool({ channelsLast: c.int('channels_last', 0) === 1 })(c),
  ConvTransposeWithDynamicPads: convTranspose,
  QLinearConv: conv({ weight: 3, dtype: qlinearDtype(7) }),
  NhwcFusedConv: conv({ weight: 1, channelsLast: true }),
  FusedConvInteger: conv({ weight: 1, dtype: fromInput(0) }),
};
