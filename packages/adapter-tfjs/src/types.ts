import type * as tfc from '@tensorflow/tfjs-core';

/** The tfjs module the adapter works with: `@tensorflow/tfjs`, or `@tensorflow/tfjs-core`. */
export type TfModule = typeof tfc;
export type Tensor = tfc.Tensor;

/** The parts of a tfjs-layers `LayerVariable` the adapter reads. */
export interface LayerVariableLike {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly trainable: boolean;
  read(): Tensor;
}

/** The parts of a tfjs-layers `Layer` the adapter reads (and whose `call` it wraps). */
export interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig?(): Record<string, unknown>;
  readonly weights: LayerVariableLike[];
  call: (inputs: unknown, kwargs: unknown) => unknown;
  layers?: LayerLike[];
  inputLayers?: LayerLike[];
  outputShape?: unknown;
  built?: boolean;
  forwardLayer?: LayerLike;
  layer?: LayerLike;
}

/** A symbolic tensor of a layers model's graph. */
export interface SymbolicTensorLike {
  readonly name: string;
  readonly shape: readonly (number | null)[];
  readonly dtype: string;
}

/** The parts of a tfjs-layers `LayersModel` (tf.sequential, tf.model, loaded) the adapter reads. */
export interface LayersModelLike extends LayerLike {
  layers: LayerLike[];
  inputs: SymbolicTensorLike[];
  inputNames?: string[];
  outputNames?: string[];
  readonly trainableWeights: LayerVariableLike[];
  collectedTrainableWeights?: LayerVariableLike[] | null;
  predict(x: Tensor | Tensor[], args?: { batchSize?: number; verbose?: boolean }): Tensor | Tensor[];
}

/** A node of a converted graph (tfjs-converter's `Node`). */
export interface GraphNodeLike {
  name: string;
  op: string;
  category?: string;
  inputNames: string[];
  inputs: GraphNodeLike[];
  /** The nodes that read this one. */
  children?: GraphNodeLike[];
  attrParams?: Record<string, { value?: unknown; type?: string } | undefined>;
}

/** The parts of a tfjs-converter `GraphModel` the adapter reads. */
export interface GraphModelLike {
  execute(inputs: Record<string, Tensor> | Tensor | Tensor[], outputs?: string | string[]): Tensor | Tensor[];
  executeAsync(inputs: Record<string, Tensor> | Tensor | Tensor[], outputs?: string | string[]): Promise<Tensor | Tensor[]>;
  readonly inputs: { name: string; shape?: number[]; dtype: string }[];
  readonly outputs: { name: string; shape?: number[]; dtype: string }[];
  readonly weights: Record<string, Tensor[]>;
  executor?: { graph?: { nodes?: Record<string, GraphNodeLike>; functions?: Record<string, unknown> } };
  artifacts?: { modelTopology?: unknown; weightSpecs?: unknown[]; signature?: unknown };
  /** The intermediate tensors of the last pass, kept when `KEEP_INTERMEDIATE_TENSORS` is on (tfjs-converter ≥ 3.18). */
  getIntermediateTensors?(): Record<string, (Tensor | null | undefined)[] | null | undefined> | null | undefined;
  disposeIntermediateTensors?(): void;
}
