/** Tiny ONNX models built in the tests with onnx-proto (deterministic, no files needed). */
import { onnx } from '../src/proto.js';

type Dim = number | string;
export const FLOAT = 1;
export const INT64 = 7;

export const vi = (name: string, elemType: number, shape: Dim[]) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

export const tensor = (name: string, dims: number[], values?: number[]) => {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(values ?? new Array(n).fill(0.01));
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) };
};

export const int64Tensor = (name: string, values: number[]) => ({
  name,
  dims: [values.length],
  dataType: INT64,
  rawData: new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer),
});

export const externalTensor = (name: string, dims: number[], location: string) => ({
  name,
  dims,
  dataType: FLOAT,
  dataLocation: 1,
  externalData: [
    { key: 'location', value: location },
    { key: 'offset', value: '0' },
    { key: 'length', value: String(dims.reduce((a, b) => a * b, 1) * 4) },
  ],
});

export interface GraphSpec {
  nodes: Record<string, unknown>[];
  inputs: ReturnType<typeof vi>[];
  outputs: ReturnType<typeof vi>[];
  initializers?: Record<string, unknown>[];
  valueInfo?: ReturnType<typeof vi>[];
  opset?: number;
}

export function buildModel(g: GraphSpec): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'modelsummary-test',
    opsetImport: [{ domain: '', version: g.opset ?? 17 }],
    graph: {
      name: 'test',
      node: g.nodes,
      input: g.inputs,
      output: g.outputs,
      initializer: g.initializers ?? [],
      valueInfo: g.valueInfo ?? [],
    },
  } as never).finish();
}

export const attrInt = (name: string, i: number) => ({ name, type: 2, i });
export const attrInts = (name: string, ints: number[]) => ({ name, type: 7, ints });
export const attrString = (name: string, s: string) => ({ name, type: 3, s: new TextEncoder().encode(s) });
export const attrGraph = (name: string, g: Record<string, unknown>) => ({ name, type: 5, g });

/** Reshape to 3 elements: fails at run time for any input that does not have 3 elements. */
export const failingModel = () =>
  buildModel({
    inputs: [vi('x', FLOAT, ['n'])],
    outputs: [vi('y', FLOAT, [3])],
    initializers: [int64Tensor('shape', [3])],
    nodes: [
      { name: 'relu', opType: 'Relu', input: ['x'], output: ['r'] },
      { name: 'reshape', opType: 'Reshape', input: ['r', 'shape'], output: ['y'] },
    ],
  });

