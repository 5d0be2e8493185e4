import type { Dim, Shape } from './contract.js';

/** True when every dim is a concrete non-negative integer. */
export function isConcreteShape(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0);
}

/** Number of elements of a concrete shape (1 for a scalar); `undefined` when a dim is not concrete. */
export function elementCount(shape: Shape): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

/** `[1, 3, 224, 224]`, with symbolic dims by name and unknown dims as `?`. */
export function formatShape(shape: Shape): string {
  return `[${shape.map(formatDim).join(', ')}]`;
}

function formatDim(d: Dim): string {
  if (d === null) return '?';
  return String(d);
}

/** Several shapes: one shape as is, more joined with ` ; `... kept in one place for every formatter. */
export function formatShapes(shapes: readonly Shape[]): string {
  if (shapes.length === 0) return '--';
  return shapes.map(formatShape).join(', ');
}

/**
 * Several shapes in as few cells as they read: `[1,3,224,224]` (no spaces), the same shape n times
 * as `2×[1,24,56,56]`, different ones separated by a space. For narrow terminals.
 */
export function formatShapesCompact(shapes: readonly Shape[], times = '×'): string {
  if (shapes.length === 0) return '--';
  const texts = shapes.map((s) => `[${s.map(formatDim).join(',')}]`);
  if (texts.length > 1 && texts.every((t) => t === texts[0])) return `${texts.length}${times}${texts[0]}`;
  return texts.join(' ');
}
