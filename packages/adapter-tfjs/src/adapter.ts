import { summaryError, type HookableModel } from '@modelsummary/core';
import { tfjsGraphAdapter } from './graph-adapter.js';
import { isGraphModel } from './graph.js';
import { tfjsLayersAdapter } from './layers-adapter.js';
import { isLayersModel } from './layers.js';
import type { TfjsAdapterOptions } from './pass-runtime.js';
import type { Tensor } from './types.js';

export type { TfjsAdapterOptions } from './pass-runtime.js';

/** A model the adapter accepts: a tfjs-layers `LayersModel` or a tfjs-converter `GraphModel`. */
export type TfjsModel =
  | { readonly layers: readonly unknown[]; predict(...args: never[]): unknown; getClassName(): string }
  | { execute(...args: never[]): unknown; executeAsync(...args: never[]): unknown };

/**
 * Makes a TensorFlow.js `LayersModel` (tf.sequential, tf.model, loaded or nested) or `GraphModel`
 * summarizable: `summarize(tfjsAdapter(model))`.
 */
export function tfjsAdapter(model: TfjsModel, options: TfjsAdapterOptions = {}): HookableModel<Tensor> {
  if (isLayersModel(model)) return tfjsLayersAdapter(model, options);
  if (isGraphModel(model)) return tfjsGraphAdapter(model, options);
  throw summaryError('INVALID_MODEL', 'tfjsAdapter takes a tfjs LayersModel (tf.sequential, tf.model, tf.loadLayersModel) or GraphModel (tf.loadGraphModel)');
}
