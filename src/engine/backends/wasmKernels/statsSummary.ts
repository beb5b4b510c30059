import type { KernelConfig, Tensor, TensorInfo, Tf } from '../tf';
import { heapBackend, heapOffset, numericInput, product } from './heapBackend';
import { nativeKernelsFor, requireNativeKernels, type NativeKernels } from './native/nativeKernels';

/**
 * A stats frame's summaries as kernels of our own (native/statsSummary.c): two read one recorded
 * activation or gradient in place and return its row of the frame, where the tf.js route
 * (instrument.ts) stacks same-sized tensors and reduces them in about 15 kernels; the third gives
 * every weight's row in one call. Registered for wasm only; `nativeStatsSummaries` says whether the current backend runs them.
 */
export const ACTIVATION_SUMMARY = 'RescanvasActivationSummary';
export const GRADIENT_SUMMARY = 'RescanvasGradientSummary';
export const WEIGHT_SUMMARY = 'RescanvasWeightSummary';

/** Fields before the histogram: mean, std, min, max, zero fraction; L2 norm, RMS, max |g|. */
const LEADING = { [ACTIVATION_SUMMARY]: 5, [GRADIENT_SUMMARY]: 3 } as const;

interface SummaryAttrs {
  bins: number;
  /** The histogram counts every stride-th value from the first. */
  stride: number;
}

type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

function summaryKernel(
  kernelName: typeof ACTIVATION_SUMMARY | typeof GRADIENT_SUMMARY,
  pick: (k: NativeKernels) => NativeKernels['activationSummary'],
): KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs) => {
      const x = numericInput(inputs as Record<string, TensorInfo | undefined>, 'x', kernelName);
      const n = product(x.shape);
      if (x.dtype !== 'float32' || n === 0) throw new Error(`${kernelName}: needs a non-empty float32 tensor, got ${x.dtype} ${JSON.stringify(x.shape)}`);
      const { bins, stride } = attrs as unknown as SummaryAttrs;
      if (!Number.isInteger(bins) || bins < 1 || !Number.isInteger(stride) || stride < 1)
        throw new Error(`${kernelName}: bins and stride must be positive integers`);
      const kernels = requireNativeKernels(backend, kernelName);
      const out = heapBackend(backend, kernelName).makeOutput([LEADING[kernelName] + bins], 'float32');
      pick(kernels)(heapOffset(backend, x, kernelName), n, heapOffset(backend, out, kernelName), bins, stride);
      return out;
    },
  };
}

interface WeightSummaryAttrs {
  count: number;
}

/**
 * Inputs before<i>, gradient<i> (absent: no gradient) and after<i> for each weight: one dispatch
 * for the whole net, where the tf.js route takes about 15 kernels per weight (3,006 weights in the
 * 1002-layer MLP). The C side is handed a table of where each weight lies.
 */
function weightSummaryKernel(): KernelConfig {
  return {
    kernelName: WEIGHT_SUMMARY,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs) => {
      const named = inputs as Record<string, TensorInfo | undefined>;
      const { count } = attrs as unknown as WeightSummaryAttrs;
      const kernels = requireNativeKernels(backend, WEIGHT_SUMMARY);
      const at = (info: TensorInfo) => heapOffset(backend, info, WEIGHT_SUMMARY);
      const rows: number[] = [];
      for (let i = 0; i < count; i++) {
        const before = numericInput(named, `before${i}`, WEIGHT_SUMMARY);
        const after = numericInput(named, `after${i}`, WEIGHT_SUMMARY);
        const gradient = named[`gradient${i}`];
        const size = product(before.shape);
        for (const t of gradient === undefined ? [before, after] : [before, after, gradient]) {
          if (t.dtype !== 'float32' || product(t.shape) !== size)
            throw new Error(`${WEIGHT_SUMMARY}: weight ${i} needs float32 tensors of ${size} values, got ${t.dtype} ${JSON.stringify(t.shape)}`);
        }
        rows.push(at(before), gradient === undefined ? 0 : at(gradient), at(after), size);
      }
      const heap = heapBackend(backend, WEIGHT_SUMMARY);
      const out = heap.makeOutput([count, 3], 'float32');
      const table = heap.makeOutput([Math.max(1, rows.length)], 'int32');
      // Offsets past 2 GiB wrap to negative int32s here and read back as unsigned in C.
      (heap.typedArrayFromHeap(table) as Int32Array).set(rows);
      kernels.weightSummary(at(table), count, at(out));
      (backend as { disposeData(dataId: object): void }).disposeData(table.dataId);
      return out;
    },
  };
}

export function statsSummaryKernels(): KernelConfig[] {
  return [summaryKernel(ACTIVATION_SUMMARY, (k) => k.activationSummary), summaryKernel(GRADIENT_SUMMARY, (k) => k.gradientSummary), weightSummaryKernel()];
}

export interface StatsSummaries {
  /** [5 + bins]: mean, std, min, max, zero fraction, histogram over [min, max]. */
  activation(x: Tensor): Tensor;
  /** [3 + bins]: L2 norm, RMS, max |g|, histogram over [−max, max]. */
  gradient(x: Tensor): Tensor;
  /** [weights, 3]: ‖w‖, ‖g‖ (NaN without a gradient), ‖after − before‖ / max(‖before‖, 1e-30). */
  weights(before: Tensor[], gradients: (Tensor | undefined)[], after: Tensor[]): Tensor;
}

/** The summary kernels when the active backend runs them, else null (the caller takes the tf.js route). */
export function nativeStatsSummaries(tf: Tf, bins: number, sample: number): StatsSummaries | null {
  if (nativeKernelsFor(tf.backend()) === undefined || tf.getKernel(ACTIVATION_SUMMARY, tf.getBackend()) === undefined) return null;
  const run = (name: string, x: Tensor) => {
    const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const attrs: SummaryAttrs = { bins, stride: Math.ceil(input.size / sample) };
    return tf.engine().runKernel(name, { x: input }, attrs as never) as Tensor;
  };
  const weights = (before: Tensor[], gradients: (Tensor | undefined)[], after: Tensor[]) => {
    const inputs: Record<string, Tensor> = {};
    before.forEach((w, i) => {
      inputs[`before${i}`] = w;
      inputs[`after${i}`] = after[i] as Tensor;
      const g = gradients[i];
      if (g !== undefined) inputs[`gradient${i}`] = g;
    });
    const attrs: WeightSummaryAttrs = { count: before.length };
    return tf.engine().runKernel(WEIGHT_SUMMARY, inputs, attrs as never) as Tensor;
  };
  return { activation: (x) => run(ACTIVATION_SUMMARY, x), gradient: (x) => run(GRADIENT_SUMMARY, x), weights };
}
