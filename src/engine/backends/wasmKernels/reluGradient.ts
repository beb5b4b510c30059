import type { KernelConfig, Tensor, TensorInfo, Tf } from '../tf';
import { heapBackend, heapOffset, numericInput, product } from './heapBackend';
import { nativeKernelsFor, requireNativeKernels } from './native/nativeKernels';

/**
 * ReLU's gradient dy · step(x) as one kernel of our own (native/reluGradient.c): one pass where
 * tf.js' route runs Step and Multiply over the activation, and split across the kernels' helper
 * threads on the largest. Registered for wasm only; `nativeReluGradient` says whether it runs.
 */
export const RELU_GRADIENT = 'RescanvasReluGradient';

type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

function reluGradientKernel(): KernelConfig {
  return {
    kernelName: RELU_GRADIENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }: KernelArgs) => {
      const named = inputs as Record<string, TensorInfo | undefined>;
      const [dy, x] = ['dy', 'x'].map((name) => numericInput(named, name, RELU_GRADIENT));
      if (dy.dtype !== 'float32' || x.dtype !== 'float32' || product(dy.shape) !== product(x.shape))
        throw new Error(
          `${RELU_GRADIENT}: needs float32 dy and x of one size, got ${dy.dtype} ${JSON.stringify(dy.shape)} and ${x.dtype} ${JSON.stringify(x.shape)}`,
        );
      const kernels = requireNativeKernels(backend, RELU_GRADIENT);
      const dx = heapBackend(backend, RELU_GRADIENT).makeOutput(x.shape.slice(), 'float32');
      const at = (info: TensorInfo) => heapOffset(backend, info, RELU_GRADIENT);
      kernels.reluGradient(at(dy), at(x), at(dx), product(x.shape));
      return dx;
    },
  };
}

export function reluGradientKernels(): KernelConfig[] {
  return [reluGradientKernel()];
}

/** dy · step(x) in one kernel, when the active backend runs ours and the tensors suit it; else null. */
export function nativeReluGradient(tf: Tf, x: Tensor): ((dy: Tensor, input: Tensor) => Tensor) | null {
  if (x.dtype !== 'float32' || x.size === 0 || nativeKernelsFor(tf.backend()) === undefined) return null;
  if (tf.getKernel(RELU_GRADIENT, tf.getBackend()) === undefined) return null;
  return (dy, input) => tf.engine().runKernel(RELU_GRADIENT, { dy, x: input }) as Tensor;
}
