/** Every op rule, by domain: one table per category, merged. */
import type { Rule, RuleTable } from '../context.js';
import { ATTENTION_MS_RULES, ATTENTION_RULES } from './attention.js';
import { CONTROL_RULES } from './control.js';
import { CONV_MS_RULES, CONV_RULES } from './conv.js';
import { ELEMENTWISE_MS_RULES, ELEMENTWISE_RULES } from './elementwise.js';
import { MATMUL_MS_RULES, MATMUL_RULES } from './matmul.js';
import { NORM_MS_RULES, NORM_RULES } from './norm.js';
import { QUANT_MS_RULES, QUANT_RULES } from './quant.js';
import { RECURRENT_MS_RULES, RECURRENT_RULES } from './recurrent.js';
import { REDUCE_RULES } from './reduce.js';
import { SEQUENCE_RULES } from './sequence.js';
import { SHAPE_MS_RULES, SHAPE_RULES } from './shape.js';

function combine(tables: readonly RuleTable[]): Map<string, Rule> {
  const out = new Map<string, Rule>();
  for (const t of tables) {
    for (const [op, rule] of Object.entries(t)) {
      if (out.has(op)) throw new Error(`shape rule for ${op} defined twice`);
      out.set(op, rule);
    }
  }
  return out;
}

/** Rules of the default ONNX domain (`''` / `ai.onnx`). */
export const ONNX_RULES = combine([ELEMENTWISE_RULES, CONV_RULES, MATMUL_RULES, SHAPE_RULES, REDUCE_RULES, NORM_RULES, ATTENTION_RULES, QUANT_RULES, RECURRENT_RULES, CONTROL_RULES, SEQUENCE_RULES]);

/** Rules of `com.microsoft` (onnxruntime contrib ops); an op not listed falls back on the ONNX rule of that name. */
export const MS_RULES = combine([ELEMENTWISE_MS_RULES, CONV_MS_RULES, MATMUL_MS_RULES, SHAPE_MS_RULES, NORM_MS_RULES, ATTENTION_MS_RULES, QUANT_MS_RULES, RECURRENT_MS_RULES]);

/** The rule for an op, undefined when none (its outputs stay unknown). */
export function ruleFor(domain: string, opType: string): Rule | undefined {
  if (domain === '' || domain === 'ai.onnx') return ONNX_RULES.get(opType);
  if (domain === 'com.microsoft') return MS_RULES.get(opType) ?? ONNX_RULES.get(opType);
  return undefined;
}

/** Ops with a rule, by domain (for documentation and coverage tests). */
export function coveredOps(): { onnx: string[]; microsoft: string[] } {
  return { onnx: [...ONNX_RULES.keys()].sort(), microsoft: [...MS_RULES.keys()].sort() };
}
