/**
 * Where the parameters and the compute go: a squarified treemap of one figure (params or MACs)
 * over the summary's scope tree. Pure layout: rectangles in pixels for a given box.
 */
import type { SummaryTree, TreeNode } from './tree.js';

export type TreemapMetric = 'params' | 'macs';

export interface TreemapRect {
  node: TreeNode;
  /** The figure of this node's subtree. */
  value: number;
  x: number;
  y: number;
  w: number;
  h: number;
  /** 1: a child of the shown root; 2: a child of that child, drawn inside it. */
  level: 1 | 2;
  /** Which level-1 rectangle it belongs to. */
  group: number;
  /** Colour index: level 1 by its place; the parts inside a block each their own, from the block's. */
  color: number;
  /** It has children with a share of the figure (clicking it zooms in). */
  zoomable: boolean;
  /** Its children are drawn inside it (below a header strip). */
  inner: boolean;
}

export const valueOf = (n: TreeNode, metric: TreemapMetric): number => (metric === 'params' ? n.sub.params : n.sub.macs);

/** Own figure of a row that also has children: drawn as a "(own)" slice beside them. */
const ownOf = (n: TreeNode, metric: TreemapMetric): number => (metric === 'params' ? n.row.params : (n.row.macs ?? 0));

interface Item {
  node: TreeNode;
  value: number;
}

function worst(row: readonly Item[], side: number, scale: number): number {
  let min = Infinity;
  let max = 0;
  let sum = 0;
  for (const r of row) {
    const a = r.value * scale;
    min = Math.min(min, a);
    max = Math.max(max, a);
    sum += a;
  }
  const s2 = side * side;
  const sum2 = sum * sum;
  return Math.max((s2 * max) / sum2, sum2 / (s2 * min));
}

/** Squarified layout (Bruls, Huizing, van Wijk) of `items` (largest first) into the box. */
export function squarify(items: readonly Item[], x: number, y: number, w: number, h: number): { item: Item; x: number; y: number; w: number; h: number }[] {
  const out: { item: Item; x: number; y: number; w: number; h: number }[] = [];
  const total = items.reduce((s, i) => s + i.value, 0);
  if (total <= 0 || w <= 0 || h <= 0) return out;
  const scale = (w * h) / total;
  let rest = [...items];
  let bx = x;
  let by = y;
  let bw = w;
  let bh = h;
  while (rest.length > 0) {
    const side = Math.min(bw, bh);
    const row: Item[] = [rest[0]!];
    let i = 1;
    while (i < rest.length && worst([...row, rest[i]!], side, scale) <= worst(row, side, scale)) row.push(rest[i++]!);
    rest = rest.slice(i);
    const area = row.reduce((s, r) => s + r.value * scale, 0);
    if (bw >= bh) {
      // A column on the left.
      const cw = rest.length === 0 ? bw : area / bh;
      let cy = by;
      for (const r of row) {
        const rh = (r.value * scale) / cw;
        out.push({ item: r, x: bx, y: cy, w: cw, h: rh });
        cy += rh;
      }
      bx += cw;
      bw -= cw;
    } else {
      const rh = rest.length === 0 ? bh : area / bw;
      let cx = bx;
      for (const r of row) {
        const rw = (r.value * scale) / rh;
        out.push({ item: r, x: cx, y: by, w: rw, h: rh });
        cx += rw;
      }
      by += rh;
      bh -= rh;
    }
  }
  return out;
}

function itemsOf(n: TreeNode | SummaryTree, metric: TreemapMetric): Item[] {
  const children = 'roots' in n ? n.roots : n.children;
  const items = children.map((c) => ({ node: c, value: valueOf(c, metric) })).filter((i) => i.value > 0);
  return items.sort((a, b) => b.value - a.value || a.node.index - b.node.index);
}

const hasShare = (n: TreeNode, metric: TreemapMetric) => n.children.some((c) => valueOf(c, metric) > 0);

/**
 * The rectangles for `root` (a node, or the whole tree): its children, and inside each child with
 * children its own children (one level deeper), below a header strip of `header` px for the label.
 * A node's own figure beside its children is not drawn as a separate slice: its rectangle's area
 * includes it and the inner rectangles fill only the children's share.
 */
export function layoutTreemap(
  root: TreeNode | SummaryTree,
  metric: TreemapMetric,
  width: number,
  height: number,
  options: { header?: number; pad?: number; minInner?: number } = {},
): TreemapRect[] {
  const header = options.header ?? 18;
  const pad = options.pad ?? 2;
  const minInner = options.minInner ?? 40;
  const out: TreemapRect[] = [];
  squarify(itemsOf(root, metric), 0, 0, width, height).forEach((cell, group) => {
    const node = cell.item.node;
    const zoomable = hasShare(node, metric);
    const inner = zoomable && cell.w >= minInner && cell.h >= header + minInner / 2;
    out.push({ node, value: cell.item.value, x: cell.x, y: cell.y, w: cell.w, h: cell.h, level: 1, group, color: group, zoomable, inner });
    if (!inner) return;
    const parts = itemsOf(node, metric);
    const own = ownOf(node, metric);
    const childTotal = parts.reduce((s, i) => s + i.value, 0);
    const ix = cell.x + pad;
    const iy = cell.y + header;
    const iw = cell.w - 2 * pad;
    // The children's share of the inner box; the node's own figure keeps the rest, unfilled.
    const ihFull = cell.h - header - pad;
    const ih = childTotal + own > 0 ? ihFull * (childTotal / (childTotal + own)) : ihFull;
    squarify(parts, ix, iy, iw, ih).forEach((c, k) => {
      const color = group + k + 1;
      out.push({ node: c.item.node, value: c.item.value, x: c.x, y: c.y, w: c.w, h: c.h, level: 2, group, color, zoomable: hasShare(c.item.node, metric), inner: false });
    });
  });
  return out;
}
