/** MACs of one tfjs-layers call, from the layer MACs table (`layer-macs-table.ts`). */
import { macsFromTable } from '@modelsummary/core';
import { LAYER_MACS } from './layer-macs-table.js';

export interface LayerInfo {
  className: string;
  config: Record<string, unknown>;
  /** The wrapped layer of `Bidirectional` / `TimeDistributed`. */
  inner?: LayerInfo;
}

type Shape = readonly number[];

/** MACs of one call, or `undefined` when unknown (core shows "?"): no input or output, a class the table does not know, or shapes its formula cannot use. */
export function layerMacs(info: LayerInfo, inputs: readonly Shape[], outputs: readonly Shape[]): number | undefined {
  const x = inputs[0];
  const y = outputs[0];
  if (x === undefined || y === undefined) return undefined;
  return macsFromTable(LAYER_MACS, info.className, { info, inputs, outputs, x, y });
}
