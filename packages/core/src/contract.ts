/**
 * The adapter contract, specification v1. An adapter is a plain factory
 * `(model, options) => HookableModel`; core drives it through `summarize()`.
 */

/** A value or a promise of it: adapters may answer synchronously or not. */
export type MaybePromise<T> = T | Promise<T>;

/** One dimension: a size, a symbolic name (ONNX `dim_param`), or `null` when unknown. */
export type Dim = number | string | null;

/** A tensor shape. */
export type Shape = readonly Dim[];

/** Element types known to core; other strings are accepted by adapters but have no byte size. */
export type KnownDType =
  | 'float64'
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'uint64'
  | 'int32'
  | 'uint32'
  | 'int16'
  | 'uint16'
  | 'int8'
  | 'uint8'
  | 'int4'
  | 'uint4'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'bool'
  | 'complex64'
  | 'complex128'
  | 'string';

/** A tensor element type. */
export type DType = KnownDType | (string & {});

/** Dtypes of weights: in memory (the runtime's) and as stored in the file (`{ memory: ['float32'], stored: ['uint8'] }`). */
export interface ParamDTypes {
  memory: DType[];
  stored: DType[];
}

/** Static facts about one layer (or graph node, or scope), known before any run. */
export interface LayerRecord {
  /** Unique within the model. */
  id: string;
  /** The enclosing layer; core derives depth from it. Parents are listed before children. */
  parentId?: string;
  /** Display name: `conv1`, `/layer1/layer1.0/conv1/Conv`. */
  name: string;
  /** Layer class or op type: `Conv2D`, `Conv`, or `scope` for a grouping row. */
  type: string;
  /** Parameters this layer OWNS: children excluded, weights already owned by an earlier layer excluded. */
  params: number;
  /** Trainable part of `params`; absent when the runtime has no such notion (ONNX). */
  trainableParams?: number;
  /** Exact bytes of the owned weights, from their real dtypes. */
  paramBytes: number;
  /** Bytes of the owned weights as stored in the model file (quantized, packed); absent: the same as `paramBytes`. */
  storedParamBytes?: number;
  /** Dtypes of the owned weights, in memory and as stored in the file. */
  paramDTypes?: ParamDTypes;
  /** Ids of other layers that use a weight counted here, or that own a weight this layer uses. */
  sharedWith?: string[];
  /** Static MACs of one call, when the adapter knows them without running. */
  macs?: number;
  /** Static output shapes (e.g. from ONNX `value_info`), used when the layer is not observed. */
  staticOutputShapes?: Shape[];
  /** Static output dtypes matching `staticOutputShapes`. */
  staticOutputDTypes?: DType[];
  /** Static input shapes (activations only, as `LayerEvent.inputShapes`), when known without running. */
  staticInputShapes?: Shape[];
  /**
   * `false`: the row does not run for the inputs of this summary (an untaken `If` branch): not
   * executed, its MACs not counted, no "never executed" warning; its static shapes still shown.
   * Its weights still count (they are the model's).
   */
  executed?: boolean;
  /**
   * The row runs only when its control-flow branch does (a node inside an If / Loop / Scan body):
   * after a pass in which it reported no event it is skipped like `executed: false`, not "never
   * executed". In static mode it is an ordinary static row.
   */
  conditional?: boolean;
  /** Kernel size, strides, groups, ... Shown by the `kernel` column when `kernel` is present. */
  attributes?: Record<string, unknown>;
}

/** What a hook saw when a layer ran. */
export interface LayerEvent {
  id: string;
  /** Shapes of EVERY input tensor, in order. */
  inputShapes: Shape[];
  /** Shapes of EVERY output tensor, in order. */
  outputShapes: Shape[];
  inputDTypes?: DType[];
  outputDTypes: DType[];
  /** Exact bytes of all outputs of this call, from their dtypes. */
  outputBytes: number;
  /** 0 for the first call of the layer, 1 for the second, ... Core numbers calls itself when absent. */
  callIndex?: number;
  /** MACs of this call, computed from the observed shapes; overrides `LayerRecord.macs`. */
  macs?: number;
  /** Identities of the input tensors (tensor names or ids), for liveness-based peak memory. */
  inputNames?: string[];
  /** Identities of the output tensors, matching `outputShapes`. */
  outputNames?: string[];
  /**
   * The layer ran, but the hooks could not see its tensors (a node inside a control-flow body):
   * the shapes come from shape inference. The row is executed; its shape provenance is `static`.
   */
  inferred?: boolean;
}

/** A value that fills every element of an input (a sample rate, a use-cache flag). */
export type InputValue = number | bigint | boolean;

/** One model input, as declared by the model or as requested by the user. */
export interface InputSpec {
  name?: string;
  shape: Shape;
  dtype?: DType;
  /** Fills every element of the mock tensor (a sample rate, a use-cache flag) instead of mock data. */
  value?: InputValue;
}

/**
 * What a caller asks of one input: matched by name (or by position when unnamed); what it leaves
 * out comes from the model (`{ name: 'sr', value: 16000 }` keeps the declared shape and dtype).
 */
export interface InputOverride {
  name?: string;
  shape?: Shape;
  dtype?: DType;
  value?: InputValue;
}

/** One output of a model, as `outputSpecs` reports it. */
export interface OutputSpec {
  name: string;
  /** The name inside the graph, when the signature names the output differently (`Identity:0`). */
  graphName?: string;
  /** A symbolic dim as its name; absent when unknown. */
  shape?: (number | string)[];
  dtype?: DType;
}

/** An input whose every dimension is a concrete size. */
export interface ResolvedInput {
  name: string;
  shape: number[];
  dtype: DType;
  /** Exact bytes of the mock tensor. */
  bytes: number;
  /** Every element takes this value (given by the caller); absent: the adapter's mock data. */
  value?: InputValue;
}

/** What `summarize` knows of the pass before it runs: handed to `listLayers`. */
export interface PassContext {
  /** The inputs of this summary, every dim concrete. */
  inputs: readonly ResolvedInput[];
  /** The value every named symbolic dim took (given, batch-filled or defaulted). */
  dims: Readonly<Record<string, number>>;
}

/** The key-value cache of a decoder (past / present key-value tensors), in exact bytes. */
export interface KVCacheEstimate {
  /** Bytes the cache grows by per token (every layer's key and value, the batch included). */
  bytesPerToken: number;
  /** Bytes of the cache at `tokens` (the present key-values of this pass). */
  bytes: number;
  /** Sequence length the cache holds after this pass (past + new tokens). */
  tokens: number;
}

/** Where the caller wants the mock pass to run. */
export type DeviceRequest = 'auto' | 'gpu' | 'cpu' | (string & {});

/** What `createMockInputs` gives back: the tensors and the device they really live on. */
export interface MockInputs<TTensor = unknown> {
  tensors: TTensor[];
  /** The device / backend / execution provider really used: `webgpu`, `cuda`, `wasm`, `cpu`, ... */
  device: string;
}

/** Removes every hook a `registerHooks` call installed. */
export type RemoveHooks = () => MaybePromise<void>;

/** A model made summarizable by an adapter. Specification v1. */
export interface HookableModel<TTensor = unknown> {
  readonly specificationVersion: 'v1';
  /** `tfjs`, `onnx`, or a custom runtime name. */
  readonly runtime: string;
  /** Model name for the header. */
  readonly name: string;
  /** Model format for the JSON: `onnx`, `tfjs-layers`, `tfjs-graph`, ... Defaults to `runtime`. */
  readonly format?: string;
  /**
   * True when the adapter cannot run the model (a static mode): core then makes no mock inputs,
   * runs nothing, and builds rows from `LayerRecord` static facts only (shapes not observed).
   */
  readonly staticOnly?: boolean;
  /**
   * Layers in pre-order: parents before children. `summarize` passes the resolved inputs and dims
   * of the pass (an adapter may infer static shapes from them, or tell which branch runs);
   * other callers may call it without.
   */
  listLayers(context?: PassContext): MaybePromise<LayerRecord[]>;
  /** Inputs as the model declares them (may hold symbolic or null dims). */
  inputSpecs(): MaybePromise<InputSpec[]>;
  /** Installs hooks; returns the function that removes them. */
  registerHooks(onEvent: (event: LayerEvent) => void): MaybePromise<RemoveHooks>;
  /** Creates mock inputs for the resolved specs on the requested device. */
  createMockInputs(specs: ResolvedInput[], device: DeviceRequest): MaybePromise<MockInputs<TTensor>>;
  /** Runs one forward pass; hooks report through `onEvent`. */
  run(tensors: TTensor[]): MaybePromise<void>;
  /** Frees the mock inputs. */
  disposeInputs(tensors: TTensor[]): MaybePromise<void>;
  /** What the runtime itself measured for the last pass, when it can. */
  measuredPeakBytes?(): MaybePromise<number | undefined>;
  /** The key-value cache of a decoder, after the pass (or from static shapes in static mode); undefined when the model has none. */
  kvCache?(): MaybePromise<KVCacheEstimate | undefined>;
  /** The model's outputs after the pass (names from its signature or graph, the shapes this pass gave them). */
  outputSpecs?(): MaybePromise<OutputSpec[] | undefined>;
  /** Warnings the adapter wants shown (control flow not inspected, defaults used, ...). */
  warnings?(): MaybePromise<string[]>;
  /** Releases everything the adapter holds (sessions, ...). Called by whoever created the adapter. */
  dispose?(): MaybePromise<void>;
}

/** The shape of every adapter: a plain factory. */
export type AdapterFactory<TModel, TOptions = Record<string, never>, TTensor = unknown> = (
  model: TModel,
  options?: TOptions,
) => MaybePromise<HookableModel<TTensor>>;
