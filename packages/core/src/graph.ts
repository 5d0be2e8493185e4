/**
 * Graph concepts every adapter needs, in one place: scope rows from hierarchical names, the row
 * naming rule, weight ownership with `sharedWith`, and the "path stays inside the model folder"
 * check. Pure functions over plain records; an adapter for another graph runtime uses them too.
 */
import type { DType, LayerRecord } from './contract.js';
import { summaryError } from './errors.js';

/** The type of the grouping rows {@link nestByScope} makes. */
export const SCOPE_TYPE = 'scope';

/** Options of {@link nestByScope}. */
export interface NestOptions {
  /** Separates scopes in a name. Default `/`. */
  separator?: string;
}

interface ScopeNode {
  /** Raw prefix of the scope, separator included (`/features/`), or the leaf's full name. */
  path: string;
  record?: LayerRecord;
  children: ScopeNode[];
  byPrefix: Map<string, ScopeNode>;
}

/**
 * Nests leaf records under scope rows made from their ids (`/features/conv1/Conv` → scopes
 * `features`, `conv1`), in pre-order, each scope before its children and holding them together.
 * A scope with a single child adds nothing and gives its place to that child. The naming rule:
 * `id` stays the full path; `name` becomes the part below the parent row (`Conv` under `conv1`,
 * `conv1/Conv` under `features` when `conv1` held only that node). Scope ids are the raw prefix
 * with its separator (`/features/`), made unique against the leaves' ids. Leaves are updated in place.
 */
export function nestByScope(leaves: readonly LayerRecord[], options: NestOptions = {}): LayerRecord[] {
  const separator = options.separator ?? '/';
  const root: ScopeNode = { path: '', children: [], byPrefix: new Map() };
  const taken = new Set(leaves.map((l) => l.id));
  for (const leaf of leaves) {
    let scope = root;
    for (const prefix of scopePrefixes(leaf.id, separator)) scope = childScope(scope, prefix, taken);
    scope.children.push({ path: leaf.id, record: leaf, children: [], byPrefix: new Map() });
  }
  const out: LayerRecord[] = [];
  emit(root, undefined, '', separator, out);
  return out;
}

/** Raw prefixes of the scopes above a name: `/a/b/Conv` → `/a/`, `/a/b/` (empty segments are not scopes). */
function scopePrefixes(name: string, separator: string): string[] {
  const prefixes: string[] = [];
  let at = name.indexOf(separator);
  let start = 0;
  while (at >= 0 && at < name.length - separator.length) {
    if (at > start) prefixes.push(name.slice(0, at + separator.length));
    start = at + separator.length;
    at = name.indexOf(separator, start);
  }
  return prefixes;
}

function childScope(parent: ScopeNode, prefix: string, taken: Set<string>): ScopeNode {
  let scope = parent.byPrefix.get(prefix);
  if (!scope) {
    let id = prefix;
    while (taken.has(id)) id = `${id}~`;
    taken.add(id);
    scope = { path: prefix, record: { id, name: prefix, type: SCOPE_TYPE, params: 0, paramBytes: 0 }, children: [], byPrefix: new Map() };
    parent.byPrefix.set(prefix, scope);
    parent.children.push(scope);
  }
  return scope;
}

function emit(scope: ScopeNode, parentId: string | undefined, parentPath: string, separator: string, out: LayerRecord[]): void {
  for (let child of scope.children) {
    while (child.children.length === 1) child = child.children[0] as ScopeNode;
    const record = child.record as LayerRecord;
    if (parentId === undefined) delete record.parentId;
    else record.parentId = parentId;
    record.name = relativeName(child.path, parentPath, separator);
    out.push(record);
    if (child.children.length > 0) emit(child, record.id, child.path, separator, out);
  }
}

function relativeName(path: string, parentPath: string, separator: string): string {
  let name = path.startsWith(parentPath) ? path.slice(parentPath.length) : path;
  while (name.startsWith(separator) && name.length > separator.length) name = name.slice(separator.length);
  while (name.endsWith(separator) && name.length > separator.length) name = name.slice(0, -separator.length);
  return name || path;
}

/** What a weight weighs: its element count, its bytes, and (where the runtime knows) whether it trains. */
export interface WeightFacts {
  elements: number;
  /** Bytes in memory (the runtime dtype). */
  bytes: number;
  /** Bytes as stored in the model file (a quantized or packed weight), when they differ from `bytes`. */
  storedBytes?: number;
  /** The dtype in memory, and as stored in the file when it differs: reported as the row's `paramDTypes`. */
  dtype?: DType;
  storedDType?: DType;
  /** Absent when the runtime has no notion of trainable weights (ONNX). */
  trainable?: boolean;
}

/** Ownership of weights across rows: see {@link weightLedger}. */
export interface WeightLedger<W> {
  /** `record` reads `weight`: the first reader owns it (its params grow), later readers share it. */
  use(record: LayerRecord, weight: W): void;
  /** Marks two rows as sharing weights (the same layer listed twice, ...), without moving params. */
  share(a: LayerRecord, b: LayerRecord): void;
  /** Writes `sharedWith` on every row involved (both sides) and returns each used weight's owner. */
  finish(): Map<W, LayerRecord>;
}

/**
 * The parameter rule of every adapter: every element of every weight is counted once, by the
 * first row that uses it; a row that uses a weight another row owns lists that row in
 * `sharedWith`, and the owner lists it back. Linear in uses, however widely a weight is shared.
 * `describe` returns undefined for a value that is not a weight.
 */
export function weightLedger<W>(describe: (weight: W) => WeightFacts | undefined): WeightLedger<W> {
  const owners = new Map<W, LayerRecord>();
  const shares = new Map<LayerRecord, Set<string>>();
  const link = (from: LayerRecord, to: LayerRecord): void => {
    let set = shares.get(from);
    if (!set) shares.set(from, (set = new Set(from.sharedWith ?? [])));
    set.add(to.id);
  };
  const share = (a: LayerRecord, b: LayerRecord): void => {
    if (a === b) return;
    link(a, b);
    link(b, a);
  };
  return {
    use(record, weight) {
      const owner = owners.get(weight);
      if (owner !== undefined) {
        share(owner, record);
        return;
      }
      const facts = describe(weight);
      if (facts === undefined) return;
      owners.set(weight, record);
      const bytesBefore = record.paramBytes;
      record.params += facts.elements;
      record.paramBytes += facts.bytes;
      if (facts.storedBytes !== undefined || record.storedParamBytes !== undefined) {
        record.storedParamBytes = (record.storedParamBytes ?? bytesBefore) + (facts.storedBytes ?? facts.bytes);
      }
      if (facts.dtype !== undefined) {
        const dtypes = (record.paramDTypes ??= { memory: [], stored: [] });
        if (!dtypes.memory.includes(facts.dtype)) dtypes.memory.push(facts.dtype);
        const stored = facts.storedDType ?? facts.dtype;
        if (!dtypes.stored.includes(stored)) dtypes.stored.push(stored);
      }
      if (facts.trainable !== undefined) record.trainableParams = (record.trainableParams ?? 0) + (facts.trainable ? facts.elements : 0);
    },
    share,
    finish() {
      for (const [record, ids] of shares) record.sharedWith = [...ids];
      shares.clear();
      return owners;
    },
  };
}

/**
 * Why `location` is not a relative path that stays inside the model's folder (empty, absolute, a
 * drive or a URL, a NUL byte, a `..` segment), or undefined when it is one. Lexical only: the
 * adapters' Node entries also resolve links and check the real path with {@link isInsideFolder}.
 */
export function unsafePathReason(location: string): string | undefined {
  const normalized = location.replace(/\\/g, '/');
  if (normalized.length === 0) return 'is empty';
  if (normalized.includes('\0')) return 'contains a NUL byte';
  if (normalized.startsWith('/') || /^[a-zA-Z]:/.test(normalized) || /^[a-z][a-z0-9+.-]*:\/\//i.test(normalized)) return 'is not a relative path';
  if (normalized.split('/').some((segment) => segment === '..')) return "leaves the model's folder";
  return undefined;
}

/**
 * Refuses a file location that leaves the model's folder with `UNSAFE_PATH`: `what` names the
 * thing that points there (`initializer "w" external data`, `weight shard`).
 */
export function checkRelativePath(location: string, what: string, label: string): void {
  const why = unsafePathReason(location);
  if (why !== undefined) {
    throw summaryError('UNSAFE_PATH', `${label}: ${what} "${location}" ${why}; refused`, { details: { file: label, location } });
  }
}

/**
 * True when `relativePath` — the path from the model's folder to a file's real location (Node's
 * `path.relative(folder, realpath(target))`) — stays inside the folder and is not the folder itself.
 */
export function isInsideFolder(relativePath: string): boolean {
  const p = relativePath.replace(/\\/g, '/');
  return p !== '' && p !== '..' && !p.startsWith('../') && !p.startsWith('/') && !/^[a-zA-Z]:/.test(p);
}
