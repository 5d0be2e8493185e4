// Synthetic ONNX models made by the bench itself with onnx-proto (no external tool, no download).
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = 1;
const FLOAT16 = 10;
const INT64 = 7;

const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
const vi = (name, elemType, shape) => ({ name, type: { tensorType: { elemType, shape: { dim: shape.map(dim) } } } });
const encode = (graph, opset = 17) =>
  onnx.ModelProto.encode({ irVersion: 8, producerName: 'modelsummary-bench', opsetImport: [{ domain: '', version: opset }], graph }).finish();

/**
 * A chain of `n` nodes in blocks of four (MatMul, Add, Relu, Mul) on [batch, width] tensors, named
 * in scopes like an exporter does (`/blocks/block12/MatMul`), every intermediate declared in
 * value_info (as a model that went through shape inference); each block has its own small weights
 * (the Mul reuses its block's bias: shared weights too).
 */
export function chainModel(n, width = 8) {
  const initializer = [];
  const node = [];
  const valueInfo = [];
  const weight = (name, dims) => {
    const count = dims.reduce((a, b) => a * b, 1);
    initializer.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(count * 4) });
    return name;
  };
  let prev = 'x';
  for (let i = 0; i < n; i += 1) {
    const block = Math.floor(i / 4);
    const out = i === n - 1 ? 'y' : `t${i}`;
    const scope = `/blocks/block${block}`;
    switch (i % 4) {
      case 0:
        node.push({ name: `${scope}/MatMul`, opType: 'MatMul', input: [prev, weight(`W${block}`, [width, width])], output: [out] });
        break;
      case 1:
        node.push({ name: `${scope}/Add`, opType: 'Add', input: [prev, weight(`B${block}`, [width])], output: [out] });
        break;
      case 2:
        node.push({ name: `${scope}/Relu`, opType: 'Relu', input: [prev], output: [out] });
        break;
      default:
        node.push({ name: `${scope}/Mul`, opType: 'Mul', input: [prev, `B${block}`], output: [out] });
    }
    if (out !== 'y') valueInfo.push(vi(out, FLOAT, ['batch', width]));
    prev = out;
  }
  return encode({
    name: `chain${n}`,
    node,
    initializer,
    input: [vi('x', FLOAT, ['batch', width])],
    output: [vi('y', FLOAT, ['batch', width])],
    valueInfo,
  });
}

/**
 * A decoder-only transformer shaped like Llama-2-7B (32 layers, hidden 4096, 32 heads, MLP 11008,
 * vocab 32000: ~6.7e9 parameters, float16) whose weights all live in an external-data file that is
 * NOT written: dims are enough for a static summary. Shapes declared in value_info.
 */
export function decoder7BModel({ layers = 32, hidden = 4096, heads = 32, mlp = 11008, vocab = 32000 } = {}) {
  const initializer = [];
  const node = [];
  const valueInfo = [];
  let offset = 0;
  const ext = (name, dims, dataType = FLOAT16) => {
    const bytes = dims.reduce((a, b) => a * b, 1) * (dataType === FLOAT16 ? 2 : dataType === INT64 ? 8 : 4);
    initializer.push({
      name,
      dims,
      dataType,
      dataLocation: 1,
      externalData: [
        { key: 'location', value: 'decoder-7b.onnx.data' },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(bytes) },
      ],
    });
    offset += bytes;
    return name;
  };
  const shapeConst = (name, values) => {
    initializer.push({ name, dims: [values.length], dataType: INT64, int64Data: values });
    return name;
  };
  const hd = hidden / heads;
  const S = ['batch', 'seq'];
  const declare = (name, shape, type = FLOAT16) => valueInfo.push(vi(name, type, shape));
  let k = 0;
  const op = (scope, opType, input, shape, attribute = []) => {
    const out = `${scope}/${opType}_${k++}_output_0`;
    node.push({ name: `${scope}/${opType}_${k}`, opType, input, output: [out], attribute });
    declare(out, shape);
    return out;
  };
  const attrInts = (name, ints) => ({ name, type: 7, ints });
  const attrInt = (name, i) => ({ name, type: 2, i });
  const rmsnorm = (scope, x) => {
    const sq = op(scope, 'Mul', [x, x], [...S, hidden]);
    const mean = op(scope, 'ReduceMean', [sq], [...S, 1], [attrInts('axes', [-1])]);
    const eps = op(scope, 'Add', [mean, 'eps'], [...S, 1]);
    const rs = op(scope, 'Sqrt', [eps], [...S, 1]);
    const n = op(scope, 'Div', [x, rs], [...S, hidden]);
    return op(scope, 'Mul', [n, ext(`${scope}.weight`, [hidden])], [...S, hidden]);
  };
  shapeConst('heads_shape', [0, 0, heads, hd]);
  shapeConst('merge_shape', [0, 0, hidden]);
  initializer.push({ name: 'eps', dims: [], dataType: FLOAT16, rawData: new Uint8Array(2) });
  initializer.push({ name: 'scale', dims: [], dataType: FLOAT16, rawData: new Uint8Array(2) });
  let h = op('/model/embed_tokens', 'Gather', [ext('model.embed_tokens.weight', [vocab, hidden]), 'input_ids'], [...S, hidden]);
  for (let l = 0; l < layers; l += 1) {
    const p = `/model/layers.${l}`;
    const x = rmsnorm(`${p}/input_layernorm`, h);
    const heads4 = (scope, name) => {
      const proj = op(scope, 'MatMul', [x, ext(`model.layers.${l}.self_attn.${name}.weight`, [hidden, hidden])], [...S, hidden]);
      const r = op(scope, 'Reshape', [proj, 'heads_shape'], [...S, heads, hd]);
      return op(scope, 'Transpose', [r], ['batch', heads, 'seq', hd], [attrInts('perm', [0, 2, 1, 3])]);
    };
    const q = heads4(`${p}/self_attn/q_proj`, 'q_proj');
    const kk = heads4(`${p}/self_attn/k_proj`, 'k_proj');
    const v = heads4(`${p}/self_attn/v_proj`, 'v_proj');
    const a = `${p}/self_attn`;
    const qr = op(`${a}/rotary`, 'Mul', [q, 'cos'], ['batch', heads, 'seq', hd]);
    const kr = op(`${a}/rotary`, 'Mul', [kk, 'cos'], ['batch', heads, 'seq', hd]);
    const kt = op(a, 'Transpose', [kr], ['batch', heads, hd, 'seq'], [attrInts('perm', [0, 1, 3, 2])]);
    const scores = op(a, 'MatMul', [qr, kt], ['batch', heads, 'seq', 'seq']);
    const scaled = op(a, 'Mul', [scores, 'scale'], ['batch', heads, 'seq', 'seq']);
    const masked = op(a, 'Add', [scaled, 'attention_bias'], ['batch', heads, 'seq', 'seq']);
    const probs = op(a, 'Softmax', [masked], ['batch', heads, 'seq', 'seq'], [attrInt('axis', -1)]);
    const ctx = op(a, 'MatMul', [probs, v], ['batch', heads, 'seq', hd]);
    const ctxT = op(a, 'Transpose', [ctx], [...S, heads, hd], [attrInts('perm', [0, 2, 1, 3])]);
    const merged = op(a, 'Reshape', [ctxT, 'merge_shape'], [...S, hidden]);
    const o = op(`${a}/o_proj`, 'MatMul', [merged, ext(`model.layers.${l}.self_attn.o_proj.weight`, [hidden, hidden])], [...S, hidden]);
    const h1 = op(p, 'Add', [h, o], [...S, hidden]);
    const y = rmsnorm(`${p}/post_attention_layernorm`, h1);
    const m = `${p}/mlp`;
    const gate = op(`${m}/gate_proj`, 'MatMul', [y, ext(`model.layers.${l}.mlp.gate_proj.weight`, [hidden, mlp])], [...S, mlp]);
    const sig = op(`${m}/act_fn`, 'Sigmoid', [gate], [...S, mlp]);
    const silu = op(`${m}/act_fn`, 'Mul', [gate, sig], [...S, mlp]);
    const up = op(`${m}/up_proj`, 'MatMul', [y, ext(`model.layers.${l}.mlp.up_proj.weight`, [hidden, mlp])], [...S, mlp]);
    const prod = op(m, 'Mul', [silu, up], [...S, mlp]);
    const down = op(`${m}/down_proj`, 'MatMul', [prod, ext(`model.layers.${l}.mlp.down_proj.weight`, [mlp, hidden])], [...S, hidden]);
    h = op(p, 'Add', [h1, down], [...S, hidden]);
  }
  const hn = rmsnorm('/model/norm', h);
  const logits = `logits`;
  node.push({ name: '/lm_head/MatMul', opType: 'MatMul', input: [hn, ext('lm_head.weight', [hidden, vocab])], output: [logits] });
  initializer.push({ name: 'cos', dims: [1, 1, 1, hd], dataType: FLOAT16, rawData: new Uint8Array(hd * 2) });
  return encode({
    name: 'decoder-7b',
    node,
    initializer,
    input: [vi('input_ids', INT64, S), vi('attention_bias', FLOAT16, ['batch', 1, 'seq', 'seq'])],
    output: [vi(logits, FLOAT16, [...S, vocab])],
    valueInfo,
  });
}
