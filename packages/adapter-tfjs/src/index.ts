export { tfjsAdapter, type TfjsAdapterOptions, type TfjsModel } from './adapter.js';
export { registerChainedOps } from './chained-ops.js';
export { HOOK_MARK } from './layers.js';
export { tfjsModelKind } from './model-kind.js';
export type { GraphModelLike, LayersModelLike, TfModule } from './types.js';
