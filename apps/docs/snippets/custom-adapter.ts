import { denseMacs, tensorBytes, type HookableModel, type LayerEvent } from '@modelsummary/core';

/** The "runtime" to adapt: a chain of ReLU dense layers over plain Float32Arrays. */
export interface TinyMlp {
  name: string;
  inputSize: number;
  layers: { name: string; inFeatures: number; outFeatures: number; weights: Float32Array }[];
}
interface Batch { rows: number; cols: number; data: Float32Array }

export function tinyMlpAdapter(mlp: TinyMlp): HookableModel<Batch> {
  let emit: ((event: LayerEvent) => void) | undefined;
  return {
    specificationVersion: 'v1',
    runtime: 'tiny-mlp',
    name: mlp.name,
    listLayers: () =>
      mlp.layers.map((l) => ({
        id: l.name, name: l.name, type: 'Dense',
        params: l.weights.length, trainableParams: l.weights.length,
        paramBytes: tensorBytes(l.weights.length, 'float32'),
      })),
    inputSpecs: () => [{ name: 'x', shape: [null, mlp.inputSize], dtype: 'float32' }],
    registerHooks(onEvent) {
      emit = onEvent; // the "hook": run() reports every layer call through it
      return () => void (emit = undefined);
    },
    createMockInputs([spec]) {
      const [rows, cols] = spec!.shape as [number, number];
      return { tensors: [{ rows, cols, data: new Float32Array(rows * cols).fill(0.5) }], device: 'cpu' };
    },
    run([input]) {
      let x = input!;
      for (const l of mlp.layers) {
        if (x.cols !== l.inFeatures) throw new Error(`${l.name}: expects ${l.inFeatures} features, got ${x.cols}`);
        const out = new Float32Array(x.rows * l.outFeatures);
        for (let r = 0; r < x.rows; r++)
          for (let o = 0; o < l.outFeatures; o++) {
            let acc = 0;
            for (let i = 0; i < l.inFeatures; i++) acc += x.data[r * x.cols + i]! * l.weights[i * l.outFeatures + o]!;
            out[r * l.outFeatures + o] = Math.max(0, acc);
          }
        const outputShape = [x.rows, l.outFeatures];
        emit?.({
          id: l.name, inputShapes: [[x.rows, x.cols]], outputShapes: [outputShape], outputDTypes: ['float32'],
          outputBytes: out.byteLength, macs: denseMacs({ outputShape, inFeatures: l.inFeatures }),
        });
        x = { rows: x.rows, cols: l.outFeatures, data: out };
      }
    },
    disposeInputs: () => {},
  };
}
