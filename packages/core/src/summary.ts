import type { DType, KVCacheEstimate, ParamDTypes, Shape } from './contract.js';

/** The memory conventions core can compute. */
export type MemoryConvention = 'default' | 'torchsummary' | 'torchinfo';

/** Where a row's figure came from. */
export type Provenance = 'observed' | 'static' | 'unknown';

/** One row of the summary: a layer call, a layer that never ran, or a scope. */
export interface LayerRow {
  id: string;
  name: string;
  type: string;
  /** 0 for top-level rows. */
  depth: number;
  parentId?: string;
  inputShapes: Shape[];
  outputShapes: Shape[];
  outputDTypes: DType[];
  /** Bytes of this call's outputs; 0 when it did not run. */
  outputBytes: number;
  /** Owned parameters; 0 on a repeated call (the first call owns them). */
  params: number;
  trainableParams?: number;
  paramBytes: number;
  /** Bytes of the owned weights as stored in the file, when the adapter knows them (0 on a repeated call). */
  storedParamBytes?: number;
  paramDTypes?: ParamDTypes;
  /** MACs of this call; `undefined` when unknown ("?"). */
  macs?: number;
  sharedWith?: string[];
  /** 0 for the first call; later calls of a shared layer get 1, 2, ... */
  callIndex: number;
  executed: boolean;
  /**
   * True for a row that does not run for these inputs (an untaken `If` branch, `LayerRecord.executed`
   * false): it shows static shapes, its MACs are not counted and never unknown.
   */
  skipped?: boolean;
  /** True for rows that have children rows. */
  isContainer: boolean;
  attributes?: Record<string, unknown>;
  provenance: { shape: Provenance; macs: Provenance };
}

export interface SummaryTotals {
  params: number;
  /** Absent when the runtime has no notion of trainability. */
  trainableParams?: number;
  nonTrainableParams?: number;
  /** Bytes of the weights in memory (the runtime dtype). */
  paramBytes: number;
  /**
   * Bytes of the weights as stored in the model file (quantized or packed weights): present when
   * the adapter reports them. Rows that do not report them count their `paramBytes`.
   */
  storedParamBytes?: number;
  /** The weights' dtypes in memory and as stored, when the adapter reports them. */
  paramDTypes?: ParamDTypes;
  /** Sum of known MACs. */
  macs: number;
  /** How many executed leaf rows have unknown MACs (the total is then a lower bound). */
  unknownMacsLayers: number;
}

export interface MemoryEstimate {
  convention: MemoryConvention;
  inputBytes: number;
  activationBytes: number;
  forwardBackwardBytes: number;
  /** Bytes of the weights in memory: what the estimate adds up. */
  paramBytes: number;
  /** Bytes of the weights as stored in the file (shown beside `paramBytes`; not part of `totalBytes`). */
  storedParamBytes?: number;
  totalBytes: number;
  peakActivationBytes: number;
  measuredPeakBytes?: number;
  /** For a decoder with past / present key-value tensors: its key-value cache (not part of `totalBytes`). */
  kvCache?: KVCacheEstimate;
}

/** The memory block of a summary (the estimate, with the KV cache of a decoder). */
export type SummaryMemory = MemoryEstimate;

export interface SummaryInput {
  name: string;
  shape: number[];
  dtype: DType;
  bytes: number;
}

/** One output of the model: its name (the signature's, when the model has one) and what the pass gave it. */
export interface SummaryOutput {
  name: string;
  /** The name inside the graph, when the signature names the output differently (`Identity:0`). */
  graphName?: string;
  /** Sizes of this pass (or inferred, in static mode); a symbolic dim as its name; absent when unknown. */
  shape?: (number | string)[];
  dtype?: DType;
}

/** A symbolic or open dim the caller did not give: the value the summary used, and the flag that sets it. */
export interface SummaryDefaultedDim {
  /** The dim's name, or `input[axis]` for an unnamed dim. */
  name: string;
  value: number;
  /** The CLI flag that sets it, shell-quoted: `--dim sequence_length=N`. */
  flag: string;
}

/** Everything a summary knows. Render it with `formatSummary`, serialize it with `toJSON`. */
export interface ModelSummary {
  model: { name: string; format: string; runtime: string };
  device: string;
  batchSize: number;
  inputs: SummaryInput[];
  /** The model's outputs, when the adapter names them. */
  outputs?: SummaryOutput[];
  /** Dims nobody gave that took a default (1, or a larger value a failed pass was retried with). */
  defaultedDims?: SummaryDefaultedDim[];
  layers: LayerRow[];
  totals: SummaryTotals;
  memory: SummaryMemory;
  warnings: string[];
}
