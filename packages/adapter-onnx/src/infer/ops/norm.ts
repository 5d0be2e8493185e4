/** Normalization: BatchNorm, InstanceNorm, GroupNorm, LayerNorm (+ its mean / inv-std outputs), RMSNorm, com.microsoft Skip/Embed LayerNorm. */
import type { Dim } from '../dims.js';
import { axisOf, like, type Ctx, type Rule, type RuleTable, type Val } from '../context.js';
import { dtypeOfCode } from './elementwise.js';

/** Y like X; the saved statistics reduced over the normalized axes (kept as 1). */
function layerNorm(stats: number): Rule {
  return (c) => {
    const s = c.shape(0);
    const y = like(c);
    const statType = dtypeOfCode(c.int('stash_type', 1)) ?? 'float32';
    if (!s) return [y, ...Array.from({ length: stats }, () => ({ dtype: statType }))];
    const axis = axisOf(c.int('axis', -1), Math.max(s.length, 1));
    const reduced = s.map((d, a) => (a >= axis ? 1 : d));
    return [y, ...Array.from({ length: stats }, () => ({ shape: reduced, dtype: statType }))];
  };
}

const batchNorm: Rule = (c) => {
  const y = like(c);
  const stat = (i: number): Val => ({ shape: c.shape(i), dtype: c.dtype(i) ?? c.dtype(0) });
  if (c.opset >= 14) return [y, stat(3), stat(4)];
  return [y, stat(3), stat(4), stat(3), stat(4)];
};

/** SkipLayerNormalization: output, mean, inv_std_var ([..., 1], float32), input_skip_bias_sum. */
const skipLayerNorm: Rule = (c) => {
  const s = c.shape(0);
  const y = like(c);
  const stat: Val = { shape: s && s.length > 0 ? [...s.slice(0, -1), 1] : undefined, dtype: 'float32' };
  return [y, stat, stat, y];
};

const embedLayerNorm: Rule = (c) => {
  const ids = c.shape(0);
  const word = c.shape(2);
  const dtype = c.dtype(2);
  if (!ids || ids.length !== 2) return [{ dtype }, { dtype: 'int32' }, { dtype }];
  const hidden: Dim | undefined = word?.[1];
  const shape = hidden === undefined ? undefined : [ids[0]!, ids[1]!, hidden];
  return [{ shape, dtype }, { shape: [ids[0]!], dtype: 'int32' }, { shape, dtype }];
};

const same: Rule = (c: Ctx) => like(c);

export const NORM_RULES: RuleTable = {
  BatchNormalization: batchNorm,
  InstanceNormalization: same,
  GroupNormalization: same,
  LRN: same,
  MeanVarianceNormalization: same,
  LayerNormalization: layerNorm(2),
  RMSNormalization: same,
  SimplifiedLayerNormalization: layerNorm(1),
};

export const NORM_MS_RULES: RuleTable = {
  LayerNormalization: layerNorm(2),
  SimplifiedLayerNormalization: layerNorm(1),
  SkipLayerNormalization: skipLayerNorm,
  SkipSimplifiedLayerNormalization: skipLayerNorm,
  EmbedLayerNormalization: embedLayerNorm,
  GroupNorm: same,
  SkipGroupNorm: (c) => [like(c), like(c)],
  BiasLayerNormalization: layerNorm(2),
};
