// The modular packages as Node loads them (tf-core.node.js has no chained tensor methods).
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { summarize } from '@modelsummary/core';
import { describe, expect, it } from 'vitest';
import { registerChainedOps, tfjsAdapter } from '../src/index.js';

describe('modular tfjs packages (tfjs-core + tfjs-layers + tfjs-backend-cpu)', () => {
  // Runs first: the test below installs the chained methods for good (as a user would).
  it('a summary leaves the user state as it found it: Tensor.prototype, backend, env', async () => {
    await tfc.setBackend('cpu');
    const proto = tfc.Tensor.prototype as unknown as Record<string, unknown>;
    const methods = Object.getOwnPropertyNames(proto).sort();
    const env = { ...process.env };
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
    const summary = await summarize(tfjsAdapter(model as never, { tf: tfc as never }), { device: 'auto' });
    expect(summary.totals.params).toBe(8);
    expect(Object.getOwnPropertyNames(proto).sort()).toEqual(methods);
    expect(tfc.getBackend()).toBe('cpu');
    expect(process.env).toEqual(env);
    model.dispose();
  });

  it('registerChainedOps adds the missing chained methods so an LSTM can be built and summarized', async () => {
    await tfc.setBackend('cpu');
    const proto = tfc.Tensor.prototype as unknown as Record<string, unknown>;
    const hadFlatten = typeof proto.flatten === 'function';
    if (!hadFlatten) {
      // what a user meets without them: the LSTM's orthogonal initializer calls x.flatten()
      expect(() => tfl.sequential({ layers: [tfl.layers.lstm({ units: 3, inputShape: [4, 2] })] })).toThrow(/flatten/);
    }
    const added = registerChainedOps(tfc);
    expect(hadFlatten ? added.length : added).toEqual(hadFlatten ? 0 : expect.arrayContaining(['flatten', 'reshape', 'matMul', 'add']));
    expect(registerChainedOps(tfc)).toEqual([]); // idempotent
    const x = tfc.tensor2d([[1, 2], [3, 4]]);
    expect(x.flatten().shape).toEqual([4]);
    expect(x.reshape([4]).shape).toEqual([4]);
    x.dispose();

    const model = tfl.sequential({
      layers: [tfl.layers.lstm({ units: 3, inputShape: [4, 2], returnSequences: true }), tfl.layers.dense({ units: 1 })],
    });
    const before = tfc.memory().numTensors;
    const summary = await summarize(tfjsAdapter(model as never), { device: 'cpu' }); // tf defaults to @tensorflow/tfjs-core
    expect(tfc.memory().numTensors).toBe(before);
    expect(summary.totals.params).toBe(model.countParams());
    expect(summary.layers[0]!.outputShapes).toEqual([[1, 4, 3]]);
    model.dispose();
  });
});
