import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelSummaryError, summaryError } from '../src/errors.js';
import { isConcreteShape } from '../src/shape.js';
import { REFERENCE_DIR, describeReference } from './reference-folder.js';
import {
  attentionMacs,
  batchNormMacs,
  convMacs,
  convTransposeMacs,
  defineMacsTable,
  denseMacs,
  elementwiseMacs,
  gemmMacs,
  gruMacs,
  layerNormMacs,
  lstmMacs,
  macsFromTable,
  matmulMacs,
  rnnMacs,
} from '../src/macs.js';
import { ONNX_MACS } from '../../adapter-onnx/src/macs-table.js';
import { GRAPH_OP_MACS } from '../../adapter-tfjs/src/graph-macs-table.js';
import { LAYER_MACS } from '../../adapter-tfjs/src/layer-macs-table.js';

interface TorchinfoRow {
  row: number;
  class_name: string;
  var_name: string;
  input_size: number[];
  output_size: number[];
  num_params: number;
  macs: number;
  kernel_size: number[] | null;
  is_leaf_layer: boolean;
  inner_layers: Record<string, { kernel_size: string }>;
}

interface OnnxNode {
  name: string;
  op_type: string;
  attributes: Record<string, unknown>;
  input_shapes: number[][];
  output_shapes: number[][];
}

interface Reference {
  torchinfo: { totals: { total_mult_adds: number }; layers: TorchinfoRow[] };
  onnx: { nodes: OnnxNode[] };
}

const refDir = pathToFileURL(`${REFERENCE_DIR}/`);
const refPath = fileURLToPath(refDir);
const haveRefs = existsSync(refPath);
/** Without the reference folder: fails under CI, skips (loudly) elsewhere. */
const describeRefs = (title: string, fn: () => void) => describeReference(title, fn);

function loadRefs(): [string, Reference][] {
  return readdirSync(refPath)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, refDir), 'utf8')) as Reference]);
}

/** torchinfo prints a weight as `[Cin/groups, Cout, ...kernel]` (first two axes swapped). */
function parseDims(text: string): number[] {
  return JSON.parse(text) as number[];
}

/** MACs for one torchinfo leaf row from its shapes and parameters only, or undefined if unsupported. */
function torchinfoRowMacs(r: TorchinfoRow): number | undefined {
  const bias = 'bias' in r.inner_layers;
  const weight = r.inner_layers.weight;
  if (/^Conv[123]d$/.test(r.class_name) && weight && r.kernel_size) {
    const inPerGroup = parseDims(weight.kernel_size)[0]!;
    const inChannels = r.input_size[1]!;
    return convMacs({ outputShape: r.output_size, inChannels, kernelSize: r.kernel_size, groups: inChannels / inPerGroup, bias });
  }
  if (r.class_name === 'Linear') {
    return denseMacs({ outputShape: r.output_size, inFeatures: r.input_size[r.input_size.length - 1]!, bias });
  }
  if (/^BatchNorm[123]d$/.test(r.class_name)) {
    return batchNormMacs({ outputShape: r.output_size, affine: weight !== undefined });
  }
  if (r.class_name === 'LayerNorm') return layerNormMacs({ outputShape: r.output_size, affine: weight !== undefined });
  return undefined;
}

describeRefs('MACs against torchinfo reference numbers', () => {
  const refs = haveRefs ? loadRefs() : [];

  it('finds the reference models', () => {
    expect(refs.map(([name]) => name)).toEqual(expect.arrayContaining(['mnist_net', 'mobilenet_v2', 'batchnorm']));
  });

  for (const [name, ref] of refs) {
    describe(name, () => {
      const leaves = ref.torchinfo.layers.filter((r) => r.is_leaf_layer);

      it('every leaf row with params or MACs is computed and matches torchinfo', () => {
        let checked = 0;
        for (const r of leaves) {
          if (r.num_params === 0 && r.macs === 0) continue;
          const macs = torchinfoRowMacs(r);
          expect(macs, `row ${r.row} ${r.class_name} (${r.var_name}) has no helper`).toBeDefined();
          expect(macs, `row ${r.row} ${r.class_name} (${r.var_name})`).toBe(r.macs);
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      });

      it('leaf rows with neither params nor MACs are 0-MAC types', () => {
        for (const r of leaves.filter((l) => l.num_params === 0)) expect(r.macs).toBe(0);
      });

      it('the sum over leaf rows is torchinfo total_mult_adds', () => {
        const total = leaves.reduce((acc, r) => acc + (torchinfoRowMacs(r) ?? 0), 0);
        expect(total).toBe(ref.torchinfo.totals.total_mult_adds);
      });

      it('ONNX Conv / Gemm nodes agree with the helpers', () => {
        for (const n of ref.onnx.nodes) {
          if (n.op_type === 'Conv') {
            const [x, w, b] = n.input_shapes;
            const macs = convMacs({
              outputShape: n.output_shapes[0]!,
              inChannels: x![1]!,
              kernelSize: (n.attributes.kernel_shape as number[] | undefined) ?? w!.slice(2),
              groups: (n.attributes.group as number | undefined) ?? 1,
              bias: b !== undefined,
            });
            expect(macs).toBe(product(n.output_shapes[0]!) * w![1]! * product(w!.slice(2)) + (b ? product(n.output_shapes[0]!) : 0));
          }
          if (n.op_type === 'Gemm') {
            const [a, w, c] = n.input_shapes;
            const transA = n.attributes.transA === 1;
            const transB = n.attributes.transB === 1;
            const m = transA ? a![1]! : a![0]!;
            const k = transA ? a![0]! : a![1]!;
            const nn = transB ? w![0]! : w![1]!;
            expect(gemmMacs({ m, n: nn, k, bias: c !== undefined })).toBe(product(n.output_shapes[0]!) * (k + (c ? 1 : 0)));
          }
        }
      });
    });
  }

  it('mnist_net: 487,600 in total, row by row', () => {
    const ref = refs.find(([n]) => n === 'mnist_net')![1];
    const rows = ref.torchinfo.layers.filter((r) => r.is_leaf_layer && r.num_params > 0);
    expect(rows.map(torchinfoRowMacs)).toEqual([149_760, 321_280, 16_050, 510]);
    expect(rows.reduce((acc, r) => acc + torchinfoRowMacs(r)!, 0)).toBe(487_600);
  });

  it('mobilenet_v2: depthwise convs and BatchNorm rows match, and the ONNX Gemm equals the torch Linear', () => {
    const ref = refs.find(([n]) => n === 'mobilenet_v2')![1];
    const leaves = ref.torchinfo.layers.filter((r) => r.is_leaf_layer);
    const depthwise = leaves.filter((r) => r.class_name === 'Conv2d' && parseDims(r.inner_layers.weight!.kernel_size)[0] === 1);
    const bn = leaves.filter((r) => r.class_name === 'BatchNorm2d');
    expect(depthwise.length).toBe(17);
    expect(bn.length).toBe(52);
    for (const r of [...depthwise, ...bn]) expect(torchinfoRowMacs(r)).toBe(r.macs);
    expect(leaves.reduce((acc, r) => acc + (torchinfoRowMacs(r) ?? 0), 0)).toBe(300_809_384);
    const gemm = ref.onnx.nodes.find((n) => n.op_type === 'Gemm')!;
    const linear = leaves.find((r) => r.class_name === 'Linear')!;
    expect(gemmMacs({ m: 1, n: gemm.input_shapes[1]![0]!, k: gemm.input_shapes[1]![1]!, bias: true })).toBe(linear.macs);
  });

  it('BatchNorm in torchinfo is batch × (γ + β elements), not per element', () => {
    const ref = refs.find(([n]) => n === 'batchnorm')![1];
    for (const r of ref.torchinfo.layers.filter((l) => /^BatchNorm[123]d$/.test(l.class_name))) {
      expect(r.macs).toBe(r.output_size[0]! * r.num_params);
      expect(r.num_params).toBe(2 * r.output_size[1]!);
    }
  });
});

function product(dims: readonly number[]): number {
  return dims.reduce((a, d) => a * d, 1);
}

describe('convMacs', () => {
  it('plain 2-D with and without bias', () => {
    expect(convMacs({ outputShape: [1, 10, 24, 24], inChannels: 1, kernelSize: [5, 5], bias: true })).toBe(149_760);
    expect(convMacs({ outputShape: [1, 10, 24, 24], inChannels: 1, kernelSize: [5, 5] })).toBe(144_000);
  });

  it('grouped: Cin 8, groups 2 → 4 inputs per output', () => {
    // out [2, 6, 5, 5] = 300 elements × 4 × 9
    expect(convMacs({ outputShape: [2, 6, 5, 5], inChannels: 8, kernelSize: [3, 3], groups: 2 })).toBe(300 * 4 * 9);
    expect(convMacs({ outputShape: [2, 6, 5, 5], inChannels: 8, kernelSize: [3, 3], groups: 2, bias: true })).toBe(300 * 37);
  });

  it('depthwise, channels-last (TF.js)', () => {
    expect(convMacs({ outputShape: [1, 7, 7, 32], inChannels: 32, kernelSize: [3, 3], groups: 32, channelsLast: true })).toBe(1568 * 9);
  });

  it('1-D and 3-D', () => {
    expect(convMacs({ outputShape: [1, 4, 10], inChannels: 3, kernelSize: [5] })).toBe(40 * 15);
    expect(convMacs({ outputShape: [1, 2, 3, 4, 5], inChannels: 3, kernelSize: [1, 2, 3], bias: true })).toBe(120 * 18 + 120);
  });

  it('rejects bad ranks and indivisible groups', () => {
    expectInvalid(() => convMacs({ outputShape: [1, 4, 10], inChannels: 3, kernelSize: [3, 3] }));
    expectInvalid(() => convMacs({ outputShape: [1, 6, 5, 5], inChannels: 8, kernelSize: [3, 3], groups: 3 }));
    expectInvalid(() => convMacs({ outputShape: [1, 5, 5, 5], inChannels: 8, kernelSize: [3, 3], groups: 2 }));
    expectInvalid(() => convMacs({ outputShape: [1, 6, 5, 5], inChannels: 8, kernelSize: [3, 0] }));
    expectInvalid(() => convMacs({ outputShape: [1, 6, 5, 5], inChannels: 8, kernelSize: [3, 3], groups: 0 }));
  });
});

describe('convTransposeMacs', () => {
  it('input elements × Cout/groups × kernel (+ output elements with bias)', () => {
    // in [1, 4, 3, 3] = 36 elements, Cout 2, kernel 2×2
    expect(convTransposeMacs({ inputShape: [1, 4, 3, 3], outChannels: 2, kernelSize: [2, 2] })).toBe(36 * 2 * 4);
    expect(convTransposeMacs({ inputShape: [1, 4, 3, 3], outChannels: 2, kernelSize: [2, 2], bias: true, outputShape: [1, 2, 6, 6] })).toBe(
      36 * 8 + 72,
    );
    expect(convTransposeMacs({ inputShape: [1, 3, 3, 4], outChannels: 6, kernelSize: [2, 2], groups: 2, channelsLast: true })).toBe(36 * 3 * 4);
  });

  it('bias without outputShape is an error', () => {
    expectInvalid(() => convTransposeMacs({ inputShape: [1, 4, 3, 3], outChannels: 2, kernelSize: [2, 2], bias: true }));
  });
});

describe('denseMacs and gemmMacs', () => {
  it('dense: out elements × K (+ bias), every position of a 3-D input', () => {
    expect(denseMacs({ outputShape: [1, 50], inFeatures: 320, bias: true })).toBe(16_050);
    expect(denseMacs({ outputShape: [2, 5, 8], inFeatures: 16 })).toBe(80 * 16);
    expect(denseMacs({ outputShape: [2, 5, 8], inFeatures: 16, bias: true })).toBe(80 * 17);
  });

  it('gemm: m × n × k (+ m × n)', () => {
    expect(gemmMacs({ m: 1, n: 1000, k: 1280, bias: true })).toBe(1_281_000);
    expect(gemmMacs({ m: 3, n: 4, k: 5 })).toBe(60);
  });
});

describe('matmulMacs', () => {
  it('2-D', () => expect(matmulMacs([3, 5], [5, 4])).toBe(60));

  it('1-D operands (dot product, vector × matrix, matrix × vector)', () => {
    expect(matmulMacs([7], [7])).toBe(7);
    expect(matmulMacs([5], [5, 4])).toBe(20);
    expect(matmulMacs([3, 5], [5])).toBe(15);
    expect(matmulMacs([2, 3, 5], [5])).toBe(30);
  });

  it('batch broadcasting', () => {
    expect(matmulMacs([2, 1, 3, 5], [4, 5, 6])).toBe(2 * 4 * 3 * 5 * 6);
    expect(matmulMacs([8, 3, 5], [5, 6])).toBe(8 * 90);
    expect(matmulMacs([1, 12, 10, 64], [1, 12, 64, 10])).toBe(12 * 10 * 64 * 10);
  });

  it('rejects mismatched K, non-broadcasting batch axes and scalars', () => {
    expectInvalid(() => matmulMacs([3, 5], [4, 6]));
    expectInvalid(() => matmulMacs([2, 3, 5], [3, 5, 6]));
    expectInvalid(() => matmulMacs([], [5]));
  });
});

describe('recurrent layers', () => {
  it('LSTM follows torchinfo: T × B × D × (4H(I + H) + 2 × 4H)', () => {
    // nn.LSTM(10, 20): params 4·20·(10+20) + 2·4·20 = 2560; torchinfo macs = T·B·params
    expect(lstmMacs({ seqLen: 5, batch: 3, inputSize: 10, hiddenSize: 20 })).toBe(15 * 2560);
    expect(lstmMacs({ seqLen: 5, batch: 3, inputSize: 10, hiddenSize: 20, bias: false })).toBe(15 * 2400);
    expect(lstmMacs({ seqLen: 5, batch: 3, inputSize: 10, hiddenSize: 20, biasVectors: 1 })).toBe(15 * 2480);
    expect(lstmMacs({ seqLen: 5, batch: 3, inputSize: 10, hiddenSize: 20, directions: 2 })).toBe(15 * 2 * 2560);
  });

  it('stacked layers read directions × hidden features', () => {
    // layer 2 of a bidirectional LSTM(10, 20): I = 40 → 4·20·60 + 160 = 4960
    expect(lstmMacs({ seqLen: 1, batch: 1, inputSize: 10, hiddenSize: 20, directions: 2, numLayers: 2 })).toBe(2 * (2560 + 4960));
  });

  it('GRU has 3 gates, RNN 1', () => {
    expect(gruMacs({ seqLen: 2, batch: 1, inputSize: 4, hiddenSize: 8 })).toBe(2 * (24 * 12 + 2 * 24));
    expect(rnnMacs({ seqLen: 2, batch: 1, inputSize: 4, hiddenSize: 8 })).toBe(2 * (8 * 12 + 2 * 8));
  });

  it('rejects more than 2 directions', () => {
    expectInvalid(() => rnnMacs({ seqLen: 2, batch: 1, inputSize: 4, hiddenSize: 8, directions: 3 }));
  });
});

describe('attentionMacs', () => {
  it('self-attention with projections and bias', () => {
    // B 2, L 10, E 64, 8 heads (dk = dv = 8): 4 projections of 20 rows × 64 × (64 + 1), then 2 × 2·8·10·10·8
    expect(attentionMacs({ batch: 2, queryLength: 10, keyLength: 10, embedDim: 64, numHeads: 8 })).toBe(4 * 20 * 64 * 65 + 2 * 12_800);
  });

  it('without projections: Q·Kᵀ and weights·V only', () => {
    expect(attentionMacs({ batch: 1, queryLength: 4, keyLength: 6, embedDim: 16, numHeads: 2, projections: false })).toBe(2 * 4 * 6 * 16);
  });

  it('cross-attention with TF.js keyDim / valueDim, no bias', () => {
    const macs = attentionMacs({ batch: 1, queryLength: 3, keyLength: 5, embedDim: 12, numHeads: 2, keyDim: 4, valueDim: 6, bias: false, keyInputDim: 7, valueInputDim: 9 });
    const q = 3 * 12 * 8;
    const k = 5 * 7 * 8;
    const v = 5 * 9 * 12;
    const o = 3 * 12 * 12;
    expect(macs).toBe(q + k + v + o + 2 * 3 * 5 * 4 + 2 * 3 * 5 * 6);
  });

  it('needs keyDim when embedDim is not divisible by numHeads', () => {
    expectInvalid(() => attentionMacs({ batch: 1, queryLength: 3, keyLength: 3, embedDim: 10, numHeads: 3 }));
    expectInvalid(() => attentionMacs({ batch: 1, queryLength: 3, keyLength: 3, embedDim: 12, numHeads: 0 }));
  });
});

describe('normalisation, elementwise, softmax', () => {
  it('batchNorm: N × 2C when affine, channel axis 1 or last', () => {
    expect(batchNormMacs({ outputShape: [1, 32, 112, 112] })).toBe(64);
    expect(batchNormMacs({ outputShape: [4, 16] })).toBe(128);
    expect(batchNormMacs({ outputShape: [2, 7, 7, 5], channelsLast: true })).toBe(20);
    expect(batchNormMacs({ outputShape: [2, 7, 7, 5], axis: -1 })).toBe(20);
    expect(batchNormMacs({ outputShape: [1, 32, 112, 112], affine: false })).toBe(0);
    expectInvalid(() => batchNormMacs({ outputShape: [2, 3], axis: 2 }));
  });

  it('layerNorm: N × 2 × normalized elements when affine', () => {
    expect(layerNormMacs({ outputShape: [2, 10, 64] })).toBe(2 * 128);
    expect(layerNormMacs({ outputShape: [2, 4, 5, 6], axis: -2 })).toBe(2 * 60);
    expect(layerNormMacs({ outputShape: [2, 10, 64], affine: false })).toBe(0);
  });

  it('elementwise: 1 per output element', () => {
    expect(elementwiseMacs([2, 3, 4])).toBe(24);
    expect(elementwiseMacs([])).toBe(1);
  });

  it('softmax is 0 in every adapter table (an activation), and core has no softmax formula', async () => {
    expect(ONNX_MACS.zero.has('Softmax')).toBe(true);
    expect(ONNX_MACS.zero.has('LogSoftmax')).toBe(true);
    expect(GRAPH_OP_MACS.zero.has('Softmax')).toBe(true);
    expect(LAYER_MACS.zero.has('Softmax')).toBe(true);
    expect(macsFromTable(ONNX_MACS, 'Softmax', undefined as never)).toBe(0);
    expect(macsFromTable(GRAPH_OP_MACS, 'Softmax', undefined as never)).toBe(0);
    expect(macsFromTable(LAYER_MACS, 'Softmax', undefined as never)).toBe(0);
    const core = await import('../src/macs.js');
    expect('softmaxMacs' in core).toBe(false);
  });
});

describe('the adapter tables: zero lists per runtime, no op both 0 and a formula', () => {
  it('ONNX op types, TF.js graph ops and TF.js layer classes each in their own table', () => {
    for (const op of ['Relu', 'Sigmoid', 'Tanh', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Reshape', 'Flatten', 'Transpose', 'Concat', 'Dropout', 'Identity', 'Shape', 'Gather', 'Squeeze', 'Unsqueeze', 'Slice', 'Clip']) {
      expect(ONNX_MACS.zero.has(op), op).toBe(true);
    }
    for (const layer of ['ReLU', 'Activation', 'MaxPooling2D', 'Flatten', 'Reshape', 'Dropout', 'InputLayer', 'Concatenate']) {
      expect(LAYER_MACS.zero.has(layer), layer).toBe(true);
    }
    for (const op of ['Relu', 'MaxPool', 'Reshape', 'ConcatV2', 'Identity', 'Maximum']) {
      expect(GRAPH_OP_MACS.zero.has(op), op).toBe(true);
    }
    for (const op of ['Conv', 'Gemm', 'MatMul', 'Add', 'Mul', 'LSTM', 'BatchNormalization', 'PRelu', 'com.microsoft:Attention']) {
      expect(ONNX_MACS.zero.has(op), op).toBe(false);
      expect(ONNX_MACS.formulas.has(op), op).toBe(true);
    }
    for (const layer of ['Dense', 'Conv2D', 'PReLU', 'LSTM', 'Add']) {
      expect(LAYER_MACS.zero.has(layer), layer).toBe(false);
      expect(LAYER_MACS.formulas.has(layer), layer).toBe(true);
    }
    for (const op of ['Conv2D', 'MatMul', 'AddV2', 'FusedBatchNormV3']) {
      expect(GRAPH_OP_MACS.zero.has(op), op).toBe(false);
      expect(GRAPH_OP_MACS.formulas.has(op), op).toBe(true);
    }
  });

  it('a table names only its own runtime: no TF.js class in the ONNX table, no ONNX op type in the layer table', () => {
    for (const layer of ['ReLU', 'MaxPooling2D', 'InputLayer', 'Concatenate', 'Dense']) expect(ONNX_MACS.categories.has(layer), layer).toBe(false);
    for (const op of ['Relu', 'MaxPool', 'Concat', 'Unsqueeze', 'Gemm']) expect(LAYER_MACS.categories.has(op), op).toBe(false);
  });

  it('core itself lists no runtime op names', async () => {
    const core = await import('../src/macs.js');
    expect('ZERO_MAC_OPS' in core).toBe(false);
  });
});

describe('macsFromTable', () => {
  interface Call {
    shape?: readonly (number | string | null)[];
    groups?: number;
  }
  const concrete = (s: Call['shape']): number[] | undefined => (s && isConcreteShape(s) ? [...s] : undefined);
  const table = defineMacsTable<Call>({
    zero: { activations: ['Relu', 'Tanh'], movement: ['Reshape'] },
    formulas: {
      arithmetic: {
        Add: (c) => {
          const y = concrete(c.shape);
          return y ? elementwiseMacs(y) : undefined;
        },
      },
      convolution: {
        Conv: (c) => {
          const y = concrete(c.shape);
          return y ? convMacs({ outputShape: y, inChannels: 8, kernelSize: [3, 3], groups: c.groups ?? 1 }) : undefined;
        },
      },
      buggy: {
        Broken: (c) => c.shape!.length, // a programming error when shape is missing
        Rejecting: () => {
          throw summaryError('INVALID_INPUT', 'not a shape problem');
        },
        NotACount: () => Number.NaN,
      },
    },
  });

  it('0 for an op of the zero list, whatever the shapes', () => {
    expect(macsFromTable(table, 'Relu', {})).toBe(0);
    expect(macsFromTable(table, 'Reshape', { shape: ['N', 3] })).toBe(0);
  });

  it("the formula's count for a formula op", () => {
    expect(macsFromTable(table, 'Add', { shape: [2, 3, 4] })).toBe(24);
    expect(macsFromTable(table, 'Conv', { shape: [1, 2, 5, 5] })).toBe(50 * 8 * 9);
  });

  it('undefined for an op the table does not know (and for Object.prototype names)', () => {
    expect(macsFromTable(table, 'Gelu', { shape: [2, 3] })).toBeUndefined();
    expect(macsFromTable(table, 'constructor', {})).toBeUndefined();
    expect(macsFromTable(table, 'toString', {})).toBeUndefined();
    expect(macsFromTable(table, '__proto__', {})).toBeUndefined();
  });

  it('undefined when a shape the formula needs is not concrete or not known', () => {
    expect(macsFromTable(table, 'Add', { shape: ['batch', 3] })).toBeUndefined();
    expect(macsFromTable(table, 'Add', { shape: [null, 3] })).toBeUndefined();
    expect(macsFromTable(table, 'Add', {})).toBeUndefined();
  });

  it('undefined when the shapes contradict each other (INVALID_SHAPE from a helper)', () => {
    // 8 input channels do not divide into 3 groups: convMacs throws INVALID_SHAPE
    expectInvalid(() => convMacs({ outputShape: [1, 3, 5, 5], inChannels: 8, kernelSize: [3, 3], groups: 3 }));
    expect(macsFromTable(table, 'Conv', { shape: [1, 3, 5, 5], groups: 3 })).toBeUndefined();
  });

  it('a TypeError from a formula propagates: a bug is not "?"', () => {
    expect(() => macsFromTable(table, 'Broken', {})).toThrow(TypeError);
    expect(macsFromTable(table, 'Broken', { shape: [4, 4] })).toBe(2);
  });

  it('any error other than INVALID_SHAPE propagates, and so does a formula that returns no count', () => {
    expect(() => macsFromTable(table, 'Rejecting', {})).toThrow(/not a shape problem/);
    expect(() => macsFromTable(table, 'NotACount', {})).toThrow(/NotACount.*returned NaN/);
  });

  it('defineMacsTable: an op listed twice is an error in the table', () => {
    const rule = (): number => 1;
    expect(() => defineMacsTable({ zero: { a: ['Relu'], b: ['Relu'] }, formulas: {} })).toThrow(/'Relu' is listed twice/);
    expect(() => defineMacsTable({ zero: { a: ['Add'] }, formulas: { arithmetic: { Add: rule } } })).toThrow(/'Add' is listed twice/);
    expect(() => defineMacsTable({ zero: {}, formulas: { x: { Add: rule }, y: { Add: rule } } })).toThrow(/'Add' is listed twice/);
    expect(table.categories.get('Conv')).toBe('formulas/convolution');
    expect(table.categories.get('Tanh')).toBe('zero/activations');
  });
});

describe('INVALID_SHAPE errors', () => {
  it.each([
    ['negative dim', () => elementwiseMacs([2, -1])],
    ['fractional dim', () => elementwiseMacs([2.5])],
    ['NaN', () => denseMacs({ outputShape: [1, 2], inFeatures: Number.NaN })],
    ['Infinity', () => gemmMacs({ m: Number.POSITIVE_INFINITY, n: 1, k: 1 })],
    ['negative channels', () => convMacs({ outputShape: [1, 2, 3, 3], inChannels: -2, kernelSize: [1, 1] })],
    ['fractional seqLen', () => lstmMacs({ seqLen: 1.5, batch: 1, inputSize: 1, hiddenSize: 1 })],
    ['negative batch', () => attentionMacs({ batch: -1, queryLength: 1, keyLength: 1, embedDim: 4, numHeads: 2 })],
    ['not an array', () => matmulMacs(undefined as unknown as number[], [1])],
  ])('%s', (_label, fn) => expectInvalid(fn));

  it('says which function and which field', () => {
    expect(() => denseMacs({ outputShape: [1, -3], inFeatures: 4 })).toThrow(/denseMacs: outputShape\[1\] must be a non-negative integer, got -3/);
  });
});

function expectInvalid(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(ModelSummaryError.isInstance(caught), 'expected a ModelSummaryError').toBe(true);
  expect((caught as ModelSummaryError).code).toBe('INVALID_SHAPE');
}
