import type { KernelConfig, TensorInfo } from '../tf';
import { heapBackend, numericInput, product } from './heapBackend';

/**
 * The optimizer's flat layout on wasm: every variable (or gradient) laid end to end in one tensor,
 * and back. With tf.js's own ops that is one Reshape per tensor, a Concat, a SplitV and a Reshape
 * per tensor again; on the 1002-layer example that was 9,000 kernel dispatches a step, a quarter
 * of all, for copies that need no arithmetic. These two kernels copy straight through the heap.
 * They are the engine's own kernel names, registered on wasm only; elsewhere the optimizer uses
 * the ops.
 */
export const PACK_FLAT = 'RescanvasPackFlat';
export const UNPACK_FLAT = 'RescanvasUnpackFlat';

export interface UnpackFlatAttrs {
  shapes: number[][];
}

/** Inputs '0', '1', … → one 1-D tensor holding them in that order. */
export function packFlatKernel(): KernelConfig {
  return {
    kernelName: PACK_FLAT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const named = inputs as Record<string, TensorInfo | undefined>;
      const parts = Array.from({ length: Object.keys(named).length }, (_, i) => numericInput(named, String(i), PACK_FLAT));
      if (parts.length === 0) throw new Error(`${PACK_FLAT}: no inputs`);
      const dtype = parts[0].dtype;
      if (parts.some((p) => p.dtype !== dtype)) throw new Error(`${PACK_FLAT}: inputs of different dtypes`);
      const heap = heapBackend(backend, PACK_FLAT);
      const out = heap.makeOutput([parts.reduce((sum, p) => sum + product(p.shape), 0)], dtype);
      // Views are taken after the allocation: growing the heap detaches earlier ones.
      const target = heap.typedArrayFromHeap(out);
      let at = 0;
      for (const part of parts) {
        const source = heap.typedArrayFromHeap(part);
        target.set(source, at);
        at += source.length;
      }
      return out;
    },
  };
}

/** One 1-D tensor → tensors of the given shapes, cut from it in order. */
export function unpackFlatKernel(): KernelConfig {
  return {
    kernelName: UNPACK_FLAT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = numericInput(inputs as Record<string, TensorInfo | undefined>, 'x', UNPACK_FLAT);
      const { shapes } = attrs as unknown as UnpackFlatAttrs;
      const sizes = shapes.map(product);
      const total = sizes.reduce((a, b) => a + b, 0);
      if (total !== product(x.shape)) throw new Error(`${UNPACK_FLAT}: shapes hold ${total} values, the input ${product(x.shape)}`);
      const heap = heapBackend(backend, UNPACK_FLAT);
      let at = 0;
      return shapes.map((shape, i) => {
        const out = heap.makeOutput(shape, x.dtype);
        heap.typedArrayFromHeap(out).set(heap.typedArrayFromHeap(x).subarray(at, at + sizes[i]));
        at += sizes[i];
        return out;
      });
    },
  };
}
