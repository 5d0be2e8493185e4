/** The inputs a pass is fed, checked against what the ONNX model declares. */
import { formatShape, summaryError, type ResolvedInput } from '@modelsummary/core';
import type { ParsedGraph } from './graph.js';

/** Checks resolved inputs against the model's declared inputs: names, ranks, fixed dims, dtypes. */
export function checkSpecs(specs: readonly ResolvedInput[], graph: ParsedGraph, label: string): void {
  const declared = new Map(graph.inputs.map((i) => [i.name, i]));
  const given = new Set<string>();
  for (const s of specs) {
    const d = declared.get(s.name);
    if (!d) {
      throw summaryError('INVALID_INPUT', `${label}: the model has no input "${s.name}" (its inputs: ${[...declared.keys()].join(', ') || 'none'})`, {
        details: { file: label, input: s.name },
      });
    }
    given.add(s.name);
    const shape = d.shape;
    const wrongRank = shape.length !== s.shape.length;
    const wrongDim = !wrongRank && shape.findIndex((dim, axis) => typeof dim === 'number' && dim !== s.shape[axis]);
    if (wrongRank || (typeof wrongDim === 'number' && wrongDim >= 0)) {
      const what = wrongRank ? `rank ${s.shape.length}, the model declares rank ${shape.length}` : `dim ${String(wrongDim)} is ${s.shape[wrongDim as number]}, the model fixes it to ${String(shape[wrongDim as number])}`;
      throw summaryError('INVALID_INPUT', `${label}: input "${s.name}" shape [${s.shape.join(', ')}] does not fit the declared ${formatShape(shape)}: ${what}`, {
        details: { file: label, input: s.name, declared: shape, given: s.shape },
      });
    }
    if (d.dtype && s.dtype !== d.dtype) {
      throw summaryError('INVALID_INPUT', `${label}: input "${s.name}" has dtype ${s.dtype}, the model declares ${d.dtype}`, {
        details: { file: label, input: s.name, declared: d.dtype, given: s.dtype },
      });
    }
  }
  const missing = [...declared.keys()].filter((n) => !given.has(n));
  if (missing.length > 0) {
    throw summaryError('INVALID_INPUT', `${label}: no value for input(s) ${missing.map((m) => `"${m}"`).join(', ')}`, { details: { file: label, missing } });
  }
}
