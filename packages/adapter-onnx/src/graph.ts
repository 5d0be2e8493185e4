/**
 * Static analysis of an ONNX graph: layer rows (nodes + scope rows), parameter ownership,
 * declared inputs, value_info shapes, external-data checks. No runtime needed.
 */
import type { DType, Dim, InputSpec, LayerRecord, Shape } from '@modelsummary/core';
import { isKnownDType, summaryError, tensorBytes } from '@modelsummary/core';
import { dtypeName, int64, utf8, type AttributeProto, type GraphProto, type ModelProto, type TensorProto, type ValueInfoProto } from './proto.js';
import { nodeMacs, type MacsContext } from './macs.js';

export interface Initializer {
  name: string;
  dims: number[];
  dtype: DType;
  elements: number;
  bytes: number;
  /** The weight is the output of a Constant node (not a graph initializer). */
  fromConstant?: boolean;
  /** External-data file (relative to the model's folder), when the data is not in the model file. */
  externalLocation?: string;
}

export interface GraphNode {
  index: number;
  /** Row id (node name, or `op_type_index` when unnamed; made unique). */
  id: string;
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, unknown>;
  /** Constant nodes are fetched (their outputs feed shapes) but are not rows. */
  isConstant: boolean;
  /** If / Loop / Scan (any node with a graph attribute): its body is not inspected. */
  hasSubgraph: boolean;
  /** Initializers of the outer graph this node reads (inputs and, for control flow, its body). */
  initializerInputs: string[];
}

export interface ValueInfo {
  shape?: Shape;
  dtype?: DType;
}

export interface ParsedGraph {
  graphName: string;
  irVersion: number;
  opsets: Record<string, number>;
  /** Every node, in graph order, Constant nodes included. */
  nodes: GraphNode[];
  /** Nodes that are rows (Constant nodes excluded). */
  rowNodes: GraphNode[];
  layers: LayerRecord[];
  inputs: (InputSpec & { name: string })[];
  outputs: string[];
  initializers: Map<string, Initializer>;
  valueInfo: Map<string, ValueInfo>;
  warnings: string[];
  /** External-data file locations used by initializers (already checked to stay inside the model folder). */
  externalFiles: string[];
  /** Outputs of Constant nodes (weights for the MACs convention). */
  constantOutputs: Set<string>;
}

const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan']);
/** float32, float16, float64, bfloat16, float8 variants. */
const FLOAT_TYPES = new Set([1, 10, 11, 16, 17, 18, 19, 20]);

/** ONNX AttributeProto.AttributeType values. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14 };

export function parseGraph(model: ModelProto, label: string): ParsedGraph {
  const graph = model.graph as GraphProto;
  const warnings: string[] = [];
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[o.domain || 'ai.onnx'] = int64(o.version) ?? 0;

  // Initializers (dims only: the data is never read).
  const initializers = new Map<string, Initializer>();
  const externalFiles = new Set<string>();
  const addInitializer = (t: TensorProto, what: string): void => {
    const name = t.name ?? '';
    const dims = (t.dims ?? []).map((d, i) => {
      const n = int64(d);
      if (n === undefined || n < 0) {
        throw summaryError('INVALID_MODEL', `${label}: ${what} "${name}" has an invalid dimension ${String(d)} at axis ${i}`, {
          details: { file: label, initializer: name, dims: (t.dims ?? []).map(String) },
        });
      }
      return n;
    });
    const elements = dims.reduce((a, b) => a * b, 1);
    const dtype = dtypeName(t.dataType);
    const bytes = isKnownDType(dtype) ? tensorBytes(elements, dtype) : 0;
    if (!isKnownDType(dtype)) warnings.push(`${what} "${name}" has dtype ${dtype}, whose byte size is unknown: counted as 0 bytes`);
    const init: Initializer = { name, dims, dtype, elements, bytes };
    if (t.dataLocation === 1 /* EXTERNAL */) {
      const location = (t.externalData ?? []).find((e) => e.key === 'location')?.value ?? '';
      checkExternalLocation(location, name, label);
      init.externalLocation = location;
      externalFiles.add(location);
    }
    initializers.set(name, init);
  };
  for (const t of graph.initializer ?? []) addInitializer(t, 'initializer');
  for (const s of graph.sparseInitializer ?? []) {
    if (!s.values) continue;
    // A sparse initializer's parameter count is its dense size (dims), like torch.
    addInitializer({ ...s.values, dims: s.dims ?? s.values.dims }, 'sparse initializer');
  }

  // Weights kept in Constant nodes (paddle2onnx and other exporters do this instead of using
  // initializers): a floating-point Constant with more than one element is a weight of the node that
  // consumes it. Scalars (Clip bounds, ...) and integer constants (shapes, axes) are not parameters.
  let constantParams = 0;
  for (const n of graph.node ?? []) {
    if (n.opType !== 'Constant' || (n.domain ?? '') !== '' || !n.output?.[0]) continue;
    const value = (n.attribute ?? []).find((a) => a.name === 'value' || a.name === 'sparse_value' || a.name === 'value_floats');
    if (!value) continue;
    const t: TensorProto | undefined =
      value.name === 'value' ? value.t ?? undefined
      : value.name === 'sparse_value' ? (value.sparseTensor?.values ? { ...value.sparseTensor.values, dims: value.sparseTensor.dims ?? [] } : undefined)
      : { dims: [value.floats?.length ?? 0], dataType: 1 };
    if (!t || !FLOAT_TYPES.has(t.dataType ?? 0)) continue;
    const before = initializers.size;
    addInitializer({ ...t, name: n.output[0] }, 'Constant node output');
    const init = initializers.get(n.output[0]);
    if (init && init.elements <= 1) initializers.delete(n.output[0]);
    else if (init && initializers.size > before) {
      init.fromConstant = true;
      constantParams += init.elements;
    }
  }
  if (constantParams > 0) {
    warnings.push(`${constantParams} parameters are stored in Constant nodes rather than initializers; they are counted as parameters of the nodes that consume them`);
  }

  // Value infos: declared inputs, outputs and intermediate value_info.
  const valueInfo = new Map<string, ValueInfo>();
  const readValueInfo = (v: ValueInfoProto): void => {
    if (!v.name) return;
    const info = valueInfoOf(v);
    if (info) valueInfo.set(v.name, info);
  };
  for (const v of graph.valueInfo ?? []) readValueInfo(v);
  for (const v of graph.output ?? []) readValueInfo(v);
  for (const v of graph.input ?? []) readValueInfo(v);

  const inputs: (InputSpec & { name: string })[] = [];
  for (const v of graph.input ?? []) {
    const name = v.name ?? '';
    if (initializers.has(name)) continue; // IR < 4 lists initializers as inputs: they are not feeds
    const info = valueInfoOf(v);
    const shape = info?.shape;
    shape?.forEach((d, axis) => {
      if (typeof d === 'number' && d < 0) {
        throw summaryError('INVALID_MODEL', `${label}: input "${name}" declares a negative dimension ${d} at axis ${axis}`, {
          details: { file: label, input: name, shape },
        });
      }
    });
    if (!info || info.dtype === undefined) {
      throw summaryError('INVALID_MODEL', `${label}: input "${name}" is not a tensor with a known element type`, { details: { file: label, input: name } });
    }
    inputs.push({ name, shape: shape ?? [], dtype: info.dtype });
  }

  // Nodes.
  const usedIds = new Set<string>();
  const nodes: GraphNode[] = (graph.node ?? []).map((n, index) => {
    const opType = n.opType ?? '';
    const name = n.name ?? '';
    let id = name || `${opType}_${index}`;
    if (usedIds.has(id)) {
      let k = 2;
      while (usedIds.has(`${id}#${k}`)) k++;
      id = `${id}#${k}`;
    }
    usedIds.add(id);
    const attributes: Record<string, unknown> = {};
    let hasSubgraph = false;
    const outerNames = new Set<string>();
    for (const a of n.attribute ?? []) {
      const value = attributeValue(a);
      if (a.g || (a.graphs && a.graphs.length > 0)) {
        hasSubgraph = true;
        for (const g of a.g ? [a.g] : a.graphs ?? []) collectOuterNames(g, outerNames);
      }
      if (a.name) attributes[a.name] = value;
    }
    const inputsOfNode = (n.input ?? []).slice();
    const initializerInputs = [...new Set([...inputsOfNode.filter((i) => initializers.has(i)), ...[...outerNames].filter((i) => initializers.has(i))])];
    return {
      index,
      id,
      name: name || id,
      opType,
      domain: n.domain ?? '',
      inputs: inputsOfNode,
      outputs: (n.output ?? []).slice(),
      attributes,
      isConstant: opType === 'Constant' && (n.domain ?? '') === '',
      hasSubgraph: hasSubgraph || CONTROL_FLOW.has(opType),
      initializerInputs,
    };
  });

  // Parameter ownership: an initializer belongs to its first consumer; later consumers share it.
  const owner = new Map<string, GraphNode>();
  const layersById = new Map<string, LayerRecord>();
  const sharedUsers = new Map<string, Set<string>>(); // owner row id → later users of its weights
  const rowNodes = nodes.filter((n) => !n.isConstant);
  const unusedInitializers = new Set([...initializers.values()].filter((i) => !i.fromConstant).map((i) => i.name));
  const layers: LayerRecord[] = [];
  const scopeIds = new Map<string, string>(); // scope path → row id
  const constantOutputs = new Set(nodes.filter((n) => n.isConstant).flatMap((n) => n.outputs));
  const staticCtx: MacsContext = {
    initializers,
    shapeOf: (name) => valueInfo.get(name)?.shape ?? initializers.get(name)?.dims,
    isWeight: (name) => constantOutputs.has(name),
  };

  for (const node of rowNodes) {
    // Scope rows, pre-order, each before its first child.
    const segments = node.name.split('/').filter((s) => s.length > 0);
    let parentId: string | undefined;
    let path = '';
    for (const seg of segments.slice(0, -1)) {
      path += `/${seg}`;
      let sid = scopeIds.get(path);
      if (sid === undefined) {
        sid = `${path}/`;
        while (usedIds.has(sid)) sid = `${sid}~`;
        usedIds.add(sid);
        scopeIds.set(path, sid);
        const scope: LayerRecord = { id: sid, name: seg, type: 'scope', params: 0, paramBytes: 0 };
        if (parentId !== undefined) scope.parentId = parentId;
        layers.push(scope);
      }
      parentId = sid;
    }

    let params = 0;
    let paramBytes = 0;
    const sharedWith = new Set<string>();
    for (const iname of node.initializerInputs) {
      unusedInitializers.delete(iname);
      const init = initializers.get(iname);
      if (!init) continue;
      const first = owner.get(iname);
      if (first === undefined) {
        owner.set(iname, node);
        params += init.elements;
        paramBytes += init.bytes;
      } else if (first !== node) {
        sharedWith.add(first.id);
        // collected in a set and written once after the loop: a weight shared by many nodes stays linear
        let users = sharedUsers.get(first.id);
        if (!users) sharedUsers.set(first.id, (users = new Set()));
        users.add(node.id);
      }
    }

    const row: LayerRecord = { id: node.id, name: node.name, type: node.opType, params, paramBytes };
    if (parentId !== undefined) row.parentId = parentId;
    if (sharedWith.size > 0) row.sharedWith = [...sharedWith];
    const attrs = displayAttributes(node, staticCtx);
    if (Object.keys(attrs).length > 0) row.attributes = attrs;
    const outs = node.outputs.filter((o) => o !== '');
    const staticShapes = outs.map((o) => valueInfo.get(o)?.shape);
    if (outs.length > 0 && staticShapes.every((s) => s !== undefined)) {
      row.staticOutputShapes = staticShapes as Shape[];
      const dts = outs.map((o) => valueInfo.get(o)?.dtype);
      if (dts.every((d) => d !== undefined)) row.staticOutputDTypes = dts as DType[];
    }
    const macs = nodeMacs(node, staticCtx);
    if (macs !== undefined) row.macs = macs;
    if (node.hasSubgraph) {
      warnings.push(`node "${node.name}" (${node.opType}): its body (subgraph) is not inspected; its rows, shapes and MACs are not included`);
    }
    layers.push(row);
    layersById.set(row.id, row);
  }
  collapseSingleNodeScopes(layers);
  for (const [ownerId, users] of sharedUsers) {
    const ownerRow = layersById.get(ownerId);
    if (ownerRow) ownerRow.sharedWith = [...new Set([...(ownerRow.sharedWith ?? []), ...users])];
  }
  if (unusedInitializers.size > 0) {
    warnings.push(`${unusedInitializers.size} initializer(s) are not used by any node and are not counted as parameters: ${[...unusedInitializers].slice(0, 5).join(', ')}${unusedInitializers.size > 5 ? ', ...' : ''}`);
  }

  return {
    graphName: graph.name ?? '',
    irVersion: int64(model.irVersion) ?? 0,
    opsets,
    nodes,
    rowNodes,
    layers,
    inputs,
    outputs: (graph.output ?? []).map((o) => o.name ?? ''),
    initializers,
    valueInfo,
    warnings,
    externalFiles: [...externalFiles],
    constantOutputs,
  };
}

/** Refuses external-data locations that leave the model's folder. */
export function checkExternalLocation(location: string, initializer: string, label: string): void {
  const normalized = location.replace(/\\/g, '/');
  const bad =
    normalized.length === 0 ||
    normalized.startsWith('/') ||
    /^[a-zA-Z]:/.test(normalized) ||
    normalized.includes('\0') ||
    normalized.split('/').some((seg) => seg === '..');
  if (bad) {
    throw summaryError(
      'UNSAFE_PATH',
      `${label}: initializer "${initializer}" points to external data at "${location}", which is ${normalized.length === 0 ? 'empty' : 'outside the model\'s folder'}; refused`,
      { details: { file: label, initializer, location } },
    );
  }
}

function valueInfoOf(v: ValueInfoProto): ValueInfo | undefined {
  const tt = v.type?.tensorType;
  if (!tt) return undefined;
  const info: ValueInfo = {};
  if (tt.elemType) info.dtype = dtypeName(tt.elemType);
  if (tt.shape) {
    info.shape = (tt.shape.dim ?? []).map((d): Dim => {
      const which = (d as { value?: string }).value;
      if (which === 'dimParam' && d.dimParam) return d.dimParam;
      if (which === 'dimValue') {
        const n = int64(d.dimValue);
        return n === undefined ? null : n;
      }
      return null;
    });
  }
  return info;
}

function collectOuterNames(g: GraphProto, into: Set<string>): void {
  const local = new Set<string>();
  for (const i of g.input ?? []) if (i.name) local.add(i.name);
  for (const t of g.initializer ?? []) if (t.name) local.add(t.name);
  for (const n of g.node ?? []) for (const o of n.output ?? []) local.add(o);
  for (const n of g.node ?? []) {
    for (const i of n.input ?? []) if (i && !local.has(i)) into.add(i);
    for (const a of n.attribute ?? []) for (const sg of a.g ? [a.g] : a.graphs ?? []) collectOuterNames(sg, into);
  }
}

function attributeValue(a: AttributeProto): unknown {
  const t = a.type ?? 0;
  switch (t) {
    case ATTR.FLOAT:
      return a.f ?? 0;
    case ATTR.INT:
      return int64(a.i) ?? String(a.i);
    case ATTR.STRING:
      return utf8(a.s);
    case ATTR.TENSOR:
      return tensorSummary(a.t);
    case ATTR.GRAPH:
      return `<graph ${a.g?.name ?? ''}: ${a.g?.node?.length ?? 0} nodes, not inspected>`;
    case ATTR.FLOATS:
      return (a.floats ?? []).slice();
    case ATTR.INTS:
      return (a.ints ?? []).map((x) => int64(x) ?? String(x));
    case ATTR.STRINGS:
      return (a.strings ?? []).map((s) => utf8(s));
    case ATTR.TENSORS:
      return (a.tensors ?? []).map(tensorSummary);
    case ATTR.GRAPHS:
      return (a.graphs ?? []).map((g) => `<graph ${g.name ?? ''}: ${g.node?.length ?? 0} nodes, not inspected>`);
    default:
      // Old models may omit `type`: fall back on whichever field is set.
      if (a.ints && a.ints.length) return a.ints.map((x) => int64(x) ?? String(x));
      if (a.floats && a.floats.length) return a.floats.slice();
      if (a.g) return `<graph: not inspected>`;
      if (a.t) return tensorSummary(a.t);
      if (a.s && a.s.length) return utf8(a.s);
      return undefined;
  }
}

function tensorSummary(t: TensorProto | null | undefined): unknown {
  if (!t) return undefined;
  return { dims: (t.dims ?? []).map((d) => int64(d) ?? String(d)), dtype: dtypeName(t.dataType) };
}

/** Attributes kept on the row, plus `kernel` for the kernel column. */
function displayAttributes(node: GraphNode, ctx: MacsContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.attributes)) {
    if (node.isConstant) continue;
    out[k] = v;
  }
  if (node.domain) out.domain = node.domain;
  let kernel = node.attributes.kernel_shape;
  if (kernel === undefined && (node.opType === 'Conv' || node.opType === 'ConvTranspose')) {
    const w = node.inputs[1] ? ctx.shapeOf(node.inputs[1]) : undefined;
    if (w && w.length > 2) kernel = w.slice(2);
  }
  if (Array.isArray(kernel)) out.kernel = kernel;
  return out;
}

/**
 * A scope that holds a single node adds a row and nothing else (`/classifier/Gemm` under
 * `classifier`): drop it and hang the node on the scope's parent. Bottom-up, so chains collapse.
 */
function collapseSingleNodeScopes(layers: LayerRecord[]): void {
  const children = new Map<string, LayerRecord[]>();
  for (const layer of layers) {
    if (layer.parentId === undefined) continue;
    const list = children.get(layer.parentId);
    if (list) list.push(layer);
    else children.set(layer.parentId, [layer]);
  }
  const removed = new Set<string>();
  for (let i = layers.length - 1; i >= 0; i -= 1) {
    const scope = layers[i] as LayerRecord;
    const kids = children.get(scope.id);
    if (scope.type !== 'scope' || kids?.length !== 1 || (kids[0] as LayerRecord).type === 'scope') continue;
    const child = kids[0] as LayerRecord;
    if (scope.parentId === undefined) delete child.parentId;
    else child.parentId = scope.parentId;
    removed.add(scope.id);
    if (scope.parentId !== undefined) {
      const siblings = children.get(scope.parentId) ?? [];
      siblings[siblings.indexOf(scope)] = child;
    }
  }
  if (removed.size === 0) return;
  const kept = layers.filter((l) => !removed.has(l.id));
  layers.length = 0;
  layers.push(...kept);
}
