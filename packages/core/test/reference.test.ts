import { describe, expect, it } from 'vitest';
import { memoryLines, torchinfoMultAddsLine } from '../src/format/index.js';
import { summarize } from '../src/summarize.js';
import { createMockModel } from '../src/testing/mock-model.js';
import { loadReference, mockFromTorchinfo, mockFromTorchsummary, printedLines, referenceNames } from './reference.js';
import { describeReference } from './reference-folder.js';

const names = referenceNames();
const MiB = 2 ** 20;
const fixed2 = (bytes: number) => (bytes / MiB).toFixed(2);

describeReference('reference models from ../shared/reference', () => {
  it('finds the reference set', () => {
    expect(names).toEqual(expect.arrayContaining(['mnist_net', 'multi_input', 'frozen', 'batchnorm', 'conv_no_bias', 'mobilenet_v2']));
  });

  describe.each(names)('%s', (name) => {
    const ref = loadReference(name);

    it('torchinfo preset reproduces torchinfo totals', async () => {
      const summary = await summarize(createMockModel(mockFromTorchinfo(ref)), { memoryConvention: 'torchinfo' });
      const want = ref.torchinfo.totals;
      expect({
        total_params: summary.totals.params,
        trainable_params: summary.totals.trainableParams,
        non_trainable_params: summary.totals.nonTrainableParams,
        total_mult_adds: summary.totals.macs,
        total_input_bytes: summary.memory.inputBytes,
        total_output_bytes: summary.memory.forwardBackwardBytes,
        total_param_bytes: summary.memory.paramBytes,
        estimated_total_bytes: summary.memory.totalBytes,
      }).toEqual({
        total_params: want.total_params,
        trainable_params: want.trainable_params,
        non_trainable_params: want.non_trainable_params,
        total_mult_adds: want.total_mult_adds,
        total_input_bytes: want.total_input_bytes,
        total_output_bytes: want.total_output_bytes,
        total_param_bytes: want.total_param_bytes,
        estimated_total_bytes: want.estimated_total_bytes,
      });
    });

    it('torchsummary preset reproduces its printed MB figures', async () => {
      const summary = await summarize(createMockModel(mockFromTorchsummary(ref)), { memoryConvention: 'torchsummary' });
      const want = ref.torchsummary.totals as Record<string, number>;
      expect({
        total: summary.totals.params,
        input: fixed2(summary.memory.inputBytes),
        forwardBackward: fixed2(summary.memory.forwardBackwardBytes),
        params: fixed2(summary.memory.paramBytes),
        total_size: fixed2(summary.memory.totalBytes),
      }).toEqual({
        total: want.total_params,
        input: (want.input_size_mb as number).toFixed(2),
        forwardBackward: (want.forward_backward_pass_size_mb as number).toFixed(2),
        params: (want.params_size_mb as number).toFixed(2),
        total_size: (want.estimated_total_size_mb as number).toFixed(2),
      });
    });

    it('prints the same memory lines as torchsummary and torchinfo printed', async () => {
      const asPrinted = (lines: [string, string][]) => lines.map(([label, value]) => `${label}: ${value}`);
      const ts = await summarize(createMockModel(mockFromTorchsummary(ref)), { memoryConvention: 'torchsummary' });
      const tsPrinted = printedLines(name, 'torchsummary').filter((l) => /size \(MB\)|Size \(MB\)/.test(l));
      expect(asPrinted(memoryLines(ts.memory, 'si'))).toEqual(tsPrinted);
      const ti = await summarize(createMockModel(mockFromTorchinfo(ref)), { memoryConvention: 'torchinfo' });
      const tiPrinted = printedLines(name, 'torchinfo').filter((l) => /^(Input size|Forward\/backward|Params size|Estimated Total)/.test(l));
      expect(asPrinted(memoryLines(ti.memory, 'si'))).toEqual(tiPrinted);
      expect(torchinfoMultAddsLine(ti.totals.macs)).toBe(printedLines(name, 'torchinfo').find((l) => l.startsWith('Total mult-adds')));
    });

    it('our convention counts every weight once with its real trainability', async () => {
      const summary = await summarize(createMockModel(mockFromTorchinfo(ref)));
      const torch = (ref as unknown as { torch: { total_params: number; trainable_params: number } }).torch;
      expect(summary.totals.params).toBe(torch.total_params);
      expect(summary.totals.trainableParams).toBe(torch.trainable_params);
      expect(summary.layers.reduce((s, r) => s + r.params, 0)).toBe(summary.totals.params);
      expect(summary.memory.forwardBackwardBytes).toBe(2 * summary.memory.activationBytes);
      expect(summary.memory.totalBytes).toBe(summary.memory.inputBytes + summary.memory.activationBytes + summary.memory.paramBytes);
    });
  });

  it('multi_input: 10 parameters (torchsummary says 20), the shared block shown with both calls', async () => {
    const ref = loadReference('multi_input');
    const summary = await summarize(createMockModel(mockFromTorchinfo(ref)));
    expect(summary.totals.params).toBe(10);
    expect(ref.torchsummary.totals.total_params).toBe(20);
    const calls = summary.layers.filter((r) => r.type === 'Conv2d');
    expect(calls.map((r) => [r.callIndex, r.params])).toEqual([
      [0, 10],
      [1, 0],
    ]);
    expect(calls.map((r) => r.outputShapes)).toEqual([[[1, 1, 16, 16]], [[1, 1, 28, 28]]]);
  });

  it('frozen: 196 trainable (torchsummary says 212)', async () => {
    const ref = loadReference('frozen');
    const summary = await summarize(createMockModel(mockFromTorchinfo(ref)));
    expect(summary.totals.trainableParams).toBe(196);
    expect(summary.totals.nonTrainableParams).toBe(240);
    expect(ref.torchsummary.totals.trainable_params).toBe(212);
  });
});
