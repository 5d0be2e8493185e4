/**
 * What a link to the playground carries: where the model(s) come from (a bundled example, or a URL
 * the browser fetches — a local file cannot travel in a link), the options field's flags (inputs,
 * dims, batch) and the view (backend, depth, search, sort, columns, selected row, chart figure).
 * Pure: query string in, query string out.
 */
import type { SortKey } from './tree.js';
import type { TreemapMetric } from './treemap.js';

export type ColumnKey = 'type' | 'inputShape' | 'outputShape' | 'params' | 'trainable' | 'paramBytes' | 'macs' | 'outputBytes' | 'dtype';

/** Every optional column, in table order, with its header. The layer column is always shown. */
export const COLUMNS: readonly { key: ColumnKey; title: string; numeric?: boolean }[] = [
  { key: 'type', title: 'Type' },
  { key: 'inputShape', title: 'Input shape' },
  { key: 'outputShape', title: 'Output shape' },
  { key: 'params', title: 'Param #', numeric: true },
  { key: 'trainable', title: 'Trainable' },
  { key: 'paramBytes', title: 'Param bytes', numeric: true },
  { key: 'macs', title: 'Mult-Adds', numeric: true },
  { key: 'outputBytes', title: 'Output bytes', numeric: true },
  { key: 'dtype', title: 'Output dtype' },
];
export const WIDE_COLUMNS: readonly ColumnKey[] = ['type', 'outputShape', 'params', 'macs', 'outputBytes'];
export const NARROW_COLUMNS: readonly ColumnKey[] = ['params', 'macs'];

const BACKENDS = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'] as const;
/** The longest `flags=` read from a link (a line of flags, not a document). */
const MAX_FLAGS = 2000;
const SORTS: readonly SortKey[] = ['order', 'params', 'macs', 'outputBytes'];

export interface ModelSource {
  /** A bundled example's id (`examples/...`). */
  example?: string;
  /** An http(s) URL (or a path on this site) the browser fetches. */
  url?: string;
}

export interface ViewState {
  a?: ModelSource;
  b?: ModelSource;
  backend?: (typeof BACKENDS)[number];
  /** The options field's text: `--dim sequence_length=8 --input use_cache_branch=true --batch 2`. */
  flags?: string;
  /** `--depth`; undefined: the playground picks one that fits. */
  depth?: number;
  q?: string;
  sort?: SortKey;
  cols?: ColumnKey[];
  /** Selected row key (`id#callIndex`). */
  sel?: string;
  chart?: TreemapMetric;
}

/** Whether a `model=` value is something this page may fetch: http(s), or a path on this site. */
export function fetchableUrl(value: string, base: string): string | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function source(params: URLSearchParams, urlKey: string, exampleKey: string): ModelSource | undefined {
  const url = params.get(urlKey);
  const example = params.get(exampleKey);
  if (url) return { url };
  if (example) return { example };
  return undefined;
}

/** Reads the query string (`location.search`). Unknown or malformed values are left out. */
export function parseViewState(search: string): ViewState {
  const p = new URLSearchParams(search);
  const state: ViewState = {};
  const a = source(p, 'model', 'example');
  const b = source(p, 'compare', 'compareExample');
  if (a) state.a = a;
  if (a && b) state.b = b;
  const backend = p.get('backend');
  if (backend && (BACKENDS as readonly string[]).includes(backend)) state.backend = backend as ViewState['backend'];
  const flags = p.get('flags')?.trim();
  if (flags && flags.length <= MAX_FLAGS) state.flags = flags;
  const depth = p.get('depth');
  if (depth === 'all') state.depth = Number.POSITIVE_INFINITY;
  else if (depth !== null && /^\d{1,3}$/.test(depth)) state.depth = Number(depth);
  const q = p.get('q');
  if (q) state.q = q.slice(0, 200);
  const sort = p.get('sort');
  if (sort && (SORTS as readonly string[]).includes(sort)) state.sort = sort as SortKey;
  const cols = p.get('cols');
  if (cols !== null) {
    const known = new Set(COLUMNS.map((c) => c.key as string));
    state.cols = cols.split(',').filter((c) => known.has(c)) as ColumnKey[];
  }
  const sel = p.get('sel');
  if (sel) state.sel = sel;
  const chart = p.get('chart');
  if (chart === 'params' || chart === 'macs') state.chart = chart;
  return state;
}

/** The query string for a state (`?…`, or '' when empty); keys in a fixed order. */
export function viewStateToSearch(state: ViewState): string {
  const p = new URLSearchParams();
  if (state.a?.url) p.set('model', state.a.url);
  else if (state.a?.example) p.set('example', state.a.example);
  if (state.a && state.b?.url) p.set('compare', state.b.url);
  else if (state.a && state.b?.example) p.set('compareExample', state.b.example);
  if (state.backend && state.backend !== 'auto') p.set('backend', state.backend);
  if (state.flags?.trim()) p.set('flags', state.flags.trim());
  if (state.depth !== undefined) p.set('depth', Number.isFinite(state.depth) ? String(state.depth) : 'all');
  if (state.q) p.set('q', state.q);
  if (state.sort && state.sort !== 'order') p.set('sort', state.sort);
  if (state.cols) p.set('cols', state.cols.join(','));
  if (state.sel) p.set('sel', state.sel);
  if (state.chart && state.chart !== 'params') p.set('chart', state.chart);
  const text = p.toString();
  return text === '' ? '' : `?${text}`;
}
