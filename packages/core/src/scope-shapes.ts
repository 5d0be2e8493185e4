/**
 * The shapes of a grouping row (a scope made from node names, a name scope of a TF.js graph): the
 * values that cross its boundary. A value read inside the scope and made outside it (or fed to the
 * model) enters it; a value made inside and read outside it leaves it (and, for a scope nothing
 * else leaves, the values nobody reads: the model's outputs). Found from the leaf events' tensor names, in the order the values are first read / made.
 */
import type { LayerEvent, Shape } from './contract.js';
import type { LayerRow } from './summary.js';

interface Boundary {
  inputs: Map<string, Shape>;
  outputs: Map<string, Shape>;
  /** Its outputs are only values nobody reads. */
  unreadOnly?: boolean;
}

/**
 * Sets `inputShapes` / `outputShapes` on container rows that saw no event of their own, from the
 * events of the rows below them. `modelInputs`: the names fed to the model (a value with no
 * producing event enters a scope only when it is one: weights and constants do not). Events
 * without tensor names give their scopes nothing. Linear in tensor uses × nesting depth.
 */
export function fillScopeShapes(rows: LayerRow[], events: readonly LayerEvent[], modelInputs: readonly string[]): void {
  const parentOf = new Map<string, string | undefined>();
  for (const r of rows) parentOf.set(r.id, r.parentId);
  const targets = new Map<string, Boundary>();
  for (const r of rows) {
    if (r.isContainer && r.inputShapes.length === 0 && r.outputShapes.length === 0) targets.set(r.id, { inputs: new Map(), outputs: new Map() });
  }
  if (targets.size === 0) return;

  const chains = new Map<string | undefined, ReadonlySet<string>>();
  /** The scopes (target rows) above a row: its ancestors that get boundary shapes. */
  const scopesAbove = (id: string): ReadonlySet<string> => {
    const parent = parentOf.get(id);
    let chain = chains.get(parent);
    if (chain === undefined) {
      const set = new Set<string>();
      for (let p = parent; p !== undefined; p = parentOf.get(p)) if (targets.has(p)) set.add(p);
      chains.set(parent, (chain = set));
    }
    return chain;
  };

  const producers = new Map<string, { scopes: ReadonlySet<string>; shape: Shape }>();
  for (const e of events) {
    if (!parentOf.has(e.id)) continue;
    e.outputNames?.forEach((name, k) => {
      const shape = e.outputShapes[k];
      if (shape !== undefined && !producers.has(name)) producers.set(name, { scopes: scopesAbove(e.id), shape });
    });
  }
  const fed = new Set(modelInputs);
  const read = new Set<string>();
  for (const e of events) {
    if (!parentOf.has(e.id)) continue;
    const inside = scopesAbove(e.id);
    e.inputNames?.forEach((name, k) => {
      const shape = e.inputShapes[k];
      if (shape === undefined) return;
      const made = producers.get(name);
      if (made === undefined && !fed.has(name) && !fed.has(name.replace(/:0$/, ''))) return; // a weight, a constant
      for (const scope of inside) if (!made?.scopes.has(scope)) targets.get(scope)!.inputs.set(name, shape);
      if (made !== undefined) {
        read.add(name);
        for (const scope of made.scopes) if (!inside.has(scope)) targets.get(scope)!.outputs.set(name, made.shape);
      }
    });
  }
  // Made and read by nobody: the model's outputs — or an output nobody uses (an LSTM's last
  // states). They leave a scope only when nothing else does (the scope that makes the model's result).
  for (const [name, made] of producers) {
    if (read.has(name)) continue;
    for (const scope of made.scopes) {
      const b = targets.get(scope)!;
      if (b.outputs.size === 0 || b.unreadOnly) {
        b.outputs.set(name, made.shape);
        b.unreadOnly = true;
      }
    }
  }
  const order = new Map([...producers.keys()].map((name, i) => [name, i] as const));
  for (const r of rows) {
    const b = targets.get(r.id);
    if (b === undefined || (b.inputs.size === 0 && b.outputs.size === 0)) continue;
    r.inputShapes = [...b.inputs.values()];
    r.provenance = { ...r.provenance, shape: 'observed' };
    r.outputShapes = [...b.outputs.entries()].sort((x, y) => (order.get(x[0]) ?? 0) - (order.get(y[0]) ?? 0)).map(([, s]) => s);
  }
}
