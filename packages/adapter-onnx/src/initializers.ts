/**
 * Weight candidates of one ONNX graph (the main graph or a control-flow body): initializers (dense
 * and sparse) and the tensors held by Constant nodes. Which of them are parameters is decided by
 * how nodes use them (`weights.ts`). Dims only: data is never read.
 */
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
  /** The graph it belongs to: '' for the main graph, else the id of the body row (`If_0/then_branch`). */
  scope?: string;
  /** External-data file (relative to the model's folder), when the data is not in the model file. */
  externalLocation?: string;
  /** Where the data starts in that file (`offset`, default 0) and how long it is (`length`, default: its bytes). */
  externalRange?: { offset: number; length: number };
}

/** The weights of a graph, by name, and the external-data files they live in. */
export interface Weights {
  initializers: Map<string, Initializer>;
  externalFiles: string[];
}

/**
 * Reads every initializer and every Constant-held tensor of `graph` (not of its bodies); warnings
 * go to `warnings`. `scope` tags each one with the graph it belongs to.
 */
export function readWeights(graph: GraphProto, label: string, warnings: string[], scope = ''): Weights {
  const initializers = new Map<string, Initializer>();
  const externalFiles = new Set<string>();
  const add = (t: TensorProto, what: string): Initializer => {
    const init = initializerOf(t, what, label, warnings);
    if (scope) init.scope = scope;
    if (init.externalLocation !== undefined) externalFiles.add(init.externalLocation);
    initializers.set(init.name, init);
    return init;
  };
  for (const t of graph.initializer ?? []) add(t, 'initializer');
  for (const s of graph.sparseInitializer ?? []) {
    // A sparse initializer's parameter count is its dense size (dims), like torch.
    if (s.values) add({ ...s.values, dims: s.dims ?? s.values.dims }, 'sparse initializer');
  }
  for (const node of graph.node ?? []) {
    const t = constantTensor(node);
    if (!t || initializers.has(t.name as string)) continue;
    const init = initializerOf(t, 'Constant node output', label, warnings);
    init.fromConstant = true;
    if (scope) init.scope = scope;
    initializers.set(init.name, init);
  }
  return { initializers, externalFiles: [...externalFiles] };
}

/**
 * The tensor a Constant node holds (`value`, `sparse_value`, `value_float(s)`, `value_int(s)`),
 * dims and dtype only. Exporters keep shapes and axes there, and paddle2onnx and others weights too:
 * whether it is a parameter depends on the nodes that read it.
 */
function constantTensor(node: NodeProto): TensorProto | undefined {
  const out = node.output?.[0];
  if (node.opType !== 'Constant' || (node.domain ?? '') !== '' || !out) return undefined;
  for (const a of node.attribute ?? []) {
    switch (a.name) {
      case 'value':
        return a.t ? { ...a.t, name: out } : undefined;
      case 'sparse_value':
        return a.sparseTensor?.values ? { ...a.sparseTensor.values, dims: a.sparseTensor.dims ?? [], name: out } : undefined;
      case 'value_float':
        return { name: out, dims: [], dataType: 1 };
      case 'value_floats':
        return { name: out, dims: [a.floats?.length ?? 0], dataType: 1 };
      case 'value_int':
        return { name: out, dims: [], dataType: 7 };
      case 'value_ints':
        return { name: out, dims: [a.ints?.length ?? 0], dataType: 7 };
      case 'value_string':
        return { name: out, dims: [], dataType: 8 };
      case 'value_strings':
        return { name: out, dims: [a.strings?.length ?? 0], dataType: 8 };
      default:
    }
  }
  return undefined;
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
    const number = (key: string): number | undefined => {
      const v = (t.externalData ?? []).find((e) => e.key === key)?.value;
      const n = v === undefined || v === null ? undefined : Number(v);
      return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    };
    init.externalRange = { offset: number('offset') ?? 0, length: number('length') ?? init.bytes };
  }
  return init;
}

/** Refuses external-data locations that leave the model's folder (`UNSAFE_PATH`). */
export function checkExternalLocation(location: string, initializer: string, label: string): void {
  checkRelativePath(location, `initializer "${initializer}" external data at`, label);
}
