import type { KernelConfig, Tensor, TensorInfo, Tf } from '../tf';
import { heapBackend, heapOffset, numericInput, product } from './heapBackend';
import { nativeKernelsFor, requireNativeKernels, type NativeKernels } from './native/nativeKernels';

/**
 * ReLU and the sum of two float32 tensors of one shape by our own kernels (native/elementwise.c),
 * with tf.js' wasm Relu and Add's numbers. Under tf.js' threaded build its own kernels run on the
 * engine's thread alone, since its pool is left one thread; these split across our helper threads.
 * Registered for wasm only; `nativeRelu` and `nativeAdd` say whether they run.
 */
export const RELU = 'RescanvasRelu';
export const ADD = 'RescanvasAdd';

type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

function float32Inputs(inputs: KernelArgs['inputs'], names: readonly string[], kernelName: string): TensorInfo[] {
  const named = inputs as Record<string, TensorInfo | undefined>;
  const tensors = names.map((name) => numericInput(named, name, kernelName));
  const size = product(tensors[0].shape);
  if (tensors.some((t) => t.dtype !== 'float32' || product(t.shape) !== size))
    throw new Error(
      `${kernelName}: needs float32 ${names.join(' and ')} of one size, got ${tensors.map((t) => `${t.dtype} ${JSON.stringify(t.shape)}`).join(' and ')}`,
    );
  return tensors;
}

/** A kernel whose output has its first input's shape, written by `run` from the inputs' heap offsets. */
function elementwiseKernel(
  kernelName: string,
  inputNames: readonly string[],
  run: (kernels: NativeKernels, offsets: number[], size: number) => void,
): KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }: KernelArgs) => {
      const tensors = float32Inputs(inputs, inputNames, kernelName);
      const out = heapBackend(backend, kernelName).makeOutput(tensors[0].shape.slice(), 'float32');
      const offsets = [...tensors, out].map((info) => heapOffset(backend, info, kernelName));
      run(requireNativeKernels(backend, kernelName), offsets, product(out.shape));
      return out;
    },
  };
}

export function elementwiseKernels(): KernelConfig[] {
  return [
    elementwiseKernel(RELU, ['x'], (kernels, [x, y], n) => kernels.relu(x, y, n)),
    elementwiseKernel(ADD, ['a', 'b'], (kernels, [a, b, y], n) => kernels.add(a, b, y, n)),
  ];
}

/** Whether the active backend runs our kernel `name` on float32 tensors like `x`. */
function runsOurs(tf: Tf, name: string, x: Tensor): boolean {
  return x.dtype === 'float32' && x.size > 0 && nativeKernelsFor(tf.backend()) !== undefined && tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** relu(x) by our kernel, where the active backend runs it; else null. */
export function nativeRelu(tf: Tf, x: Tensor): Tensor | null {
  return runsOurs(tf, RELU, x) ? (tf.engine().runKernel(RELU, { x }) as Tensor) : null;
}

/** a + b by our kernel, for float32 tensors of one shape where the active backend runs it; else null. */
export function nativeAdd(tf: Tf, a: Tensor, b: Tensor): Tensor | null {
  return runsOurs(tf, ADD, a) && b.dtype === 'float32' && tf.util.arraysEqual(a.shape, b.shape) ? (tf.engine().runKernel(ADD, { a, b }) as Tensor) : null;
}
