import type { KernelConfig, TensorInfo, Tf } from './tf';
import { heapBackend, numericInput, product, type HeapBackend } from './wasmKernels/heapBackend';

/**
 * The training step's normalisation and bias gradients on wasm, each one pass over the heap.
 * On the MLP examples the tensors are tiny (64×16 on the 1002-layer net) and a step's time was
 * tf.js's per-kernel bookkeeping, not arithmetic: LayerNorm's forward and closed-form backward
 * were 20 kernels, BatchNorm's 45, where these make it two. Sums are taken in float64 and the
 * results rounded once to float32, so they differ from the op-by-op forms by float32 rounding
 * only (checked in test/unit/engine/normOps.test.ts). The bias gradient keeps tf.js's float32
 * running sum, so a Dense layer's gradients match autodiff's bit for bit.
 * The engine's own kernel names, registered on wasm only; elsewhere the plan runs the ops.
 */
export const LAYER_NORM = 'RescanvasLayerNorm';
export const LAYER_NORM_GRAD = 'RescanvasLayerNormGrad';
export const BATCH_NORM = 'RescanvasBatchNorm';
export const BATCH_NORM_GRAD = 'RescanvasBatchNormGrad';
export const BIAS_GRAD = 'RescanvasBiasGrad';
export const BIAS_RELU = 'RescanvasBiasRelu';

/**
 * Above this many values a tensor stays on the op-by-op route, whose kernels are vectorised
 * (and threaded where threads are on); below it dispatch, not arithmetic, is the cost.
 */
export const HEAP_KERNEL_MAX_SIZE = 1 << 16;

export interface NormAttrs {
  epsilon: number;
}

export interface BatchNormAttrs extends NormAttrs {
  /** 1 − momentum: how far the running averages move towards the batch's moments. */
  decay: number;
}

export interface BiasGradAttrs {
  /** dy is masked by ReLU's derivative at `pre` (an input then) before it is summed. */
  relu: boolean;
  /** The summed bias gradient is wanted (an output then). */
  bias: boolean;
}

const f32 = Math.fround;

type Inputs = Record<string, TensorInfo | undefined>;

function floatInput(inputs: Inputs, name: string, kernelName: string): TensorInfo {
  const t = numericInput(inputs, name, kernelName);
  if (t.dtype !== 'float32') throw new Error(`${kernelName}: input '${name}' is ${t.dtype}, not float32`);
  return t;
}

/** The rows × channels layout of a channels-last tensor. */
function layout(x: TensorInfo): { rows: number; channels: number } {
  const channels = x.shape[x.shape.length - 1] ?? 1;
  return { rows: channels === 0 ? 0 : product(x.shape) / channels, channels };
}

/** Allocates the outputs, then takes every view (growing the heap detaches earlier views). */
function views(heap: HeapBackend, outputs: TensorInfo[], inputs: TensorInfo[]): { out: Float32Array[]; in: Float32Array[] } {
  return {
    out: outputs.map((o) => heap.typedArrayFromHeap(o) as Float32Array),
    in: inputs.map((i) => heap.typedArrayFromHeap(i) as Float32Array),
  };
}

/** LayerNorm over the last axis: inputs x, gamma, beta → y, x̂ and 1/σ per row (shape [..., 1]). */
function layerNormKernel(): KernelConfig {
  return {
    kernelName: LAYER_NORM,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const named = inputs as Inputs;
      const [x, gamma, beta] = ['x', 'gamma', 'beta'].map((n) => floatInput(named, n, LAYER_NORM));
      const { epsilon } = attrs as unknown as NormAttrs;
      const heap = heapBackend(backend, LAYER_NORM);
      const { rows, channels } = layout(x);
      const outputs = [heap.makeOutput(x.shape, 'float32'), heap.makeOutput(x.shape, 'float32'), heap.makeOutput([...x.shape.slice(0, -1), 1], 'float32')];
      const {
        out: [y, xHat, inverse],
        in: [xs, g, b],
      } = views(heap, outputs, [x, gamma, beta]);
      for (let r = 0, base = 0; r < rows; r++, base += channels) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += xs[base + c];
        const mean = sum / channels;
        let squares = 0;
        for (let c = 0; c < channels; c++) {
          const d = xs[base + c] - mean;
          squares += d * d;
        }
        const inv = f32(1 / Math.sqrt(f32(squares / channels) + f32(epsilon)));
        inverse[r] = inv;
        for (let c = 0; c < channels; c++) {
          const h = f32((xs[base + c] - mean) * inv);
          xHat[base + c] = h;
          y[base + c] = h * g[c] + b[c];
        }
      }
      return outputs;
    },
  };
}

/**
 * LayerNorm's closed-form backward pass: inputs dy, x̂, 1/σ, gamma → dx, dgamma, dbeta, with
 * dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = dy·γ, the means over the normalised axis.
 */
function layerNormGradKernel(): KernelConfig {
  return {
    kernelName: LAYER_NORM_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const named = inputs as Inputs;
      const [dy, xHat, inverse, gamma] = ['dy', 'xHat', 'inverse', 'gamma'].map((n) => floatInput(named, n, LAYER_NORM_GRAD));
      const heap = heapBackend(backend, LAYER_NORM_GRAD);
      const { rows, channels } = layout(dy);
      const outputs = [heap.makeOutput(dy.shape, 'float32'), heap.makeOutput(gamma.shape, 'float32'), heap.makeOutput(gamma.shape, 'float32')];
      const {
        out: [dx, dGamma, dBeta],
        in: [dys, h, inv, g],
      } = views(heap, outputs, [dy, xHat, inverse, gamma]);
      const sumGamma = new Float64Array(channels);
      const sumBeta = new Float64Array(channels);
      for (let r = 0, base = 0; r < rows; r++, base += channels) {
        let sumG = 0;
        let sumGX = 0;
        for (let c = 0; c < channels; c++) {
          const d = dys[base + c];
          const gHat = d * g[c];
          sumG += gHat;
          sumGX += gHat * h[base + c];
          sumGamma[c] += d * h[base + c];
          sumBeta[c] += d;
        }
        const meanG = sumG / channels;
        const meanGX = sumGX / channels;
        const scale = inv[r];
        for (let c = 0; c < channels; c++) dx[base + c] = (dys[base + c] * g[c] - meanG - h[base + c] * meanGX) * scale;
      }
      dGamma.set(sumGamma);
      dBeta.set(sumBeta);
      return outputs;
    },
  };
}

/** Per channel (the last axis): the mean and biased variance over every other axis, in float64. */
function channelMoments(xs: Float32Array, rows: number, channels: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let r = 0, base = 0; r < rows; r++, base += channels) for (let c = 0; c < channels; c++) mean[c] += xs[base + c];
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  for (let r = 0, base = 0; r < rows; r++, base += channels) {
    for (let c = 0; c < channels; c++) {
      const d = xs[base + c] - mean[c];
      variance[c] += d * d;
    }
  }
  for (let c = 0; c < channels; c++) variance[c] /= rows;
  return { mean, variance };
}

/**
 * BatchNorm in training mode: inputs x, gamma, beta and the running averages → y, the batch's mean
 * and variance, and the running averages moved towards them exactly as the float32 ops
 * value − (value − batch)·decay move them.
 */
function batchNormKernel(): KernelConfig {
  return {
    kernelName: BATCH_NORM,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const named = inputs as Inputs;
      const [x, gamma, beta, movingMean, movingVariance] = ['x', 'gamma', 'beta', 'movingMean', 'movingVariance'].map((n) => floatInput(named, n, BATCH_NORM));
      const { epsilon, decay } = attrs as unknown as BatchNormAttrs;
      const heap = heapBackend(backend, BATCH_NORM);
      const { rows, channels } = layout(x);
      const vector = () => heap.makeOutput([channels], 'float32');
      const outputs = [heap.makeOutput(x.shape, 'float32'), vector(), vector(), vector(), vector()];
      const {
        out: [y, mean, variance, nextMean, nextVariance],
        in: [xs, g, b, mm, mv],
      } = views(heap, outputs, [x, gamma, beta, movingMean, movingVariance]);
      const moments = channelMoments(xs, rows, channels);
      mean.set(moments.mean);
      variance.set(moments.variance);
      const d = f32(decay);
      const eps = f32(epsilon);
      const scale = new Float64Array(channels);
      const shift = new Float64Array(channels);
      for (let c = 0; c < channels; c++) {
        nextMean[c] = mm[c] - f32(f32(mm[c] - mean[c]) * d);
        nextVariance[c] = mv[c] - f32(f32(mv[c] - variance[c]) * d);
        scale[c] = g[c] / Math.sqrt(variance[c] + eps);
        shift[c] = b[c] - mean[c] * scale[c];
      }
      for (let r = 0, base = 0; r < rows; r++, base += channels) for (let c = 0; c < channels; c++) y[base + c] = xs[base + c] * scale[c] + shift[c];
      return outputs;
    },
  };
}

/**
 * BatchNorm's closed-form backward pass (Ioffe & Szegedy 2015): inputs dy, x, the batch's mean and
 * variance, gamma → dx, dgamma, dbeta, with dx = γ/σ · (dy − dβ/M − x̂·dγ/M).
 */
function batchNormGradKernel(): KernelConfig {
  return {
    kernelName: BATCH_NORM_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const named = inputs as Inputs;
      const [dy, x, mean, variance, gamma] = ['dy', 'x', 'mean', 'variance', 'gamma'].map((n) => floatInput(named, n, BATCH_NORM_GRAD));
      const { epsilon } = attrs as unknown as NormAttrs;
      const heap = heapBackend(backend, BATCH_NORM_GRAD);
      const { rows, channels } = layout(x);
      const outputs = [heap.makeOutput(x.shape, 'float32'), heap.makeOutput(gamma.shape, 'float32'), heap.makeOutput(gamma.shape, 'float32')];
      const {
        out: [dx, dGamma, dBeta],
        in: [dys, xs, m, v, g],
      } = views(heap, outputs, [dy, x, mean, variance, gamma]);
      const eps = f32(epsilon);
      const inv = new Float64Array(channels);
      for (let c = 0; c < channels; c++) inv[c] = 1 / Math.sqrt(v[c] + eps);
      const sumGamma = new Float64Array(channels);
      const sumBeta = new Float64Array(channels);
      for (let r = 0, base = 0; r < rows; r++, base += channels) {
        for (let c = 0; c < channels; c++) {
          const d = dys[base + c];
          sumBeta[c] += d;
          sumGamma[c] += d * (xs[base + c] - m[c]) * inv[c];
        }
      }
      const a = new Float64Array(channels);
      const meanBeta = new Float64Array(channels);
      const meanGamma = new Float64Array(channels);
      for (let c = 0; c < channels; c++) {
        a[c] = g[c] * inv[c];
        meanBeta[c] = sumBeta[c] / rows;
        meanGamma[c] = sumGamma[c] / rows;
      }
      for (let r = 0, base = 0; r < rows; r++, base += channels) {
        for (let c = 0; c < channels; c++) dx[base + c] = a[c] * (dys[base + c] - meanBeta[c] - (xs[base + c] - m[c]) * inv[c] * meanGamma[c]);
      }
      dGamma.set(sumGamma);
      dBeta.set(sumBeta);
      return outputs;
    },
  };
}

/**
 * A Dense layer's bias gradient, the sum of dy over the batch (with ReLU folded in, dy first masked
 * by step(pre)): inputs dy [N, C] (and pre) → dpre (with ReLU) and dbias [C] (with a bias).
 * The sum is the float32 running sum over rows that tf.js's Sum kernel takes, and the mask keeps
 * dy·0's sign, so the results equal autodiff's Mul(dy, Step(pre)) and Sum(·, 0) bit for bit.
 */
function biasGradKernel(): KernelConfig {
  return {
    kernelName: BIAS_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const named = inputs as Inputs;
      const { relu, bias } = attrs as unknown as BiasGradAttrs;
      const dy = floatInput(named, 'dy', BIAS_GRAD);
      const pre = relu ? floatInput(named, 'pre', BIAS_GRAD) : undefined;
      const heap = heapBackend(backend, BIAS_GRAD);
      const { rows, channels } = layout(dy);
      const outputs = [...(relu ? [heap.makeOutput(dy.shape, 'float32')] : []), ...(bias ? [heap.makeOutput([channels], 'float32')] : [])];
      const { out, in: ins } = views(heap, outputs, pre ? [dy, pre] : [dy]);
      const [dys, pres] = ins;
      let grad = dys;
      if (relu) {
        grad = out[0];
        for (let i = 0; i < grad.length; i++) {
          const p = pres[i];
          grad[i] = p > 0 ? dys[i] : p !== p ? NaN : dys[i] * 0;
        }
      }
      if (bias) {
        const sums = out[out.length - 1];
        for (let c = 0; c < channels; c++) {
          let s = 0;
          for (let r = 0; r < rows; r++) s = f32(s + grad[r * channels + c]);
          sums[c] = s;
        }
      }
      return outputs;
    },
  };
}

/**
 * A Dense layer's bias and ReLU: inputs x [N, C] and bias [C] → relu(x + bias), the float32 sum
 * then wasm's Relu (−0 → 0, NaN kept), bit for bit what Add then Relu give.
 */
function biasReluKernel(): KernelConfig {
  return {
    kernelName: BIAS_RELU,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const named = inputs as Inputs;
      const [x, bias] = ['x', 'bias'].map((n) => floatInput(named, n, BIAS_RELU));
      const heap = heapBackend(backend, BIAS_RELU);
      const { rows, channels } = layout(x);
      if (bias.shape.length !== 1 || bias.shape[0] !== channels) throw new Error(`${BIAS_RELU}: bias of shape [${bias.shape}] for ${channels} channels`);
      const outputs = [heap.makeOutput(x.shape, 'float32')];
      const {
        out: [y],
        in: [xs, b],
      } = views(heap, outputs, [x, bias]);
      for (let r = 0, base = 0; r < rows; r++, base += channels) {
        for (let c = 0; c < channels; c++) {
          const pre = f32(xs[base + c] + b[c]);
          y[base + c] = pre > 0 || pre !== pre ? pre : 0;
        }
      }
      return outputs;
    },
  };
}

/** Registers the kernels above for 'wasm'; safe to call again. Returns the names registered by this call. */
export function registerWasmNormKernels(tf: Tf): string[] {
  const registered: string[] = [];
  for (const config of [layerNormKernel(), layerNormGradKernel(), batchNormKernel(), batchNormGradKernel(), biasGradKernel(), biasReluKernel()]) {
    // Ours already, or (not expected) a kernel of the same name someone else registered: left alone.
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}

/** Whether `name` runs on the active backend, for a tensor of `size` values (see HEAP_KERNEL_MAX_SIZE). */
export function heapKernelFor(tf: Tf, name: string, size: number): boolean {
  return size <= HEAP_KERNEL_MAX_SIZE && tf.getKernel(name, tf.getBackend()) !== undefined;
}
