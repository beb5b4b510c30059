import type { KernelBackend, Tensor, TensorInfo, Tf } from './tf';

/**
 * Kernels written with public tf.js ops: inputs arrive as TensorInfo, ops want Tensors, and the
 * engine must end up owning exactly one reference to each output.
 */

export function requireBackend(tf: Tf, backend: unknown, kernelName: string): KernelBackend {
  if (!(backend instanceof tf.KernelBackend)) {
    throw new Error(`${kernelName}: called without a tf.js backend`);
  }
  return backend;
}

/**
 * The engine passes op inputs through as Tensors; a bare TensorInfo (possible when another
 * kernel calls ours directly) gets a wrapper holding its own reference, so disposing the wrapper
 * at the end of the caller's tidy cannot free the caller's data.
 */
export function asTensor(tf: Tf, backend: KernelBackend, info: TensorInfo | undefined, name: string): Tensor {
  if (info === undefined) throw new Error(`missing kernel input '${name}'`);
  if (info instanceof tf.Tensor) return info;
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

/**
 * Hands a tensor computed inside a kernelFunc over to the engine. The extra backend reference
 * keeps the data alive while our wrapper is disposed; the engine then wraps the same dataId as
 * the kernel's output and owns that last reference. Net effect: no copy, no leak.
 */
export function handToEngine(backend: KernelBackend, result: Tensor): TensorInfo {
  backend.incRef(result.dataId);
  const info: TensorInfo = { dataId: result.dataId, shape: result.shape.slice(), dtype: result.dtype };
  result.dispose();
  return info;
}

/** Runs `compute` in a tidy scope over the kernel's inputs and hands its result to the engine. */
export function runAsKernel(tf: Tf, backend: KernelBackend, compute: () => Tensor): TensorInfo {
  return handToEngine(backend, tf.tidy(compute));
}
