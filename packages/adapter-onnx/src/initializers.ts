/** Weights of an ONNX graph: initializers (dense and sparse) and the weights held by Constant nodes. Dims only: data is never read. */
import { checkRelativePath, isKnownDType, summaryError, tensorBytes, type DType } from '@modelsummary/core';
import { dtypeName, int64, type GraphProto, type NodeProto, type TensorProto } from './proto.js';

export interface Initializer {
  name: string;
  dims: number[];
  dtype: DType;
  elements: number;
  bytes: number;
  /** The weight is the output of a Constant node (not a graph initializer). */
  fromConstant?: boolean;
  /** External-data file (relative to the model's folder), when the data is not in the model file. */
  externalLocation?: string;
}

/** The weights of a graph, by name, and the external-data files they live in. */
export interface Weights {
  initializers: Map<string, Initializer>;
  externalFiles: string[];
}

/** float32, float16, float64, bfloat16, float8 variants. */
const FLOAT_TYPES = new Set([1, 10, 11, 16, 17, 18, 19, 20]);

/** Reads every initializer and Constant-held weight of `graph`; warnings go to `warnings`. */
export function readWeights(graph: GraphProto, label: string, warnings: string[]): Weights {
  const initializers = new Map<string, Initializer>();
  const externalFiles = new Set<string>();
  const add = (t: TensorProto, what: string): Initializer => {
    const init = initializerOf(t, what, label, warnings);
    if (init.externalLocation !== undefined) externalFiles.add(init.externalLocation);
    initializers.set(init.name, init);
    return init;
  };
  for (const t of graph.initializer ?? []) add(t, 'initializer');
  for (const s of graph.sparseInitializer ?? []) {
    // A sparse initializer's parameter count is its dense size (dims), like torch.
    if (s.values) add({ ...s.values, dims: s.dims ?? s.values.dims }, 'sparse initializer');
  }
  let constantParams = 0;
  for (const node of graph.node ?? []) {
    const t = constantWeight(node);
    if (!t || initializers.has(t.name as string)) continue;
    const init = initializerOf(t, 'Constant node output', label, warnings);
    if (init.elements <= 1) continue;
    init.fromConstant = true;
    initializers.set(init.name, init);
    constantParams += init.elements;
  }
  if (constantParams > 0) {
    warnings.push(`${constantParams} parameters are stored in Constant nodes rather than initializers; they are counted as parameters of the nodes that consume them`);
  }
  return { initializers, externalFiles: [...externalFiles] };
}

/**
 * The tensor of a Constant node that holds a weight (paddle2onnx and other exporters keep weights
 * there instead of in initializers): a floating-point value. Scalars (Clip bounds, ...) and integer
 * constants (shapes, axes) are not parameters; the caller drops one-element tensors.
 */
function constantWeight(node: NodeProto): TensorProto | undefined {
  const out = node.output?.[0];
  if (node.opType !== 'Constant' || (node.domain ?? '') !== '' || !out) return undefined;
  const value = (node.attribute ?? []).find((a) => a.name === 'value' || a.name === 'sparse_value' || a.name === 'value_floats');
  if (!value) return undefined;
  const t: TensorProto | undefined =
    value.name === 'value' ? (value.t ?? undefined)
    : value.name === 'sparse_value' ? (value.sparseTensor?.values ? { ...value.sparseTensor.values, dims: value.sparseTensor.dims ?? [] } : undefined)
    : { dims: [value.floats?.length ?? 0], dataType: 1 };
  return t && FLOAT_TYPES.has(t.dataType ?? 0) ? { ...t, name: out } : undefined;
}

function initializerOf(t: TensorProto, what: string, label: string, warnings: string[]): Initializer {
  const name = t.name ?? '';
  const dims = (t.dims ?? []).map((d, i) => {
    const n = int64(d);
    if (n === undefined || n < 0) {
      throw summaryError('INVALID_MODEL', `${label}: ${what} "${name}" has an invalid dimension ${String(d)} at axis ${i}`, {
        details: { file: label, initializer: name, dims: (t.dims ?? []).map(String) },
      });
    }
    return n;
  });
  const elements = dims.reduce((a, b) => a * b, 1);
  const dtype = dtypeName(t.dataType);
  if (!isKnownDType(dtype)) warnings.push(`${what} "${name}" has dtype ${dtype}, whose byte size is unknown: counted as 0 bytes`);
  const init: Initializer = { name, dims, dtype, elements, bytes: isKnownDType(dtype) ? tensorBytes(elements, dtype) : 0 };
  if (t.dataLocation === 1 /* EXTERNAL */) {
    const location = (t.externalData ?? []).find((e) => e.key === 'location')?.value ?? '';
    checkExternalLocation(location, name, label);
    init.externalLocation = location;
  }
  return init;
}

/** Refuses external-data locations that leave the model's folder (`UNSAFE_PATH`). */
export function checkExternalLocation(location: string, initializer: string, label: string): void {
  checkRelativePath(location, `initializer "${initializer}" external data at`, label);
}
