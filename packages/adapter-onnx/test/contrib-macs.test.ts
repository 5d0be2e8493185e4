/** MACs of the quantized and com.microsoft fused ops, each against its count written out here. */
import { describe, expect, test } from 'vitest';
import { nodeMacs, type MacsNode } from '../src/macs.js';

const macs = (node: Partial<MacsNode> & { opType: string }, shapes: Record<string, number[]>) =>
  nodeMacs(
    { domain: 'com.microsoft', inputs: [], outputs: ['y'], attributes: {}, ...node },
    { initializers: new Map(), shapeOf: (name) => shapes[name] },
  );

describe('MACs of quantized and fused ops', () => {
  const [B, S, H, heads] = [2, 5, 64, 4];
  test('MatMulNBits: B·S·K·N, + B·S·N with a bias', () => {
    expect(macs({ opType: 'MatMulNBits', inputs: ['a', 'w', 's'], attributes: { K: 128, N: 256, bits: 4, block_size: 32 } }, { a: [B, S, 128] })).toBe(B * S * 128 * 256);
    expect(macs({ opType: 'MatMulNBits', inputs: ['a', 'w', 's', '', '', 'bias'], attributes: { K: 128, N: 256 } }, { a: [B, S, 128] })).toBe(B * S * 128 * 256 + B * S * 256);
  });
  test('DynamicQuantizeLinear: one per input element; QuantizeLinear / DequantizeLinear / GatherBlockQuantized one per output element', () => {
    expect(macs({ opType: 'DynamicQuantizeLinear', domain: '', inputs: ['x'], outputs: ['q', 's', 'z'] }, { x: [B, S, H] })).toBe(B * S * H);
    for (const op of ['QuantizeLinear', 'DequantizeLinear']) expect(macs({ opType: op, domain: '', inputs: ['x'] }, { y: [B, S, H] })).toBe(B * S * H);
    expect(macs({ opType: 'GatherBlockQuantized', inputs: ['d', 'i', 's'] }, { y: [B, S, H] })).toBe(B * S * H);
  });
  test('GroupQueryAttention: B·Hq·S·L·2d over past + new keys', () => {
    const d = H / heads;
    const past = 7;
    const node = { opType: 'GroupQueryAttention', inputs: ['q', 'k', 'v', 'pk', 'pv'], outputs: ['y', 'present_key', 'present_value'], attributes: { num_heads: heads, kv_num_heads: 2 } };
    expect(macs(node, { q: [B, S, H], k: [B, S, 2 * d], v: [B, S, 2 * d], pk: [B, 2, past, d] })).toBe(B * heads * S * (past + S) * 2 * d);
    // the present key says the length when known
    expect(macs(node, { q: [B, S, H], k: [B, S, 2 * d], present_key: [B, 2, 32, d] })).toBe(B * heads * S * 32 * 2 * d);
    // packed QKV (no key input), rotary
    const packed = { ...node, inputs: ['qkv', '', '', 'pk'], attributes: { num_heads: heads, kv_num_heads: 2, do_rotary: 1 } };
    expect(macs(packed, { qkv: [B, S, (heads + 4) * d], pk: [B, 2, past, d] })).toBe(B * heads * S * (past + S) * 2 * d + 2 * B * S * (heads + 2) * d);
  });
  test('SkipLayerNormalization: N × 2H + the skip Add (+ the bias Add); SimplifiedLayerNormalization (both domains): N × H', () => {
    expect(macs({ opType: 'SkipLayerNormalization', inputs: ['x', 'skip', 'g', 'b'] }, { y: [B, S, H] })).toBe(B * 2 * H + B * S * H);
    expect(macs({ opType: 'SkipLayerNormalization', inputs: ['x', 'skip', 'g', 'b', 'bias'] }, { y: [B, S, H] })).toBe(B * 2 * H + 2 * B * S * H);
    expect(macs({ opType: 'SimplifiedLayerNormalization', inputs: ['x', 'g'] }, { y: [B, S, H] })).toBe(B * H);
    expect(macs({ opType: 'SimplifiedLayerNormalization', domain: '', inputs: ['x', 'g'] }, { y: [B, S, H] })).toBe(B * H);
    expect(macs({ opType: 'SkipSimplifiedLayerNormalization', inputs: ['x', 'skip', 'g'] }, { y: [B, S, H] })).toBe(B * H + B * S * H);
  });
  test('RotaryEmbedding: 2 per rotated element', () => {
    expect(macs({ opType: 'RotaryEmbedding', inputs: ['x', 'pos', 'cos', 'sin'] }, { y: [B, S, H] })).toBe(2 * B * S * H);
    expect(macs({ opType: 'RotaryEmbedding', inputs: ['x', 'pos', 'cos', 'sin'], attributes: { rotary_embedding_dim: 8, num_heads: heads } }, { y: [B, S, H] })).toBe((2 * B * S * H * 8) / (H / heads));
  });
  test('FastGelu, BiasGelu: the bias Add; QuickGelu 0; com.microsoft Attention: packed projection + core', () => {
    expect(macs({ opType: 'FastGelu', inputs: ['x', 'bias'] }, { y: [B, S, H] })).toBe(B * S * H);
    expect(macs({ opType: 'FastGelu', inputs: ['x'] }, { y: [B, S, H] })).toBe(0);
    expect(macs({ opType: 'BiasGelu', inputs: ['x', 'bias'] }, { y: [B, S, H] })).toBe(B * S * H);
    expect(macs({ opType: 'QuickGelu', inputs: ['x'] }, { y: [B, S, H] })).toBe(0);
    const d = H / heads;
    expect(macs({ opType: 'Attention', inputs: ['x', 'w', 'b'], attributes: { num_heads: heads } }, { x: [B, S, H], w: [H, 3 * H] })).toBe(
      B * S * 3 * H * H + B * S * 3 * H + B * heads * S * S * 2 * d,
    );
  });
});
