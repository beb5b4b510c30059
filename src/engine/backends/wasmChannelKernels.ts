import type * as tfNamespace from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo, Tf } from './tf';
import { asTensor, requireBackend, runAsKernel } from './kernelTensors';
import { leadingSumKernel } from './wasmKernels/leadingSums';

/**
 * BatchNorm's per-channel affine map on wasm, routed to XNNPACK. tf.js 4.22's wasm FusedBatchNorm is
 * a scalar loop that divides by a square root per element, on one thread even in the threaded build.
 * XNNPACK's broadcasting multiply and add give the same result vectorised and split across the
 * thread pool: 1.6–10× faster on one thread on ResNet-20's activations (measured in Node, loaded
 * machine), and parallel where threads are on. Results differ from the scalar loop by float32
 * rounding only (one multiply by a per-channel factor instead of a divide per element).
 *
 * Sum and Mean over the leading axes (tf.js transposes first) go to our own SIMD kernel
 * (wasmKernels/leadingSums.ts), not to ones·x on BatchMatMul: XNNPACK packs x as the weights of a
 * new operator on every call, which in a training step (a new x each time) cost more than the
 * transpose saved.
 */

/** Symbol.for, not Symbol: a second copy of this module must still recognise our kernels. */
const OURS = Symbol.for('rescanvas.wasmChannelKernel');
type TaggedKernel = KernelConfig & { [OURS]?: true };
type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

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
 * Replaces wasm's FusedBatchNorm with the XNNPACK route above, and its Sum and Mean with the
 * leading-axis routes of wasmKernels/leadingSums.ts, keeping each native kernel for the cases it
 * still handles (and its setupFunc, which binds its wasm function when the backend starts).
 * Call before the backend starts; safe to call again. Returns the names replaced.
 */
export function registerWasmChannelKernels(tf: Tf): string[] {
  const routes: [string, (native: KernelConfig) => KernelConfig][] = [
    [tf.FusedBatchNorm, (native) => fusedBatchNormKernel(tf, native)],
    [tf.Sum, (native) => leadingSumKernel(tf, native, false)],
    [tf.Mean, (native) => leadingSumKernel(tf, native, true)],
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
