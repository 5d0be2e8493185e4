export { onnxAdapter } from './adapter.js';
export type { OnnxAdapterOptions, OnnxHookableModel, ExternalDataFile } from './adapter.js';
export type { ParsedGraph, GraphNode, Initializer, ValueInfo } from './graph.js';
export { parseGraph, checkExternalLocation } from './graph.js';
export { nodeMacs } from './macs.js';
export type { MacsContext } from './macs.js';
export { decodeModel, addGraphOutputs } from './proto.js';
export { loadOrt } from './runtime.js';
export type { OrtModule, OrtPackage } from './runtime.js';
