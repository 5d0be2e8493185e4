import { isUnknownMacs } from '../fold.js';
import type { LayerRow, ModelSummary } from '../summary.js';
import type { Glyphs } from './text.js';

/** A row as the renderers show it: the layer plus what its hidden descendants folded into it. */
export interface VisibleRow {
  row: LayerRow;
  /** torchinfo's `depth-idx`: depth counted from 1, index counted per depth over the whole model. */
  depthIndex: string;
  /** Own params + params of hidden descendants. */
  params: number;
  /** Own + hidden descendants' trainable params; `undefined` when no row involved knows. */
  trainableParams: number | undefined;
  /** Own + hidden descendants' known MACs. */
  macs: number;
  /** Rows involved (own, hidden descendants) whose MACs are unknown. */
  unknownMacs: number;
  /**
   * The layer did not run although the pass ran (marker "(not executed)", shapes "--"). Always
   * false for a static summary (no row executed): its rows show their static facts instead.
   */
  notExecuted: boolean;
  /** True when hidden descendants were folded into this row. */
  folded: boolean;
  /** Last visible child of its parent (tree drawing). */
  isLast: boolean;
  /** For each ancestor level 0..depth-1: does that ancestor have visible siblings after it? */
  continues: boolean[];
}

/** False for a static summary: no row executed (the forward pass was not run). */
export function isObserved(summary: ModelSummary): boolean {
  return summary.layers.length === 0 || summary.layers.some((r) => r.executed);
}

/** Adds a hidden row's figures to the visible row it folds into. */
function foldInto(target: VisibleRow, row: LayerRow, unknown: number): void {
  target.folded = true;
  target.params += row.params;
  if (row.trainableParams !== undefined) target.trainableParams = (target.trainableParams ?? 0) + row.trainableParams;
  target.macs += row.macs ?? 0;
  target.unknownMacs += unknown;
}

/** The rows at depth ≤ `limit`, the deeper ones folded into their nearest visible ancestor. */
function foldRows(summary: ModelSummary, limit: number): VisibleRow[] {
  const out: VisibleRow[] = [];
  const perDepthCounter: number[] = [];
  // The most recent visible row at each depth: the fold target of deeper hidden rows.
  const lastVisibleAtDepth: Array<VisibleRow | undefined> = [];
  const observed = isObserved(summary);
  for (const row of summary.layers) {
    const depth = Math.max(0, row.depth);
    const counter = (perDepthCounter[depth] ?? 0) + 1;
    perDepthCounter[depth] = counter;
    const unknown = isUnknownMacs(row, observed) ? 1 : 0;
    if (depth <= limit) {
      const v: VisibleRow = {
        row,
        depthIndex: `${depth + 1}-${counter}`,
        params: row.params,
        trainableParams: row.trainableParams,
        macs: row.macs ?? 0,
        unknownMacs: unknown,
        notExecuted: observed && !row.executed,
        folded: false,
        isLast: true,
        continues: [],
      };
      out.push(v);
      lastVisibleAtDepth[depth] = v;
      lastVisibleAtDepth.length = depth + 1;
      continue;
    }
    // Pre-order: the nearest visible ancestor is the latest visible row at the depth limit
    // (or shallower, when the tree skips a level).
    let target: VisibleRow | undefined;
    for (let d = Math.min(limit, lastVisibleAtDepth.length - 1); d >= 0 && target === undefined; d -= 1) target = lastVisibleAtDepth[d];
    target ??= out[out.length - 1];
    if (target !== undefined) foldInto(target, row, unknown); // else nothing visible yet: a malformed list
  }
  return out;
}

/** Sets `isLast` and `continues` (how the tree is drawn) on rows in pre-order. */
function shapeTree(out: VisibleRow[]): void {
  // Backward: a row is the last child of its parent when no later visible row at the same depth
  // appears before the parent's subtree ends.
  const siblingFollows: boolean[] = [];
  for (let i = out.length - 1; i >= 0; i -= 1) {
    const v = out[i]!;
    const depth = Math.max(0, v.row.depth);
    v.isLast = siblingFollows[depth] !== true;
    siblingFollows.length = depth + 1;
    siblingFollows[depth] = true;
  }
  // Forward: continuation marks of the ancestors.
  const stack: boolean[] = [];
  for (const v of out) {
    const depth = Math.max(0, v.row.depth);
    stack.length = depth;
    for (let d = 0; d < depth; d += 1) if (stack[d] === undefined) stack[d] = false;
    v.continues = stack.slice();
    stack[depth] = !v.isLast;
  }
}

/**
 * The rows to show at `maxDepth`, each carrying the figures of its hidden descendants. One forward
 * pass and one backward pass over the rows: linear in their number (layers are in pre-order).
 */
export function visibleRows(summary: ModelSummary, maxDepth = Number.POSITIVE_INFINITY): VisibleRow[] {
  const out = foldRows(summary, Math.max(0, Math.floor(maxDepth)));
  shapeTree(out);
  return out;
}

/** `│ │ └─` for a row. */
export function treePrefix(v: VisibleRow, g: Glyphs): string {
  let prefix = '';
  for (const c of v.continues) prefix += c ? g.pipe : g.blank;
  return prefix + (v.isLast ? g.elbow : g.tee);
}
