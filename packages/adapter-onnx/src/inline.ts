/**
 * Observing inside If branches: onnxruntime cannot hand out a value computed inside a body, so once
 * the pass has told which branch of an If runs (its condition's value), the model is rewritten with
 * that branch inlined in place of the If (its nodes and initializers in the main graph, an
 * Identity from each branch output to the If's output) and run once more: the branch's nodes are
 * then ordinary nodes whose every output is fetched. Ifs inside an inlined branch are inlined on
 * the next round, when their conditions have been observed. Loop / Scan bodies are not inlined
 * (they run many times): their shapes come from the shape inference.
 */
import type { GraphBody, GraphNode } from './nodes.js';
import { onnx, type GraphProto, type ModelProto, type NodeProto } from './proto.js';

/** A model with the taken branches inlined, and the bodies that were. */
export interface InlinedModel {
  bytes: Uint8Array;
  /** Bodies whose nodes are now nodes of the main graph. */
  bodies: Set<GraphBody>;
  /** Names of every node output of the rewritten graph (to fetch). */
  outputs: string[];
}

/**
 * The model with every If whose condition `condition(name)` knows replaced by the branch it takes,
 * at every level reachable through inlined branches; undefined when no If can be inlined (or a
 * branch would bring a name the graph already has).
 */
export function inlineTakenBranches(
  model: ModelProto,
  nodes: readonly GraphNode[],
  condition: (name: string) => boolean | undefined,
): InlinedModel | undefined {
  const graph = model.graph as GraphProto;
  const bodies = new Set<GraphBody>();
  const names = new Set<string>();
  for (const i of graph.input ?? []) if (i.name) names.add(i.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) names.add(o);
  const initializers = [...(graph.initializer ?? [])];
  let clash = false;

  const expand = (protos: readonly NodeProto[], parsed: readonly GraphNode[]): NodeProto[] => {
    const out: NodeProto[] = [];
    protos.forEach((proto, k) => {
      const node = parsed[k];
      const cond = node && node.opType === 'If' && node.inputs[0] ? condition(node.inputs[0]) : undefined;
      const branch = cond === undefined ? undefined : node?.bodies.find((b) => b.attribute === (cond ? 'then_branch' : 'else_branch'));
      if (!node || !branch) {
        out.push(proto);
        return;
      }
      for (const t of branch.graph.initializer ?? []) {
        if (!t.name || names.has(t.name)) clash = true;
        else {
          names.add(t.name);
          initializers.push(t);
        }
      }
      for (const n of branch.graph.node ?? []) {
        for (const o of n.output ?? []) {
          if (!o) continue;
          if (names.has(o)) clash = true;
          names.add(o);
        }
      }
      bodies.add(branch);
      out.push(...expand(branch.graph.node ?? [], branch.nodes));
      branch.outputs.forEach((from, i) => {
        const to = node.outputs[i];
        if (to) out.push({ name: `${node.id}::ms_inlined_${i}`, opType: 'Identity', input: [from], output: [to] });
      });
    });
    return out;
  };

  const rewritten = expand(graph.node ?? [], nodes);
  if (bodies.size === 0 || clash) return undefined;
  const produced = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const outputs: string[] = [];
  for (const n of rewritten) for (const o of n.output ?? []) if (o && !produced.has(o)) outputs.push(o);
  const newGraph: GraphProto = {
    ...graph,
    node: rewritten,
    initializer: initializers,
    output: [...(graph.output ?? []), ...outputs.map((name) => ({ name }))],
  };
  const bytes = onnx.ModelProto.encode({ ...model, graph: newGraph } as ModelProto).finish();
  return { bytes, bodies, outputs };
}
