import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { InputSpec, Shape } from '../src/contract.js';
import type { MockLayer, MockModelSpec } from '../src/testing/mock-model.js';
import { REFERENCE_DIR } from './reference-folder.js';

export { REFERENCE_DIR };
/** The folder is there (tests gate on it with `describeReference`: a missing folder fails under CI). */
export const hasReference = existsSync(REFERENCE_DIR);

export interface TorchinfoRow {
  class_name: string;
  var_name: string;
  depth: number;
  is_leaf_layer: boolean;
  executed: boolean;
  is_recursive: boolean;
  input_size: number[] | number[][] | null;
  output_size: number[] | number[][] | null;
  num_params: number;
  trainable_params: number;
  param_bytes: number;
  output_bytes: number;
  macs: number;
  kernel_size: number[] | null;
}

export interface TorchsummaryRow {
  layer: string;
  class_name: string;
  output_shape: number[] | number[][];
  param_count: number;
}

export interface ReferenceTotals {
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
  total_mult_adds: number;
  total_input_bytes: number;
  total_output_bytes: number;
  total_param_bytes: number;
  estimated_total_bytes: number;
}

export interface Reference {
  model: string;
  inputs: { shape: number[]; dtype: string }[];
  torchsummary: {
    rows: TorchsummaryRow[];
    totals: Record<string, number>;
    text: string;
  };
  torchinfo: { layers: TorchinfoRow[]; totals: ReferenceTotals; text: string };
  onnx: Record<string, unknown>;
}

/** Every reference model that has a JSON file. */
export function referenceNames(): string[] {
  if (!hasReference) return [];
  return readdirSync(REFERENCE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadReference(name: string): Reference {
  return JSON.parse(readFileSync(`${REFERENCE_DIR}/${name}.json`, 'utf8')) as Reference;
}

/** The lines a tool printed, from its text file, minus the rule lines. */
export function printedLines(name: string, tool: 'torchsummary' | 'torchinfo'): string[] {
  return readFileSync(`${REFERENCE_DIR}/${name}.${tool}.txt`, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

const asShapes = (value: number[] | number[][] | null): Shape[] => {
  if (value === null || value.length === 0) return [];
  return Array.isArray(value[0]) ? (value as number[][]) : [value as number[]];
};

function declaredInputs(ref: Reference): InputSpec[] {
  return ref.inputs.map((input, i) => ({ name: `input_${i}`, shape: [null, ...input.shape.slice(1)], dtype: 'float32' }));
}

/**
 * A mock model with one layer per torchinfo module (recursive rows are later calls of the same
 * module); own params = the row's params minus its children's; events in torchinfo's row order.
 */
export function mockFromTorchinfo(ref: Reference): MockModelSpec {
  const rows = ref.torchinfo.layers;
  const stack: { id: string; depth: number }[] = [];
  const layers = new Map<string, MockLayer & { childParams: number; childTrainable: number; childBytes: number; totalParams: number }>();
  const callOrder: string[] = [];
  for (const row of rows) {
    while (stack.length > 0 && (stack.at(-1) as { depth: number }).depth >= row.depth) stack.pop();
    const parent = stack.at(-1);
    const id = parent ? `${parent.id}/${row.var_name}` : row.var_name;
    stack.push({ id, depth: row.depth });
    const outputs = asShapes(row.output_size).map((shape) => ({ shape }));
    const call = {
      outputs: outputs.map((o, k) => ({ ...o, ...(k === 0 ? { bytes: row.output_bytes } : { bytes: 0 }) })),
      inputShapes: asShapes(row.input_size),
      ...(row.is_leaf_layer ? { macs: row.macs } : {}),
    };
    const existing = layers.get(id);
    if (existing) {
      existing.calls?.push(call);
    } else {
      if (!row.is_recursive && parent) {
        const p = layers.get(parent.id);
        if (p) {
          p.childParams += row.num_params;
          p.childTrainable += row.trainable_params;
          p.childBytes += row.param_bytes;
        }
      }
      layers.set(id, {
        id,
        name: row.var_name,
        type: row.class_name,
        ...(parent ? { parentId: parent.id } : {}),
        totalParams: row.num_params,
        params: row.num_params,
        trainableParams: row.trainable_params,
        paramBytes: row.param_bytes,
        childParams: 0,
        childTrainable: 0,
        childBytes: 0,
        ...(row.kernel_size ? { attributes: { kernel: row.kernel_size } } : {}),
        calls: [call],
      });
    }
    if (row.executed) callOrder.push(id);
  }
  const mockLayers: MockLayer[] = [...layers.values()].map(({ childParams, childTrainable, childBytes, totalParams, ...layer }) => ({
    ...layer,
    params: totalParams - childParams,
    trainableParams: (layer.trainableParams ?? 0) - childTrainable,
    paramBytes: (layer.paramBytes ?? 0) - childBytes,
  }));
  return { name: ref.model, runtime: 'torch-reference', inputs: declaredInputs(ref), layers: mockLayers, callOrder };
}

/** A flat mock model with one layer per torchsummary row, as torchsummary saw the model. */
export function mockFromTorchsummary(ref: Reference): MockModelSpec {
  const layers: MockLayer[] = ref.torchsummary.rows.map((row) => ({
    id: row.layer,
    type: row.class_name,
    params: row.param_count,
    trainableParams: row.param_count,
    outputs: asShapes(row.output_shape).map((shape) => ({ shape: shape.map((d) => (d === -1 ? null : d)) })),
  }));
  return { name: ref.model, runtime: 'torch-reference', inputs: declaredInputs(ref), layers };
}
