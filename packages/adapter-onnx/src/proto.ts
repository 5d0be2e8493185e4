/**
 * Decoding and rewriting ONNX ModelProto bytes with `onnx-proto` (protobufjs static code).
 * Tensor `raw_data` stays a view into the model bytes: weights are never copied or read.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import protobuf from 'protobufjs/minimal.js';
import { summaryError } from '@modelsummary/core';

export const onnx: typeof OnnxTypes = (onnxProto as unknown as { onnx: typeof OnnxTypes }).onnx;

export type ModelProto = OnnxTypes.ModelProto;
export type GraphProto = OnnxTypes.IGraphProto;
export type NodeProto = OnnxTypes.INodeProto;
export type TensorProto = OnnxTypes.ITensorProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;
export type AttributeProto = OnnxTypes.IAttributeProto;

/** A protobufjs int64: a number, or a `Long` when the `long` package is present. */
type Int64 = number | { toNumber(): number; toString(): string } | null | undefined;

/** Converts a protobufjs int64 to a number; `undefined` when it is not a safe integer. */
export function int64(value: Int64): number | undefined {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : value.toNumber();
  return Number.isSafeInteger(n) ? n : undefined;
}

const textDecoder = new TextDecoder();

/**
 * protobufjs's reader over a plain `Uint8Array`, with strings decoded natively: its own UTF-8
 * decoder is a JavaScript loop per byte, which a short-lived CLI process runs before it is
 * optimized (a third of a 1,300-node graph's decode time). The protobufjs copy is bundled: the
 * user's protobufjs is not touched.
 */
class ModelReader extends protobuf.Reader {
  override string(): string {
    const length = this.uint32();
    const start = this.pos;
    if (start + length > this.len) throw new RangeError(`index out of range: ${start} + ${length} > ${this.len}`);
    this.pos = start + length;
    return textDecoder.decode(this.buf.subarray(start, this.pos));
  }
}

/** Decodes model bytes; every failure becomes an `INVALID_MODEL` error naming the file. */
export function decodeModel(bytes: Uint8Array, label: string): ModelProto {
  if (bytes.byteLength === 0) {
    throw summaryError('INVALID_MODEL', `${label}: the file is empty (0 bytes), not an ONNX model`, { details: { file: label } });
  }
  let model: ModelProto;
  try {
    // A Node Buffer makes protobufjs call the deprecated `new Buffer(0)` for an empty field: read a plain view.
    model = onnx.ModelProto.decode(new ModelReader(bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw summaryError(
      'INVALID_MODEL',
      `${label}: not a valid ONNX model (protobuf decoding failed after reading part of ${bytes.byteLength} bytes: ${why}); the file may be truncated or not ONNX`,
      { cause, details: { file: label, bytes: bytes.byteLength } },
    );
  }
  if (!model.graph) {
    throw summaryError('INVALID_MODEL', `${label}: not a valid ONNX model (no graph found in ${bytes.byteLength} bytes)`, {
      details: { file: label, bytes: bytes.byteLength },
    });
  }
  if (!model.graph.node || model.graph.node.length === 0) {
    throw summaryError('INVALID_MODEL', `${label}: the ONNX graph has no nodes`, { details: { file: label } });
  }
  return model;
}

/**
 * Returns model bytes whose graph lists `extraOutputs` as additional graph outputs (name-only
 * ValueInfo entries). Protobuf merges a repeated occurrence of the `graph` field into the first one,
 * so the extra outputs are encoded as a small `ModelProto { graph { output: [...] } }` and appended:
 * nothing of the original model is re-encoded (no weight is copied through protobufjs, no unknown
 * field of a newer ONNX version is lost).
 */
export function addGraphOutputs(bytes: Uint8Array, extraOutputs: readonly string[]): Uint8Array {
  if (extraOutputs.length === 0) return bytes;
  const tail = onnx.ModelProto.encode({ graph: { output: extraOutputs.map((name) => ({ name })) } }).finish();
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes, 0);
  out.set(tail, bytes.byteLength);
  return out;
}

/** Buffers this package allocated with spare room after the model (never a caller's buffer: that room may hold other data). */
const withRoom = new WeakSet<ArrayBufferLike>();

/** Marks a buffer allocated by the file helper as one whose room after the model may be written. */
export function markSpareRoom(buffer: ArrayBufferLike): void {
  withRoom.add(buffer);
}

/** How one observed tensor is read back: its rank when known statically, and the empty tensor that tells its dtype when not. */
export interface Probe {
  rank?: number;
  type?: string;
}

/** Name of the single int64 output holding every probed shape. */
export const SHAPES_OUTPUT = '::ms_shapes';

/**
 * Returns model bytes that observe `tensors` cheaply. For each tensor X: `Shape(X)` (and, when X's
 * rank is not known statically, `Shape(Shape(X))`, its rank), all concatenated into ONE int64
 * output (`SHAPES_OUTPUT`: [rank,] dims, tensor after tensor); when X's dtype is not known
 * (`knownDType`), `Gather(Reshape(X, [-1]), [])`, an EMPTY tensor of X's dtype, as an output.
 * X itself stays an intermediate: onnxruntime keeps reusing its buffers and copies no activation
 * out of the session (fetching every intermediate costs a copy of every activation, and one fetch
 * per tensor costs onnxruntime time per fetch). `alsoOutputs` (small tensors whose values are read:
 * control-flow conditions) become graph outputs too. Like `addGraphOutputs`, the nodes are appended as a
 * second `graph` field that protobuf merges. Undefined when a generated name collides with `taken`.
 */
export function addShapeProbes(
  bytes: Uint8Array,
  tensors: readonly string[],
  knownDType: (name: string) => boolean,
  rankOf: (name: string) => number | undefined,
  taken: (name: string) => boolean,
  alsoOutputs: readonly string[] = [],
): { bytes: Uint8Array; probes: Map<string, Probe> } | undefined {
  const probes = new Map<string, Probe>();
  const flatShape = '::ms_flat_shape';
  const emptyIndex = '::ms_empty_index';
  if (taken(flatShape) || taken(emptyIndex) || taken(SHAPES_OUTPUT)) return undefined;
  const INT64 = 7;
  const tensorAttr = (dims: number[], values: number[]): OnnxTypes.IAttributeProto => ({
    name: 'value',
    type: 4, // TENSOR
    t: { dims, dataType: INT64, int64Data: values },
  });
  const nodes: OnnxTypes.INodeProto[] = [
    { name: `${flatShape}_probe`, opType: 'Constant', output: [flatShape], attribute: [tensorAttr([1], [-1])] },
    { name: `${emptyIndex}_probe`, opType: 'Constant', output: [emptyIndex], attribute: [tensorAttr([0], [])] },
  ];
  const outputs: OnnxTypes.IValueInfoProto[] = [{ name: SHAPES_OUTPUT }, ...alsoOutputs.map((name) => ({ name }))];
  const parts: string[] = [];
  for (const x of tensors) {
    const shape = `${x}::ms_shape`;
    if (taken(shape)) return undefined;
    nodes.push({ name: `${shape}_probe`, opType: 'Shape', input: [x], output: [shape] });
    const probe: Probe = {};
    const rank = rankOf(x);
    if (rank === undefined) {
      const r = `${x}::ms_rank`;
      if (taken(r)) return undefined;
      nodes.push({ name: `${r}_probe`, opType: 'Shape', input: [shape], output: [r] });
      parts.push(r);
    } else {
      probe.rank = rank;
    }
    parts.push(shape);
    if (!knownDType(x)) {
      const flat = `${x}::ms_flat`;
      const type = `${x}::ms_type`;
      if (taken(flat) || taken(type)) return undefined;
      nodes.push({ name: `${flat}_probe`, opType: 'Reshape', input: [x, flatShape], output: [flat] });
      nodes.push({ name: `${type}_probe`, opType: 'Gather', input: [flat, emptyIndex], output: [type] });
      outputs.push({ name: type });
      probe.type = type;
    }
    probes.set(x, probe);
  }
  // A tree of small Concats: onnxruntime's graph passes are slow on one node with thousands of inputs.
  const FAN_IN = 32;
  let level = parts;
  let round = 0;
  while (level.length > FAN_IN) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += FAN_IN) {
      const out = `${SHAPES_OUTPUT}_${round}_${i / FAN_IN}`;
      if (taken(out)) return undefined;
      nodes.push({ name: `${out}_probe`, opType: 'Concat', input: level.slice(i, i + FAN_IN), output: [out], attribute: [{ name: 'axis', type: 2, i: 0 }] });
      next.push(out);
    }
    level = next;
    round++;
  }
  nodes.push({ name: `${SHAPES_OUTPUT}_probe`, opType: 'Concat', input: level, output: [SHAPES_OUTPUT], attribute: [{ name: 'axis', type: 2, i: 0 }] });
  const tail = onnx.ModelProto.encode({ graph: { node: nodes, output: outputs } }).finish();
  const end = bytes.byteOffset + bytes.byteLength;
  if (withRoom.has(bytes.buffer) && end + tail.byteLength <= bytes.buffer.byteLength) {
    // The file helper leaves spare room after the model: append there instead of copying the model.
    // (Only this function writes there, always the same tail for the same model.)
    const out = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength + tail.byteLength);
    out.set(tail, bytes.byteLength);
    return { bytes: out, probes };
  }
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes, 0);
  out.set(tail, bytes.byteLength);
  return { bytes: out, probes };
}

/** ONNX TensorProto.DataType → modelsummary dtype name (the names onnxruntime-common uses). */
const DTYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

export function dtypeName(elemType: number | null | undefined): string {
  if (elemType === null || elemType === undefined || elemType === 0) return 'undefined';
  return DTYPES[elemType] ?? `onnx_type_${elemType}`;
}

export function utf8(bytes: Uint8Array | string | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  if (typeof bytes === 'string') return bytes;
  return textDecoder.decode(bytes);
}
