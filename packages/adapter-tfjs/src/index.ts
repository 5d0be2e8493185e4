export { tfjsAdapter, type TfjsAdapterOptions, type TfjsModel } from './adapter.js';
export { registerChainedOps } from './chained-ops.js';
export type { GraphModelLike, LayersModelLike, TfModule } from './types.js';
