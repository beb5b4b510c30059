import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, Tensor, TensorInfo, Tf } from './tf';
import { asTensor, requireBackend, runAsKernel } from './kernelTensors';

/**
 * Per-channel work of a training step on wasm, routed to XNNPACK. tf.js 4.22's wasm FusedBatchNorm
 * is a scalar loop that divides by a square root per element, and its Sum and Mean over leading axes
 * first transpose the reduced axes to the end; all three run on one thread even in the threaded
 * build. The same results come from XNNPACK's broadcasting multiply/add and its matrix multiply,
 * which are vectorised and split across the thread pool: 4–10× faster on one thread (measured on
 * ResNet-20's activations), and parallel where threads are on. Results differ from the scalar loops
 * by float32 rounding only (summation order, one multiply instead of a divide).
 */

/** Symbol.for, not Symbol: a second copy of this module must still recognise our kernels. */
const OURS = Symbol.for('rescanvas.wasmChannelKernel');
type TaggedKernel = KernelConfig & { [OURS]?: true };
type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

interface ReduceAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** The reduced axes, when they are exactly the leading ones and at least one axis is kept. */
function leadingAxes(shape: readonly number[], axis: number | number[]): number | null {
  const rank = shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank) return null;
  return axes.every((a, i) => a === i) ? axes.length : null;
}

/**
 * Σ over the leading axes as ones[1, M] · x[M, C]. Null where the native kernel is as good or the
 * only one that applies (integers, trailing or scattered axes, a full reduction).
 */
function sumLeading(tf: Tf, x: Tensor, attrs: ReduceAttrs, mean: boolean): Tensor | null {
  if (x.dtype !== 'float32') return null;
  const leading = leadingAxes(x.shape, attrs.axis);
  if (leading === null) return null;
  const rows = x.shape.slice(0, leading).reduce((a, b) => a * b, 1);
  const kept = x.shape.slice(leading);
  const columns = kept.reduce((a, b) => a * b, 1);
  if (rows === 0 || columns === 0) return null;
  const summed = tf.matMul(tf.ones([1, rows]), tf.reshape(x, [rows, columns]));
  const value = mean ? tf.div(summed, rows) : summed;
  return tf.reshape(value, attrs.keepDims ? [...x.shape.slice(0, leading).map(() => 1), ...kept] : kept);
}

function reduceKernel(tf: Tf, native: KernelConfig, mean: boolean): KernelConfig {
  return {
    ...native,
    kernelFunc: (args: KernelArgs) => {
      const x = args.inputs.x;
      const attrs = args.attrs as unknown as ReduceAttrs;
      if (x === undefined || x.dtype !== 'float32' || leadingAxes(x.shape, attrs.axis) === null) return native.kernelFunc(args);
      const backend = requireBackend(tf, args.backend, native.kernelName);
      return runAsKernel(tf, backend, () => sumLeading(tf, asTensor(tf, backend, x, 'x'), attrs, mean) as Tensor);
    },
  };
}

/** y = x·k + c with k = scale/√(variance + ε) and c = offset − mean·k: two passes over x, both on XNNPACK. */
function fusedBatchNormKernel(tf: Tf, native: KernelConfig): KernelConfig {
  return {
    ...native,
    kernelFunc: (args: KernelArgs) => {
      const { x, mean, variance, offset, scale } = args.inputs;
      if (x === undefined || mean === undefined || variance === undefined || x.dtype !== 'float32') return native.kernelFunc(args);
      const backend = requireBackend(tf, args.backend, native.kernelName);
      const epsilon = (args.attrs as unknown as tfNamespace.FusedBatchNormAttrs).varianceEpsilon;
      const tensor = (info: TensorInfo, name: string) => asTensor(tf, backend, info, name);
      return runAsKernel(tf, backend, () => {
        const inverse = tf.rsqrt(tf.add(tensor(variance, 'variance'), epsilon));
        const k = scale === undefined ? inverse : tf.mul(inverse, tensor(scale, 'scale'));
        const shift = tf.mul(tensor(mean, 'mean'), k);
        const c = offset === undefined ? tf.neg(shift) : tf.sub(tensor(offset, 'offset'), shift);
        return tf.add(tf.mul(tensor(x, 'x'), k), c);
      });
    },
  };
}

function isOurs(config: KernelConfig | undefined): boolean {
  return (config as TaggedKernel | undefined)?.[OURS] === true;
}

/**
 * Replaces wasm's FusedBatchNorm, Sum and Mean with the XNNPACK routes above, keeping each native
 * kernel for the cases it still handles (and its setupFunc, which binds its wasm function when the
 * backend starts). Call before the backend starts; safe to call again. Returns the names replaced.
 */
export function registerWasmChannelKernels(tf: Tf): string[] {
  const routes: [string, (native: KernelConfig) => KernelConfig][] = [
    [tf.FusedBatchNorm, (native) => fusedBatchNormKernel(tf, native)],
    [tf.Sum, (native) => reduceKernel(tf, native, false)],
    [tf.Mean, (native) => reduceKernel(tf, native, true)],
  ];
  const replaced: string[] = [];
  for (const [name, route] of routes) {
    const native = tf.getKernel(name, 'wasm');
    if (native === undefined || isOurs(native)) continue;
    const tagged: TaggedKernel = { ...route(native), [OURS]: true };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(tagged);
    replaced.push(name);
  }
  return replaced;
}
