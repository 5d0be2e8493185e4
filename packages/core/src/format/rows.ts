import type { Shape } from '../contract.js';
import { isUnknownMacs } from '../fold.js';
import type { LayerRow, ModelSummary } from '../summary.js';
import type { Glyphs } from './text.js';

/** A row as the renderers show it: the layer plus what its hidden descendants folded into it. */
export interface VisibleRow {
  row: LayerRow;
  /** torchinfo's `depth-idx`: depth counted from 1, index counted per depth over the whole model. */
  depthIndex: string;
  /** Own params + params of hidden descendants (and of the other blocks of a repeat). */
  params: number;
  /** Own + hidden descendants' trainable params; `undefined` when no row involved knows. */
  trainableParams: number | undefined;
  /** Own + hidden descendants' known MACs. */
  macs: number;
  /** Own + hidden descendants' output bytes (the activations of the subtree). */
  outputBytes: number;
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
  /**
   * This row stands for `count` identical sibling blocks in a row (`layers.0 … layers.11 ×12`):
   * its figures are theirs together, its shapes go in to the first and out of the last.
   */
  repeat?: { count: number; lastName: string };
  /** Shapes shown: the row's own, or a repeat's input (first block) and output (last block). */
  inputShapes: readonly Shape[];
  outputShapes: readonly Shape[];
}

/** How {@link visibleRows} picks the rows. */
export interface VisibleRowsOptions {
  /** Fold runs of identical sibling blocks (same structure, shapes, params, MACs) into one row with a count. */
  foldRepeats?: boolean;
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
  target.outputBytes += row.outputBytes;
  target.unknownMacs += unknown;
}

const depthOf = (row: LayerRow): number => Math.max(0, row.depth);

/** For each row, the index just after its subtree (rows are in pre-order). */
function subtreeEnds(rows: readonly LayerRow[]): number[] {
  const end = new Array<number>(rows.length);
  const open: number[] = [];
  for (let i = 0; i < rows.length; i += 1) {
    const d = depthOf(rows[i]!);
    while (open.length > 0 && depthOf(rows[open[open.length - 1]!]!) >= d) end[open.pop()!] = i;
    open.push(i);
  }
  while (open.length > 0) end[open.pop()!] = rows.length;
  return end;
}

/**
 * A small id per distinct subtree: equal ids mean the same structure (types, names with their
 * numbers left out, children), the same shapes, params and MACs. Bottom-up, linear in the rows.
 */
function subtreeIds(rows: readonly LayerRow[], end: readonly number[]): number[] {
  const ids = new Array<number>(rows.length);
  const intern = new Map<string, number>();
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const r = rows[i]!;
    const children: number[] = [];
    for (let c = i + 1; c < end[i]!; c = end[c]!) children.push(ids[c]!);
    const key = [
      r.type,
      r.name.replace(/\d+/g, '#'),
      r.params,
      r.trainableParams ?? '',
      r.macs ?? '?',
      r.executed ? 1 : 0,
      JSON.stringify(r.inputShapes),
      JSON.stringify(r.outputShapes),
      children.join(','),
    ].join('|');
    let id = intern.get(key);
    if (id === undefined) intern.set(key, (id = intern.size));
    ids[i] = id;
  }
  return ids;
}

/** A run of identical sibling blocks starting at a row: the last block, how many, where the run ends. */
interface Run {
  last: number;
  count: number;
  end: number;
}

/** Runs of two or more identical container siblings, keyed by their first row. */
function repeatRuns(rows: readonly LayerRow[]): Map<number, Run> {
  const end = subtreeEnds(rows);
  const ids = subtreeIds(rows, end);
  const runs = new Map<number, Run>();
  for (let i = 0; i < rows.length; i += 1) {
    const first = rows[i]!;
    if (!first.isContainer) continue;
    let last = i;
    let count = 1;
    for (let j = end[i]!; j < rows.length; j = end[j]!) {
      const r = rows[j]!;
      if (depthOf(r) !== depthOf(first) || r.parentId !== first.parentId || ids[j] !== ids[i]) break;
      last = j;
      count += 1;
    }
    if (count >= 2) {
      runs.set(i, { last, count, end: end[last]! });
      i = end[last]! - 1; // no runs inside a run: it is one row
    }
  }
  return runs;
}

/** The rows at depth ≤ `limit` (top level = 1), the deeper ones folded into their nearest visible ancestor. */
function foldRows(summary: ModelSummary, limit: number, runs: ReadonlyMap<number, Run>): VisibleRow[] {
  const out: VisibleRow[] = [];
  const perDepthCounter: number[] = [];
  // The most recent visible row at each depth: the fold target of deeper hidden rows.
  const lastVisibleAtDepth: Array<VisibleRow | undefined> = [];
  const observed = isObserved(summary);
  const rows = summary.layers;
  let repeat: VisibleRow | undefined;
  let repeatEnd = -1;
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    const depth = depthOf(row);
    const counter = (perDepthCounter[depth] ?? 0) + 1;
    perDepthCounter[depth] = counter;
    const unknown = isUnknownMacs(row, observed) ? 1 : 0;
    if (repeat !== undefined && i < repeatEnd) {
      foldInto(repeat, row, unknown);
      continue;
    }
    repeat = undefined;
    if (depth < limit) {
      const v: VisibleRow = {
        row,
        depthIndex: `${depth + 1}-${counter}`,
        params: row.params,
        trainableParams: row.trainableParams,
        macs: row.macs ?? 0,
        outputBytes: row.outputBytes,
        unknownMacs: unknown,
        notExecuted: observed && !row.executed,
        folded: false,
        isLast: true,
        continues: [],
        inputShapes: row.inputShapes,
        outputShapes: row.outputShapes,
      };
      const run = runs.get(i);
      if (run !== undefined) {
        const last = rows[run.last]!;
        v.repeat = { count: run.count, lastName: last.name };
        v.outputShapes = last.outputShapes;
        repeat = v;
        repeatEnd = run.end;
      }
      out.push(v);
      lastVisibleAtDepth[depth] = v;
      lastVisibleAtDepth.length = depth + 1;
      continue;
    }
    // Pre-order: the nearest visible ancestor is the latest visible row at the deepest visible
    // depth (or shallower, when the tree skips a level).
    let target: VisibleRow | undefined;
    for (let d = Math.min(limit - 1, lastVisibleAtDepth.length - 1); d >= 0 && target === undefined; d -= 1) target = lastVisibleAtDepth[d];
    if (limit > 0) target ??= out[out.length - 1];
    if (target !== undefined) foldInto(target, row, unknown); // else nothing visible (depth 0, or a malformed list)
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
    const depth = depthOf(v.row);
    v.isLast = siblingFollows[depth] !== true;
    siblingFollows.length = depth + 1;
    siblingFollows[depth] = true;
  }
  // Forward: continuation marks of the ancestors.
  const stack: boolean[] = [];
  for (const v of out) {
    const depth = depthOf(v.row);
    stack.length = depth;
    for (let d = 0; d < depth; d += 1) if (stack[d] === undefined) stack[d] = false;
    v.continues = stack.slice();
    stack[depth] = !v.isLast;
  }
}

/**
 * The rows to show at `maxDepth` (as torchinfo: top-level rows are depth 1, `maxDepth` N shows
 * the rows of depth ≤ N, 0 none), each carrying the figures of its hidden descendants; with
 * `foldRepeats`, a run of identical sibling blocks is one row. Linear in the number of rows
 * (layers are in pre-order).
 */
export function visibleRows(summary: ModelSummary, maxDepth = Number.POSITIVE_INFINITY, options: VisibleRowsOptions = {}): VisibleRow[] {
  const runs = options.foldRepeats ? repeatRuns(summary.layers) : new Map<number, Run>();
  const out = foldRows(summary, Math.max(0, Math.floor(maxDepth)), runs);
  shapeTree(out);
  return out;
}

/** `│ │ └─` for a row. */
export function treePrefix(v: VisibleRow, g: Glyphs): string {
  let prefix = '';
  for (const c of v.continues) prefix += c ? g.pipe : g.blank;
  return prefix + (v.isLast ? g.elbow : g.tee);
}
