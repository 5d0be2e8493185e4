/** `@modelsummary/adapter-tfjs`: TensorFlow.js LayersModel and GraphModel. Node helpers (WebGPU, files): `@modelsummary/adapter-tfjs/node`. */
export { tfjsAdapter } from './adapter.js';
export type { TfjsAdapterOptions, TfjsModel } from './adapter.js';
export { tfjsGraphAdapter } from './graph-adapter.js';
export { tfjsLayersAdapter } from './layers-adapter.js';
export { registerChainedOps } from './chained-ops.js';
export { HOOK_MARK } from './layers.js';
export { tfjsModelKind } from './model-kind.js';
export { checkLayersTopology } from './topology.js';
export type { GraphModelLike, LayersModelLike, TfModule } from './types.js';
