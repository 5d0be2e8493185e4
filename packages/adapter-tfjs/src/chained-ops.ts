/**
 * Chained tensor methods (`x.flatten()`, `x.reshape()`, ...). The modular `@tensorflow/tfjs-core`
 * build that Node loads (`tf-core.node.js`) does not install them; `@tensorflow/tfjs` and the
 * bundler builds of tfjs-core do (via `register_all_chained_ops`). Some layers call them (an LSTM's
 * orthogonal initializer calls `flatten()`), so the adapter adds the missing ones, delegating to the
 * ops of the same tfjs instance — only methods that are absent, never replacing one.
 */
import type { TfModule } from './types.js';

/** Methods whose op has the same name and takes `this` as its first argument. */
const SAME_NAME = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan', 'atan2', 'atanh',
  'avgPool', 'batchToSpaceND', 'batchNorm', 'broadcastTo', 'cast', 'ceil', 'clipByValue', 'conv1d', 'conv2d',
  'conv2dTranspose', 'cos', 'cosh', 'cumprod', 'cumsum', 'depthToSpace', 'depthwiseConv2d', 'dilation2d', 'div',
  'divNoNan', 'dot', 'elu', 'equal', 'erf', 'euclideanNorm', 'exp', 'expandDims', 'expm1', 'fft', 'floor',
  'floorDiv', 'gather', 'greater', 'greaterEqual', 'ifft', 'irfft', 'isFinite', 'isInf', 'isNaN', 'leakyRelu',
  'less', 'lessEqual', 'localResponseNormalization', 'log', 'log1p', 'logSigmoid', 'logSoftmax', 'logSumExp',
  'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'matMul', 'max', 'maxPool', 'maximum', 'mean', 'min',
  'minimum', 'mirrorPad', 'mod', 'mul', 'neg', 'norm', 'notEqual', 'oneHot', 'onesLike', 'pad', 'pool', 'pow',
  'prelu', 'prod', 'reciprocal', 'relu', 'relu6', 'reshape', 'resizeBilinear', 'resizeNearestNeighbor', 'reverse',
  'rfft', 'round', 'rsqrt', 'selu', 'separableConv2d', 'sigmoid', 'sign', 'sin', 'sinh', 'slice', 'softmax',
  'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference', 'squeeze', 'step', 'stridedSlice',
  'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose', 'unique', 'unsortedSegmentSum', 'unstack', 'zerosLike',
] as const;

type AnyFn = (...args: unknown[]) => unknown;
interface TensorLike {
  size: number;
  shape: number[];
  throwIfDisposed(): void;
}

/** Chained methods that are not a plain `op(this, ...args)`. */
function special(tf: Record<string, AnyFn>): Record<string, (this: TensorLike, ...args: unknown[]) => unknown> {
  const reshape = tf.reshape as AnyFn;
  const cast = tf.cast as AnyFn;
  return {
    flatten() { return reshape(this, [this.size]); },
    as1D() { return reshape(this, [this.size]); },
    as2D(a, b) { return reshape(this, [a, b]); },
    as3D(a, b, c) { return reshape(this, [a, b, c]); },
    as4D(a, b, c, d) { return reshape(this, [a, b, c, d]); },
    as5D(a, b, c, d, e) { return reshape(this, [a, b, c, d, e]); },
    asScalar() { return reshape(this, []); },
    asType(dtype) { return cast(this, dtype); },
    reshapeAs(x) { return reshape(this, (x as TensorLike).shape); },
    toBool() { return cast(this, 'bool'); },
    toFloat() { return cast(this, 'float32'); },
    toInt() { return cast(this, 'int32'); },
    concat(x, axis) { return (tf.concat as AnyFn)([this, ...(Array.isArray(x) ? x : [x])], axis); },
    stack(x, axis) { return (tf.stack as AnyFn)([this, ...(Array.isArray(x) ? x : [x])], axis); },
    where(condition, x) { return (tf.where as AnyFn)(condition, this, x); },
  };
}

/**
 * Installs the chained tensor methods that this tfjs instance lacks (idempotent). Returns the names
 * it added. Safe to call on `@tensorflow/tfjs`, where nothing is missing.
 */
export function registerChainedOps(tf: TfModule): string[] {
  const ops = tf as unknown as Record<string, AnyFn>;
  const proto = (tf.Tensor as unknown as { prototype: Record<string, unknown> }).prototype;
  const added: string[] = [];
  const install = (name: string, fn: (this: TensorLike, ...args: unknown[]) => unknown) => {
    if (typeof proto[name] === 'function') return;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function chained(this: TensorLike, ...args: unknown[]) {
        this.throwIfDisposed();
        return fn.apply(this, args);
      },
    });
    added.push(name);
  };
  for (const name of SAME_NAME) {
    const op = ops[name];
    if (typeof op === 'function') install(name, function (this: TensorLike, ...args: unknown[]) { return op(this, ...args); });
  }
  for (const [name, fn] of Object.entries(special(ops))) install(name, fn);
  return added;
}

/** Removes chained methods that {@link registerChainedOps} added (its return value), leaving the prototype as it was. */
export function unregisterChainedOps(tf: TfModule, added: readonly string[]): void {
  const proto = (tf.Tensor as unknown as { prototype: Record<string, unknown> }).prototype;
  for (const name of added) delete proto[name];
}
