/** Runtime-neutral: tells a tfjs `model.json`'s kind from its content (no I/O). */

/** Whether a model.json holds a layers model or a graph model (from its `format` and topology). */
export function tfjsModelKind(artifacts: { format?: string; modelTopology?: unknown }): 'layers' | 'graph' {
  const topology = (artifacts.modelTopology ?? {}) as Record<string, unknown>;
  if (artifacts.format === 'graph-model' || Array.isArray(topology.node)) return 'graph';
  if (artifacts.format === 'layers-model' || 'class_name' in topology || 'model_config' in topology) return 'layers';
  return 'graph';
}
