import type * as tfNamespace from '@tensorflow/tfjs';
import type { TensorInfo } from '../tf';

/** What the wasm backend offers for writing an output in place: its heap, seen as a typed array. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: tfNamespace.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export function heapBackend(backend: unknown, kernelName: string): HeapBackend {
  const b = backend as Partial<HeapBackend> | null;
  if (typeof b?.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function') throw new Error(`${kernelName}: called without the wasm backend`);
  return b as HeapBackend;
}

/** Where a tensor's data starts in the wasm heap, in bytes: what the engine's own wasm kernels are handed. */
export function heapOffset(backend: unknown, info: TensorInfo, kernelName: string): number {
  const entry = (backend as { dataIdMap?: { get(dataId: object): { memoryOffset?: unknown } | undefined } } | null)?.dataIdMap?.get(info.dataId);
  if (typeof entry?.memoryOffset !== 'number') throw new Error(`${kernelName}: the wasm backend holds no data for this tensor`);
  return entry.memoryOffset;
}

export function numericInput(inputs: Record<string, TensorInfo | undefined>, name: string, kernelName: string): TensorInfo {
  const x = inputs[name];
  if (x === undefined) throw new Error(`${kernelName}: missing kernel input '${name}'`);
  if (x.dtype === 'string' || x.dtype === 'complex64') throw new Error(`${kernelName}: ${x.dtype} tensors are not supported on wasm`);
  return x;
}

export const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);

/**
 * Copies the box [begin, begin + size) of `x` into a new output, one innermost run at a time,
 * reading the input where it lies in the heap.
 */
export function copyBox(backend: HeapBackend, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  // Views are taken after the allocation: growing the heap detaches earlier ones.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0 || product(size) === 0) {
    if (rank === 0) target[0] = source[0];
    return out;
  }
  // Trailing dimensions taken whole merge into one run with the first partial one before them.
  let split = rank - 1;
  while (split > 0 && begin[split] === 0 && size[split] === x.shape[split]) split--;
  const stride = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) stride[d] = stride[d + 1] * x.shape[d + 1];
  const run = size[split] * stride[split];
  const index = new Array<number>(split).fill(0);
  const runs = product(size.slice(0, split));
  for (let r = 0; r < runs; r++) {
    let from = begin[split] * stride[split];
    for (let d = 0; d < split; d++) from += (begin[d] + index[d]) * stride[d];
    target.set(source.subarray(from, from + run), r * run);
    for (let d = split - 1; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
