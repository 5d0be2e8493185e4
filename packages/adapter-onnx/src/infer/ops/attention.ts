/**
 * Attention family: com.microsoft Attention, MultiHeadAttention, GroupQueryAttention,
 * DecoderMaskedMultiHeadAttention, PackedAttention, RotaryEmbedding, ... and ONNX Attention (opset 23).
 * Present key / value caches grow by the new tokens: `past_sequence_length + sequence_length`.
 */
import { add, divideExact, floorDiv, max, mul, type Dim } from '../dims.js';
import { like, scalarOf, type Ctx, type Rule, type RuleTable, type Val } from '../context.js';

const div = (a: Dim, b: Dim): Dim => divideExact(a, b) ?? floorDiv(a, b);

/** com.microsoft Attention: packed QKV weights; present `[2, B, N, past + S, H]`. */
const msAttention: Rule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const dtype = c.dtype(0);
  if (!x || x.length !== 3 || !w || w.length !== 2) return [{ dtype }, { dtype }];
  const heads = c.int('num_heads', 1);
  const sizes = c.ints('qkv_hidden_sizes');
  const third = div(w[1]!, 3);
  const [, hk, hv] = sizes && sizes.length === 3 ? sizes : [third, third, third];
  const out: Val = { shape: [x[0]!, x[1]!, hv!], dtype };
  const past = c.has(4) ? c.shape(4) : undefined;
  let present: Dim[];
  if (past && past.length === 5) {
    present = c.int('past_present_share_buffer', 0) ? past : [2, past[1]!, past[2]!, add(past[3]!, x[1]!), past[4]!];
  } else present = [2, x[0]!, heads, x[1]!, div(hk!, heads)];
  return [out, { shape: present, dtype }];
};

/** MultiHeadAttention-style: output `[B, S, v_hidden]`, present key / value `[B, N, past + L, H]`. */
function multiHead(pastKey: number): Rule {
  return (c) => {
    const q = c.shape(0);
    const dtype = c.dtype(0);
    const heads = c.int('num_heads', 1);
    const k = c.has(1) ? c.shape(1) : undefined;
    const v = c.has(2) ? c.shape(2) : undefined;
    if (!q) return [{ dtype }, { dtype }, { dtype }];
    let outHidden: Dim | undefined;
    let kvSeq: Dim | undefined;
    let headK: Dim | undefined;
    let headV: Dim | undefined;
    let crossKey: Dim[] | undefined;
    let crossValue: Dim[] | undefined;
    if (q.length === 5) {
      // packed QKV [B, S, N, 3, H]
      outHidden = mul(q[2]!, q[4]!);
      kvSeq = q[1];
      headK = headV = q[4];
    } else if (k && k.length === 5) {
      // packed KV [B, L, N, 2, H]
      outHidden = q[2];
      kvSeq = k[1];
      headK = headV = k[4];
    } else {
      if (v && v.length === 3) outHidden = v[2];
      else if (v && v.length === 4) outHidden = mul(v[1]!, v[3]!);
      if (k && k.length === 4) crossKey = k;
      if (v && v.length === 4) crossValue = v;
      if (k && k.length === 3) {
        kvSeq = k[1];
        headK = div(k[2]!, heads);
      }
      if (v && v.length === 3) headV = div(v[2]!, heads);
      if (!k && q.length === 3) {
        kvSeq = q[1];
        headK = headV = div(q[2]!, heads);
      }
    }
    const output: Val = { shape: outHidden === undefined || q.length < 2 ? undefined : [q[0]!, q[1]!, outHidden], dtype };
    const past = c.has(pastKey) ? c.shape(pastKey) : undefined;
    const pastV = c.has(pastKey + 1) ? c.shape(pastKey + 1) : undefined;
    const share = c.int('past_present_share_buffer', 0) === 1;
    const present = (cross: Dim[] | undefined, pastShape: Dim[] | undefined, head: Dim | undefined): Dim[] | undefined => {
      if (cross) return cross;
      if (pastShape && pastShape.length === 4) {
        if (share) return pastShape;
        return kvSeq === undefined ? undefined : [pastShape[0]!, pastShape[1]!, add(pastShape[2]!, kvSeq), pastShape[3]!];
      }
      return kvSeq === undefined || head === undefined ? undefined : [q[0]!, heads, kvSeq, head];
    };
    return [output, { shape: present(crossKey, past, headK), dtype }, { shape: present(crossValue, pastV, headV), dtype }];
  };
}

/** GroupQueryAttention: present `[B, kv_heads, max(past, total_sequence_length), H]`. */
const groupQuery: Rule = (c) => {
  const q = c.shape(0);
  const dtype = c.dtype(0);
  const heads = c.int('num_heads', 1);
  const kvHeads = c.int('kv_num_heads', heads);
  const presentType = c.has(3) ? (c.dtype(3) ?? dtype) : dtype;
  if (!q || q.length !== 3) return [{ dtype }, { dtype: presentType }, { dtype: presentType }];
  let output: Dim[];
  let head: Dim;
  if (c.has(2) && c.has(1)) {
    output = q;
    head = div(q[2]!, heads);
  } else {
    head = div(q[2]!, heads + 2 * kvHeads);
    output = [q[0]!, q[1]!, mul(head, heads)];
  }
  const kv = c.has(1) ? c.shape(1) : undefined;
  const newTokens = kv && kv.length === 3 ? kv[1]! : q[1]!;
  const past = c.has(3) ? c.shape(3) : undefined;
  const total = c.has(6) ? scalarOf(c.input(6)) : undefined;
  let present: Dim[] | undefined;
  if (past && past.length === 4) {
    const seq = total !== undefined ? max(past[2]!, total) : add(past[2]!, newTokens);
    present = [past[0]!, past[1]!, seq, past[3]!];
  } else present = [q[0]!, kvHeads, total ?? newTokens, head];
  return [{ shape: output, dtype }, { shape: present, dtype: presentType }, { shape: present, dtype: presentType }];
};

/** SparseAttention: present and past share one max-length buffer. */
const sparse: Rule = (c) => {
  const q = c.shape(0);
  const dtype = c.dtype(0);
  const heads = c.int('num_heads', 1);
  const kvHeads = c.int('kv_num_heads', heads);
  let output: Dim[] | undefined;
  if (q && q.length === 3) output = c.has(1) ? q : [q[0]!, q[1]!, mul(div(q[2]!, heads + 2 * kvHeads), heads)];
  return [{ shape: output, dtype }, { shape: c.shape(3), dtype }, { shape: c.shape(4), dtype }];
};

/** ONNX Attention (opset 23): 3-D or 4-D Q / K / V; present `[B, kv_heads, past + Skv, H]`. */
const onnxAttention: Rule = (c) => {
  const q = c.shape(0);
  const k = c.shape(1);
  const v = c.shape(2);
  const dtype = c.dtype(0);
  const none = [{ dtype }, { dtype: c.dtype(1) }, { dtype: c.dtype(2) }, { dtype }];
  if (!q || !k || !v) return none;
  const qHeads = c.intOr('q_num_heads');
  const kvHeads = c.intOr('kv_num_heads');
  let batch: Dim;
  let qSeq: Dim;
  let kvSeq: Dim;
  let headK: Dim;
  let headV: Dim;
  let qN: Dim;
  let kvN: Dim;
  let y: Dim[];
  if (q.length === 4) {
    [batch, qN, qSeq] = [q[0]!, q[1]!, q[2]!];
    [kvN, kvSeq, headK] = [k[1]!, k[2]!, k[3]!];
    headV = v[3]!;
    y = [batch, qN, qSeq, headV];
  } else if (q.length === 3 && qHeads !== undefined && kvHeads !== undefined) {
    [batch, qSeq] = [q[0]!, q[1]!];
    qN = qHeads;
    kvN = kvHeads;
    kvSeq = k[1]!;
    headK = div(k[2]!, kvHeads);
    headV = div(v[2]!, kvHeads);
    y = [batch, qSeq, mul(headV, qHeads)];
  } else return none;
  const past = c.has(4) ? c.shape(4) : undefined;
  const total = past && past.length === 4 ? add(past[2]!, kvSeq) : kvSeq;
  return [
    { shape: y, dtype },
    { shape: [batch, kvN, total, headK], dtype: c.dtype(1) },
    { shape: [batch, kvN, total, headV], dtype: c.dtype(2) },
    { shape: [batch, qN, qSeq, total], dtype },
  ];
};

const packedAttention: Rule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const sizes = c.ints('qkv_hidden_sizes');
  if (!x || !w || x.length !== 2 || w.length !== 2) return { dtype: c.dtype(0) };
  return { shape: [x[0]!, sizes && sizes.length === 3 ? sizes[2]! : div(w[1]!, 3)], dtype: c.dtype(0) };
};

const packedMultiHead: Rule = (c) => {
  const q = c.shape(0);
  const v = c.has(2) ? c.shape(2) : undefined;
  if (!q) return { dtype: c.dtype(0) };
  if (q.length === 4) return { shape: [q[0]!, mul(q[1]!, q[3]!)], dtype: c.dtype(0) }; // packed [T, N, 3, H]
  return { shape: [q[0]!, v && v.length === 2 ? v[1]! : q[1]!], dtype: c.dtype(0) };
};

const relativePositionBias: Rule = (c) => {
  const table = c.shape(0);
  const qLen = scalarOf(c.input(1));
  const kLen = scalarOf(c.input(2));
  return { shape: [1, table?.[1] ?? c.fresh(0, 1), qLen ?? c.fresh(0, 2), kLen ?? c.fresh(0, 3)], dtype: c.dtype(0) };
};

/** QAttention: quantized Attention (past at 8). */
const qAttention: Rule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const dtype = c.dtype(3) ?? 'float32';
  if (!x || x.length !== 3 || !w || w.length !== 2) return [{ dtype }, { dtype }];
  const heads = c.int('num_heads', 1);
  const hidden = div(w[1]!, 3);
  const past = c.has(8) ? c.shape(8) : undefined;
  const present = past && past.length === 5 ? [2, past[1]!, past[2]!, add(past[3]!, x[1]!), past[4]!] : [2, x[0]!, heads, x[1]!, div(hidden, heads)];
  return [{ shape: [x[0]!, x[1]!, hidden], dtype }, { shape: present, dtype }];
};

const same: Rule = (c: Ctx) => like(c);

export const ATTENTION_RULES: RuleTable = {
  Attention: onnxAttention,
  RotaryEmbedding: same,
};

export const ATTENTION_MS_RULES: RuleTable = {
  Attention: msAttention,
  MultiHeadAttention: multiHead(6),
  DecoderMaskedMultiHeadAttention: multiHead(5),
  DecoderMaskedSelfAttention: msAttention,
  GroupQueryAttention: groupQuery,
  SparseAttention: sparse,
  PackedAttention: packedAttention,
  PackedMultiHeadAttention: packedMultiHead,
  LongformerAttention: same,
  RotaryEmbedding: same,
  RelativePositionBias: relativePositionBias,
  QAttention: qAttention,
  DecoderAttention: (c) => [like(c), like(c, 6), like(c, 7)],
  RemovePadding: (c) => {
    const x = c.shape(0);
    if (!x || x.length !== 3) return [{ dtype: c.dtype(0) }, { dtype: c.dtype(1) }, { dtype: c.dtype(1) }, { dtype: c.dtype(1) }];
    return [
      { shape: [c.fresh(0, 0), x[2]!], dtype: c.dtype(0) },
      { shape: [x[0]!, x[1]!], dtype: c.dtype(1) },
      { shape: [add(x[0]!, 1)], dtype: c.dtype(1) },
      { shape: [1], dtype: c.dtype(1) },
    ];
  },
  RestorePadding: (c) => {
    const x = c.shape(0);
    const offsets = c.shape(1);
    if (!x || !offsets || x.length !== 2 || offsets.length !== 2) return { dtype: c.dtype(0) };
    return { shape: [offsets[0]!, offsets[1]!, x[1]!], dtype: c.dtype(0) };
  },
};
