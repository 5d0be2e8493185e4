/**
 * The summary's rows as a tree the table can fold, search and sort. Pure: it reads only the
 * schema-v1 JSON (`toJSON(summary)`), so a saved summary explores the same as a fresh one.
 *
 * Folding follows the CLI's depth rules (`--depth N`: rows of depth ≤ N, 0 = top level; a row
 * whose children are hidden carries its subtree's params and MACs). Sorting orders siblings by
 * their subtree's figure, so the tree keeps its shape while the heaviest branch comes first.
 */
import type { LayerJSON, SummaryJSON } from '@modelsummary/core';

export interface TreeNode {
  /** `id#callIndex`: a layer called twice has two rows. */
  key: string;
  row: LayerJSON;
  /** Position in the summary's row list (pre-order). */
  index: number;
  parent?: TreeNode;
  children: TreeNode[];
  /** MACs of this row unknown ("?"): an executed leaf without a count. */
  unknownMacs: boolean;
  /** This row plus every row below it. */
  sub: SubtreeFigures;
}

export interface SubtreeFigures {
  params: number;
  /** undefined when no row involved knows trainability. */
  trainableParams: number | undefined;
  paramBytes: number;
  /** Known MACs. */
  macs: number;
  /** Rows whose MACs are unknown. */
  unknownMacs: number;
  /** Σ output bytes of the executed leaves (a leaf: its own). */
  outputBytes: number;
  /** Rows in the subtree, this one included. */
  rows: number;
}

export interface SummaryTree {
  roots: TreeNode[];
  nodes: TreeNode[];
  byKey: Map<string, TreeNode>;
  /** Deepest row depth (0 = top level only). */
  maxDepth: number;
  /** Whether the pass ran (a static summary has no executed row). */
  observed: boolean;
}

export const keyOf = (row: Pick<LayerJSON, 'id' | 'callIndex'>): string => `${row.id}#${row.callIndex}`;

/** Builds the tree from rows in pre-order; a `parentId` means the latest row listed with that id. */
export function buildTree(json: Pick<SummaryJSON, 'layers'>): SummaryTree {
  const observed = json.layers.length === 0 || json.layers.some((r) => r.executed);
  const nodes: TreeNode[] = [];
  const roots: TreeNode[] = [];
  const byKey = new Map<string, TreeNode>();
  const latestById = new Map<string, TreeNode>();
  let maxDepth = 0;
  json.layers.forEach((row, index) => {
    const parent = row.parentId === undefined ? undefined : latestById.get(row.parentId);
    const node: TreeNode = {
      key: keyOf(row),
      row,
      index,
      ...(parent ? { parent } : {}),
      children: [],
      unknownMacs: false,
      sub: { params: 0, trainableParams: undefined, paramBytes: 0, macs: 0, unknownMacs: 0, outputBytes: 0, rows: 0 },
    };
    (parent ? parent.children : roots).push(node);
    nodes.push(node);
    if (!byKey.has(node.key)) byKey.set(node.key, node);
    latestById.set(row.id, node);
    maxDepth = Math.max(maxDepth, row.depth);
  });
  // Children come after their parent: one backward pass adds every subtree into its parent.
  for (let i = nodes.length - 1; i >= 0; i -= 1) {
    const n = nodes[i]!;
    const r = n.row;
    const leaf = n.children.length === 0;
    n.unknownMacs = r.macs === null && leaf && r.type !== 'scope' && (r.executed || !observed);
    const s = n.sub;
    s.params += r.params;
    s.paramBytes += r.paramBytes;
    if (r.trainableParams !== undefined) s.trainableParams = (s.trainableParams ?? 0) + r.trainableParams;
    s.macs += r.macs ?? 0;
    s.unknownMacs += n.unknownMacs ? 1 : 0;
    if (leaf && r.executed) s.outputBytes += r.outputBytes;
    s.rows += 1;
    const p = n.parent?.sub;
    if (p) {
      p.params += s.params;
      p.paramBytes += s.paramBytes;
      if (s.trainableParams !== undefined) p.trainableParams = (p.trainableParams ?? 0) + s.trainableParams;
      p.macs += s.macs;
      p.unknownMacs += s.unknownMacs;
      p.outputBytes += s.outputBytes;
      p.rows += s.rows;
    }
  }
  return { roots, nodes, byKey, maxDepth, observed };
}

/** The rows `--depth N` expands: every row with children above depth N. */
export function expandedAtDepth(tree: SummaryTree, depth: number): Set<string> {
  return new Set(tree.nodes.filter((n) => n.children.length > 0 && n.row.depth < depth).map((n) => n.key));
}

/**
 * The deepest `--depth` that shows at most `budget` rows (at least 0): a first view that fits on a
 * screen or two. `Infinity` when the whole tree fits.
 */
export function depthForBudget(tree: SummaryTree, budget: number): number {
  if (tree.nodes.length <= budget) return Number.POSITIVE_INFINITY;
  const perDepth = new Array<number>(tree.maxDepth + 1).fill(0);
  for (const n of tree.nodes) perDepth[n.row.depth] = (perDepth[n.row.depth] ?? 0) + 1;
  let shown = 0;
  for (let d = 0; d <= tree.maxDepth; d += 1) {
    shown += perDepth[d]!;
    if (shown > budget) return Math.max(0, d - 1);
  }
  return Number.POSITIVE_INFINITY;
}

export type SortKey = 'order' | 'params' | 'macs' | 'outputBytes';
export const SORT_KEYS: readonly SortKey[] = ['order', 'params', 'macs', 'outputBytes'];

/** A row as the table shows it. */
export interface ShownRow {
  node: TreeNode;
  /** Tree depth as drawn (the row's depth). */
  depth: number;
  /** It has children and they are hidden: its figures are its subtree's. */
  folded: boolean;
  /** It has children and they are shown. */
  open: boolean;
  /** The search query matched this row (not only one below it). */
  match: boolean;
  params: number;
  trainableParams: number | undefined;
  macs: number;
  unknownMacs: number;
  outputBytes: number;
}

export interface ViewOptions {
  expanded: ReadonlySet<string>;
  query?: string;
  sort?: SortKey;
}

/** Whether a row matches a search: its name, full id or op type contains the query (any case). */
export function matches(row: LayerJSON, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return row.name.toLowerCase().includes(q) || row.id.toLowerCase().includes(q) || row.type.toLowerCase().includes(q);
}

function sortValue(n: TreeNode, key: SortKey): number {
  switch (key) {
    case 'params':
      return n.sub.params;
    case 'macs':
      return n.sub.macs;
    case 'outputBytes':
      return n.sub.outputBytes;
    default:
      return -n.index;
  }
}

function ordered(list: readonly TreeNode[], key: SortKey): readonly TreeNode[] {
  if (key === 'order') return list;
  return [...list].sort((a, b) => sortValue(b, key) - sortValue(a, key) || a.index - b.index);
}

/**
 * The rows to show. Without a query: the expanded rows' children, recursively. With a query: every
 * matching row with its ancestors (shown open), whatever is expanded; a matching row keeps its own
 * fold state. Siblings in `sort` order (subtree figures, largest first).
 */
export function shownRows(tree: SummaryTree, options: ViewOptions): ShownRow[] {
  const sort = options.sort ?? 'order';
  const query = (options.query ?? '').trim();
  let keep: Set<TreeNode> | undefined;
  const hit = new Set<TreeNode>();
  if (query !== '') {
    keep = new Set();
    for (const n of tree.nodes) {
      if (!matches(n.row, query)) continue;
      hit.add(n);
      for (let a: TreeNode | undefined = n; a && !keep.has(a); a = a.parent) keep.add(a);
    }
  }
  const out: ShownRow[] = [];
  const visit = (n: TreeNode): void => {
    const hasChildren = n.children.length > 0;
    // Searching: the ancestors of a match are open; a match opens as the user set it.
    const searchOpen = keep !== undefined && n.children.some((c) => keep!.has(c));
    const open = hasChildren && (searchOpen || (options.expanded.has(n.key) && (keep === undefined || hit.has(n))));
    const folded = hasChildren && !open;
    const r = n.row;
    out.push({
      node: n,
      depth: r.depth,
      folded,
      open,
      match: query !== '' && hit.has(n),
      params: folded ? n.sub.params : r.params,
      trainableParams: folded ? n.sub.trainableParams : r.trainableParams,
      macs: folded ? n.sub.macs : (r.macs ?? 0),
      unknownMacs: folded ? n.sub.unknownMacs : n.unknownMacs ? 1 : 0,
      outputBytes: folded ? n.sub.outputBytes : r.executed ? r.outputBytes : 0,
    });
    if (!open) return;
    for (const c of ordered(n.children, sort)) if (keep === undefined || keep.has(c) || hit.has(n)) visit(c);
  };
  for (const root of ordered(tree.roots, sort)) if (keep === undefined || keep.has(root)) visit(root);
  return out;
}

/** The keys to expand so that `key` is shown: its ancestors. */
export function ancestorsOf(tree: SummaryTree, key: string): string[] {
  const out: string[] = [];
  for (let a = tree.byKey.get(key)?.parent; a; a = a.parent) out.push(a.key);
  return out;
}
