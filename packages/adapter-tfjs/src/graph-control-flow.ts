/**
 * TF.js control flow, read from the graph without running it: which nodes sit inside a while-loop
 * frame (between `Enter` and `Exit`), which depend on a `Switch` branch (until a `Merge` joins the
 * branches), and so which nodes one `executeAsync` can return (TF.js returns only root-frame
 * tensors, and a node of the branch not taken has none).
 */
import type { GraphNodeLike } from './types.js';

/** The ops TF.js runs as control flow (its `isControlFlow`): never asked for as outputs. */
export const CONTROL_FLOW_OPS = new Set(['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond', 'StatelessIf', 'StatelessWhile', 'If', 'While', 'if']);

export interface ControlFlowFacts {
  /** The loop frame of each node inside one (`outer/inner` for nested frames). */
  frameOf: Map<string, string>;
  /** Nodes of the root frame that run only on one side of a `Switch` (an untaken branch has no tensors). */
  conditional: Set<string>;
  /** True when the graph has while loops or `Switch` / `Merge`. */
  present: boolean;
}

function parseInput(name: string): [string, number] {
  const clean = name.startsWith('^') ? name.slice(1) : name;
  const m = /^(.*):(\d+)$/.exec(clean);
  return m ? [m[1] as string, Number(m[2])] : [clean, 0];
}

function frameName(node: GraphNodeLike): string {
  const v = node.attrParams?.frameName?.value;
  return typeof v === 'string' && v.length > 0 ? v : node.name;
}

/**
 * Frames and branches of every node, by propagation over the inputs (control inputs included) in
 * a few sweeps of `order` (loops make cycles: `NextIteration` → `Merge`). A node's frame is the
 * innermost of its inputs' frames; `Enter` opens its `frame_name` inside its input's frame, `Exit`
 * leaves it. A node's branch condition is the union of its inputs' (each `Switch` output adds
 * `switch:port`); a `Merge` keeps only what all its inputs share, so joining both branches of a
 * `Switch` ends the condition.
 */
export function analyzeControlFlow(order: readonly GraphNodeLike[], all: Record<string, GraphNodeLike>): ControlFlowFacts {
  const present = order.some((n) => CONTROL_FLOW_OPS.has(n.op));
  const frame = new Map<string, string>();
  const cond = new Map<string, Set<string>>();
  if (!present) return { frameOf: new Map(), conditional: new Set(), present };

  const inputsOf = (node: GraphNodeLike) => (node.inputNames ?? []).map(parseInput).filter(([n]) => n in all);
  for (let sweep = 0, changed = true; changed && sweep < 64; sweep += 1) {
    changed = false;
    for (const node of order) {
      const inputs = inputsOf(node);
      // frame
      const known = inputs.map(([n]) => frame.get(n)).filter((f): f is string => f !== undefined);
      let f = known.reduce((a, b) => (b.length > a.length ? b : a), '');
      if (node.op === 'Enter') f = f === '' ? frameName(node) : `${f}/${frameName(node)}`;
      else if (node.op === 'Exit') f = f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '';
      if (frame.get(node.name) !== f && (known.length > 0 || inputs.length === 0 || node.op === 'Enter')) {
        frame.set(node.name, f);
        changed = true;
      }
      // branch condition
      const sets = inputs.map(([n, port]) => {
        const base = cond.get(n) ?? new Set<string>();
        const src = all[n];
        if (src?.op !== 'Switch') return base;
        return new Set([...base, `${n}:${port}`]);
      });
      let next: Set<string>;
      if (node.op === 'Merge') {
        next = sets.length === 0 ? new Set() : new Set([...(sets[0] as Set<string>)].filter((t) => sets.every((s) => s.has(t))));
        // the two ports of one Switch joined: the condition on that Switch ends here
        const ports = new Map<string, Set<string>>();
        for (const s of sets) for (const t of s) {
          const [sw, port] = parseInput(t);
          if (!ports.has(sw)) ports.set(sw, new Set());
          (ports.get(sw) as Set<string>).add(String(port));
        }
        for (const t of [...next]) if ((ports.get(parseInput(t)[0])?.size ?? 0) > 1) next.delete(t);
      } else {
        next = new Set(sets.flatMap((s) => [...s]));
      }
      const prev = cond.get(node.name);
      if (!prev || prev.size !== next.size || [...next].some((t) => !prev.has(t))) {
        cond.set(node.name, next);
        changed = true;
      }
    }
  }
  const frameOf = new Map<string, string>();
  for (const [name, f] of frame) if (f !== '') frameOf.set(name, f);
  const conditional = new Set<string>();
  for (const [name, c] of cond) if (c.size > 0 && !frameOf.has(name)) conditional.add(name);
  return { frameOf, conditional, present };
}
