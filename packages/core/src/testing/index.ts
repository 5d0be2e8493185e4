export * from './mock-model.js';
export * from './conformance.js';
