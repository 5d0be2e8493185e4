import type { ParamDTypes } from '../contract.js';
import type { MemoryEstimate } from '../summary.js';
import { formatBytes, formatCount, type UnitSystem } from '../units.js';

/**
 * `value` with two decimals as Python's `f"{value:.2f}"` / `"%0.2f" % value` print it: exact
 * binary value, ties (only possible for multiples of 1/8) rounded half to even. JS `toFixed`
 * rounds those ties up, so 0.125 would print 0.13 where torchinfo prints 0.12.
 */
export function pythonFixed2(value: number): string {
  const scaled = value * 100;
  // A tie needs value * 8 to be an integer (a dyadic x.xx5) and the scaled value to end in .5.
  if (Number.isFinite(value) && Number.isInteger(value * 8) && Math.abs(scaled) < 2 ** 52 && Math.abs(scaled % 1) === 0.5) {
    const down = Math.trunc(scaled);
    const even = down % 2 === 0 ? down : down + Math.sign(scaled);
    return (even / 100).toFixed(2);
  }
  return value.toFixed(2);
}

/** Python's `f"{n:,.2f}"`. */
function pythonGrouped2(value: number): string {
  const s = pythonFixed2(value);
  const [int = '0', frac = '00'] = s.replace('-', '').split('.');
  return (value < 0 ? '-' : '') + formatCount(Number(int)) + '.' + frac;
}

type TorchinfoUnit = '' | 'k' | 'M' | 'G' | 'T';

/** torchinfo's `to_readable` (units AUTO): the largest of T / G / M / k with value >= 1. */
function torchinfoReadable(num: number): [TorchinfoUnit, number] {
  if (num >= 1e12) return ['T', num / 1e12];
  if (num >= 1e9) return ['G', num / 1e9];
  if (num >= 1e6) return ['M', num / 1e6];
  if (num >= 1e3) return ['k', num / 1e3];
  return ['', num];
}

/**
 * One torchinfo statistics line split as `[label, value]`, e.g. `['Input size (kB)', '3.19']`,
 * `['Params size', '40']`: unit chosen per line, integral values printed without decimals.
 */
export function torchinfoLine(label: string, num: number, bytes: boolean): [string, string] {
  const [unit, converted] = torchinfoReadable(num);
  const value = Number.isInteger(converted) ? formatCount(converted) : pythonGrouped2(converted);
  return [unit === '' ? label : `${label} (${unit}${bytes ? 'B' : ''})`, value];
}

/** `Total mult-adds (M): 300.81`, exactly as torchinfo prints its total. */
export function torchinfoMultAddsLine(macs: number): string {
  const [label, value] = torchinfoLine('Total mult-adds', macs, false);
  return `${label}: ${value}`;
}

/**
 * The memory lines of the footer, as `[label, value]` pairs, following `memory.convention`:
 * - `torchsummary`: its four lines, bytes / 2^20 with two decimals, labelled "(MB)" as it prints
 *   them (they are MiB; `units` is ignored);
 * - `torchinfo`: its four lines, unit picked per line among kB / MB / GB / TB (10^3 steps);
 * - `default`: ours, formatted with `formatBytes(bytes, units)`. When the weights are stored in
 *   the file otherwise than in memory (quantized), the params line gives both:
 *   `212.87 kB stored (float16), 425.73 kB in memory (float32)` (`paramDTypes` names the dtypes).
 */
export function memoryLines(memory: MemoryEstimate, units: UnitSystem = 'si', paramDTypes?: ParamDTypes): Array<[label: string, value: string]> {
  switch (memory.convention) {
    case 'torchsummary': {
      const mb = (bytes: number) => pythonFixed2(bytes / 2 ** 20);
      return [
        ['Input size (MB)', mb(memory.inputBytes)],
        ['Forward/backward pass size (MB)', mb(memory.forwardBackwardBytes)],
        ['Params size (MB)', mb(memory.paramBytes)],
        ['Estimated Total Size (MB)', mb(memory.totalBytes)],
      ];
    }
    case 'torchinfo':
      return [
        torchinfoLine('Input size', memory.inputBytes, true),
        torchinfoLine('Forward/backward pass size', memory.forwardBackwardBytes, true),
        torchinfoLine('Params size', memory.paramBytes, true),
        torchinfoLine('Estimated Total Size', memory.totalBytes, true),
      ];
    default: {
      const f = (bytes: number) => formatBytes(bytes, units);
      const lines: Array<[string, string]> = [
        ['Input size', f(memory.inputBytes)],
        ['Activations (forward)', f(memory.activationBytes)],
        ['Forward/backward (training est.)', f(memory.forwardBackwardBytes)],
        ['Params size', paramsSize(memory, f, paramDTypes)],
        ['Estimated total', f(memory.totalBytes)],
        ['Peak activations (liveness)', f(memory.peakActivationBytes)],
      ];
      if (memory.measuredPeakBytes !== undefined) lines.push(['Measured peak (runtime)', f(memory.measuredPeakBytes)]);
      if (memory.kvCache !== undefined) {
        const kv = memory.kvCache;
        lines.push(['KV cache (not in the total)', `${f(kv.bytesPerToken)} per token, ${f(kv.bytes)} at ${kv.tokens} token${kv.tokens === 1 ? '' : 's'}`]);
      }
      return lines;
    }
  }
}

/** `f(paramBytes)`, or `<stored> stored (dtypes), <in memory> in memory (dtypes)` when they differ. */
function paramsSize(memory: MemoryEstimate, f: (bytes: number) => string, dtypes: ParamDTypes | undefined): string {
  const stored = memory.storedParamBytes;
  if (stored === undefined || stored === memory.paramBytes) return f(memory.paramBytes);
  const label = (list: readonly string[] | undefined) => (list && list.length > 0 ? ` (${list.join(', ')})` : '');
  return `${f(stored)} stored${label(dtypes?.stored)}, ${f(memory.paramBytes)} in memory${label(dtypes?.memory)}`;
}
