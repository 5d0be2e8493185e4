import type { MockModelSpec } from '../src/testing/mock-model.js';

/** A small CNN: a container with two convs, a dense head; names carry tensor identities. */
export const smallCnn: MockModelSpec = {
  name: 'SmallCNN',
  inputs: [{ name: 'image', shape: [null, 1, 8, 8], dtype: 'float32' }],
  layers: [
    { id: 'features', type: 'Sequential' },
    { id: 'conv1', parentId: 'features', type: 'Conv2d', params: 80, trainableParams: 80, macs: 18_432, outputs: [{ shape: [null, 8, 6, 6], name: 't1' }], calls: [{ outputs: [{ shape: [null, 8, 6, 6], name: 't1' }], inputNames: ['image'], macs: 18_432 }] },
    { id: 'relu', parentId: 'features', type: 'ReLU', macs: 0, calls: [{ outputs: [{ shape: [null, 8, 6, 6], name: 't2' }], inputNames: ['t1'] }] },
    { id: 'head', type: 'Linear', params: 2_890, trainableParams: 2_890, calls: [{ outputs: [{ shape: [null, 10], name: 't3' }], inputNames: ['t2'], macs: 2_890 }] },
  ],
};

/** Shared weights, a repeated call, multi-output, a layer that never runs, unknown MACs. */
export const tricky: MockModelSpec = {
  name: 'Tricky',
  inputs: [
    { name: 'a', shape: [null, 4], dtype: 'float32' },
    { name: 'b', shape: [null, 4], dtype: 'float16' },
  ],
  layers: [
    { id: 'shared', type: 'Dense', params: 20, trainableParams: 20, sharedWith: ['tied'], calls: [{ outputs: [{ shape: [null, 4] }], macs: 20 }, { outputs: [{ shape: [null, 4] }], macs: 20 }] },
    { id: 'tied', type: 'Dense', params: 4, trainableParams: 0, sharedWith: ['shared'], outputs: [{ shape: [null, 4] }], macs: 20 },
    { id: 'lstm', type: 'LSTM', params: 96, trainableParams: 96, outputs: [{ shape: [null, 4] }, { shape: [null, 4] }, { shape: [null, 4] }] },
    { id: 'unused', type: 'Dense', params: 5, trainableParams: 5, skip: true, macs: 4 },
  ],
};
