/** `@modelsummary/adapter-onnx`: ONNX models on onnxruntime (node or web). Node file helpers: `@modelsummary/adapter-onnx/node`. */
export { onnxAdapter } from './adapter.js';
export type { ExternalDataFile, OnnxAdapterOptions, OnnxHookableModel } from './adapter.js';
export type { GraphNode, Initializer, ParsedGraph, ValueInfo } from './graph.js';
export { loadOrt } from './runtime.js';
export type { OrtModule, OrtPackage } from './runtime.js';
export type { ProfileStore } from './profile-capture.js';
