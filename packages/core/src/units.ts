/** How byte figures are rendered: SI (1 MB = 10^6 B, as torchinfo) or IEC (1 MiB = 2^20 B). */
export type UnitSystem = 'si' | 'iec';

const SI_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;
const IEC_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `12.35 MB` (si) or `11.78 MiB` (iec). Exact integers stay exact until here. */
export function formatBytes(bytes: number, units: UnitSystem = 'si', digits = 2): string {
  const base = units === 'si' ? 1000 : 1024;
  const names = units === 'si' ? SI_UNITS : IEC_UNITS;
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= base && i < names.length - 1) {
    value /= base;
    i += 1;
  }
  return i === 0 ? `${bytes} B` : `${value.toFixed(digits)} ${names[i]}`;
}

/** Bytes expressed in one fixed unit, as torchsummary and torchinfo print their memory lines. */
export function bytesIn(bytes: number, unit: 'MiB' | 'MB' | 'kB' | 'GB'): number {
  const divisor = { MiB: 1024 ** 2, MB: 1e6, kB: 1e3, GB: 1e9 }[unit];
  return bytes / divisor;
}

/** `21,840`: integers with thousands separators, locale independent. */
export function formatCount(value: number): string {
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `487.60 k`, `300.81 M`, `1.20 G`: large counts with an SI suffix, for MACs totals. */
export function formatCompact(value: number, digits = 2): string {
  const suffixes = ['', 'k', 'M', 'G', 'T', 'P'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < suffixes.length - 1) {
    v /= 1000;
    i += 1;
  }
  return i === 0 ? String(value) : `${v.toFixed(digits)} ${suffixes[i]}`;
}

/** `987`, `9,999`, `11.2k`, `1.28M`, `300G`: a count in at most six cells (three significant digits), for narrow tables. */
export function formatShortCount(value: number): string {
  if (Math.abs(value) < 1e4) return formatCount(value);
  const suffixes = ['k', 'M', 'G', 'T', 'P', 'E'];
  let v = value / 1000;
  let i = 0;
  const digits = (x: number) => (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
  while (i < suffixes.length - 1 && Math.abs(Number(v.toFixed(digits(v)))) >= 1000) {
    v /= 1000;
    i += 1;
  }
  return `${v.toFixed(digits(v))}${suffixes[i]}`;
}
