/**
 * `@modelsummary/core`: the `HookableModel` contract, `summarize()`, the formatters, the memory and
 * MACs conventions, and the helpers every adapter shares (device policy, scope rows, weight
 * ownership, path checks). Everything else in `src/` is internal.
 */
export type * from './contract.js';
export type * from './summary.js';

// summarize and its conventions
export { summarize, DEFAULT_MAX_INPUT_BYTES } from './summarize.js';
export type { SummarizeOptions } from './summarize.js';
export { DEFAULT_SYMBOLIC_DIM } from './inputs.js';
export { TORCHINFO_INPUT_OVERHEAD_BYTES, TORCHSUMMARY_BYTES_PER_ELEMENT, liveBytesByStep } from './memory.js';
export type { LivenessStep } from './memory.js';

// rendering and the JSON schema
export {
  ALL_COLUMNS,
  COLUMN_TITLES,
  DEFAULT_COLUMNS,
  OUTPUT_FORMATS,
  formatSummary,
  memoryLines,
  parseColumns,
  toJSON,
  torchinfoMultAddsLine,
  validateSummaryJSON,
} from './format/index.js';
export type {
  ColumnName,
  FormatOptionName,
  FormatOptions,
  FormatViewOptions,
  LayerJSON,
  OutputFormat,
  OutputFormatDescriptor,
  SummaryJSON,
} from './format/index.js';
export { detectModelFile } from './model-file.js';
export type { DetectedModelFile, ModelFileKind, ModelFileProblem } from './model-file.js';
export { diffSummaries } from './diff.js';
export type { Delta, LayerDiff, SummaryDiff } from './diff.js';

// errors
export { attributeToLayer, errorMessage, failedLayerOf, ForwardPassError, ModelSummaryError, summaryError } from './errors.js';
export type { ModelSummaryErrorCode, SummaryStep } from './errors.js';

// for adapter authors: shapes, dtypes, units
export { dtypeBits, isKnownDType, tensorBytes } from './dtype.js';
export { elementCount, formatShape, formatShapes, isConcreteShape } from './shape.js';
export { bytesIn, formatBytes, formatCompact, formatCount } from './units.js';
export type { UnitSystem } from './units.js';
export { dimExpressionNames, evaluateDimExpression, isDimExpression, parseDimExpression } from './dim-expr.js';
export type { DimExpression } from './dim-expr.js';
export { shellFlag, shellQuote } from './shell.js';
export { parseDimFlag, parseInputFlag, parseInputFlags, shellWords } from './flags.js';
export type { InputFlags } from './flags.js';

// for adapter authors: MACs formulas and tables
export {
  attentionMacs,
  batchNormMacs,
  convMacs,
  convTransposeMacs,
  defineMacsTable,
  denseMacs,
  elementwiseMacs,
  gemmMacs,
  gruMacs,
  layerNormMacs,
  lstmMacs,
  macsFromTable,
  matmulMacs,
  rnnMacs,
} from './macs.js';
export type { AttentionMacsParams, ConvMacsParams, ConvTransposeMacsParams, MacsRule, MacsTable, MacsTableSpec, RecurrentMacsParams } from './macs.js';

// for adapter authors: device policy and graph concepts
export { planDevices, readableReason, resolveDevice } from './device.js';
export type { DeviceOffer, DevicePlan, ResolvedDevice, SkippedDevice } from './device.js';
export { SCOPE_TYPE, checkRelativePath, isInsideFolder, nestByScope, unsafePathReason, weightLedger } from './graph.js';
export type { NestOptions, WeightFacts, WeightLedger } from './graph.js';

// for adapter authors: which constants are parameters
export { isFloatDType, isParameterConstant } from './weights-rule.js';
export type { ConstantFacts, ConstantRole } from './weights-rule.js';
