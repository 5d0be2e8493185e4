/** Declared tensor types of an ONNX graph: value_info, graph inputs and outputs. */
import { isKnownDType, summaryError, type DType, type Dim, type InputSpec, type Shape } from '@modelsummary/core';
import { dtypeName, int64, type GraphProto, type ValueInfoProto } from './proto.js';

export interface ValueInfo {
  shape?: Shape;
  dtype?: DType;
}

/** Every declared value's shape and dtype, by name (intermediate value_info, outputs, inputs). */
export function readValueInfo(graph: GraphProto): Map<string, ValueInfo> {
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of [...(graph.valueInfo ?? []), ...(graph.output ?? []), ...(graph.input ?? [])]) {
    const info = v.name ? valueInfoOf(v) : undefined;
    if (info) valueInfo.set(v.name as string, info);
  }
  return valueInfo;
}

/** The inputs the model must be fed (graph inputs that are not initializers), checked. */
export function readInputs(graph: GraphProto, isInitializer: (name: string) => boolean, label: string): (InputSpec & { name: string })[] {
  const inputs: (InputSpec & { name: string })[] = [];
  for (const v of graph.input ?? []) {
    const name = v.name ?? '';
    if (isInitializer(name)) continue; // IR < 4 lists initializers as inputs: they are not feeds
    const info = valueInfoOf(v);
    const shape = info?.shape;
    shape?.forEach((d, axis) => {
      if (typeof d === 'number' && d < 0) {
        throw summaryError('INVALID_MODEL', `${label}: input "${name}" declares a negative dimension ${d} at axis ${axis}`, {
          details: { file: label, input: name, shape },
        });
      }
    });
    if (!info || info.dtype === undefined || !isKnownDType(info.dtype)) {
      const what = info?.dtype ? `of element type ${info.dtype}, which modelsummary does not know` : 'not a tensor with a known element type';
      throw summaryError('INVALID_MODEL', `${label}: input "${name}" is ${what}`, { details: { file: label, input: name, dtype: info?.dtype } });
    }
    inputs.push({ name, shape: shape ?? [], dtype: info.dtype });
  }
  return inputs;
}

function valueInfoOf(v: ValueInfoProto): ValueInfo | undefined {
  const tt = v.type?.tensorType;
  if (!tt) return undefined;
  const info: ValueInfo = {};
  if (tt.elemType) info.dtype = dtypeName(tt.elemType);
  if (tt.shape) info.shape = (tt.shape.dim ?? []).map(dimOf);
  return info;
}

function dimOf(d: { dimParam?: string | null; dimValue?: unknown }): Dim {
  const which = (d as { value?: string }).value;
  if (which === 'dimParam' && d.dimParam) return d.dimParam;
  if (which === 'dimValue') {
    const n = int64(d.dimValue as Parameters<typeof int64>[0]);
    return n === undefined ? null : n;
  }
  return null;
}
