/**
 * Decoding and rewriting ONNX ModelProto bytes with `onnx-proto` (protobufjs static code).
 * Tensor `raw_data` stays a view into the model bytes: weights are never copied or read.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
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

/** Decodes model bytes; every failure becomes an `INVALID_MODEL` error naming the file. */
export function decodeModel(bytes: Uint8Array, label: string): ModelProto {
  if (bytes.byteLength === 0) {
    throw summaryError('INVALID_MODEL', `${label}: the file is empty (0 bytes), not an ONNX model`, { details: { file: label } });
  }
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
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
  return new TextDecoder().decode(bytes);
}
