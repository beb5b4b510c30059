import * as tf from '@tensorflow/tfjs';
import { useWasmBackend } from '../../../src/engine/backends/wasm';
import { nativeAdd, nativeRelu, nativeReluGradient } from '../../../src/engine/backends/wasmKernels';

export { tf };

/** Deterministic uniform numbers, replayable from their seed: the engine's own generator. */
export { seededRandom as randomSource } from '../../../src/engine/random';

export function randomInt(next: () => number, low: number, high: number): number {
  return low + Math.floor(next() * (high - low + 1));
}

export function pick<T>(next: () => number, options: readonly T[]): T {
  const choice = options[Math.floor(next() * options.length)];
  if (choice === undefined) throw new Error('pick from an empty list');
  return choice;
}

export function randomValues(next: () => number, shape: number[]): Float32Array {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = next() * 2 - 1;
  return values;
}

export async function startWasm(): Promise<void> {
  const status = await useWasmBackend(tf);
  if (!status.active) throw new Error('wasm backend did not start');
}

/** Runs `compute` on one backend and reads its result back, leaving no tensors behind. */
export async function valuesOn(backend: 'wasm' | 'cpu', compute: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const values = Float32Array.from(await result.data());
  result.dispose();
  return values;
}

/** Largest difference relative to the reference's largest magnitude (float32 rounding ≈ 1e-7·√terms). */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] ?? 0));
    const difference = Math.abs((actual[i] ?? 0) - (expected[i] ?? 0));
    worst = Number.isNaN(difference) ? Infinity : Math.max(worst, difference);
  }
  return worst / Math.max(scale, 1e-30);
}

/**
 * Direct loops over the depthwise convolution's definition, dilation included. Needed because
 * tf.js 4.22's CPU depthwise backprop kernels ignore the dilations attribute.
 */
export function depthwiseGradientsByDefinition(
  x: Float32Array,
  inputShape: [number, number, number, number],
  filter: Float32Array,
  filterShape: [number, number, number, number],
  dy: Float32Array,
  info: {
    outHeight: number;
    outWidth: number;
    strideHeight: number;
    strideWidth: number;
    dilationHeight: number;
    dilationWidth: number;
    padTop: number;
    padLeft: number;
  },
): { inputGradient: Float32Array; filterGradient: Float32Array } {
  const [batch, height, width, channels] = inputShape;
  const [filterHeight, filterWidth, , multiplier] = filterShape;
  const inputGradient = new Float64Array(x.length);
  const filterGradient = new Float64Array(filter.length);
  for (let n = 0; n < batch; n++)
    for (let i = 0; i < info.outHeight; i++)
      for (let j = 0; j < info.outWidth; j++)
        for (let c = 0; c < channels; c++)
          for (let m = 0; m < multiplier; m++) {
            const g = dy[((n * info.outHeight + i) * info.outWidth + j) * channels * multiplier + c * multiplier + m] ?? 0;
            for (let a = 0; a < filterHeight; a++)
              for (let b = 0; b < filterWidth; b++) {
                const row = i * info.strideHeight + a * info.dilationHeight - info.padTop;
                const column = j * info.strideWidth + b * info.dilationWidth - info.padLeft;
                if (row < 0 || row >= height || column < 0 || column >= width) continue;
                const xIndex = ((n * height + row) * width + column) * channels + c;
                const wIndex = ((a * filterWidth + b) * channels + c) * multiplier + m;
                filterGradient[wIndex] = (filterGradient[wIndex] ?? 0) + (x[xIndex] ?? 0) * g;
                inputGradient[xIndex] = (inputGradient[xIndex] ?? 0) + (filter[wIndex] ?? 0) * g;
              }
          }
  return { inputGradient: Float32Array.from(inputGradient), filterGradient: Float32Array.from(filterGradient) };
}

/**
 * relu(x) and x + b by the engine's own kernels and by tf.js' Relu and Add, on the active backend,
 * as bit patterns (so −0 and +0, and NaNs, compare exactly).
 */
export function elementwiseBothWays(x: Float32Array, b: Float32Array): { relu: [Uint32Array, Uint32Array]; add: [Uint32Array, Uint32Array] } {
  const bits = (t: tf.Tensor) => new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer);
  // A scope rather than tidy: what comes back is typed arrays, not tensors.
  tf.engine().startScope();
  try {
    const [input, other] = [tf.tensor(x), tf.tensor(b)];
    const [relu, add] = [nativeRelu(tf, input), nativeAdd(tf, input, other)];
    if (relu === null || add === null) throw new Error("the engine's ReLU and Add kernels are not running");
    return { relu: [bits(relu), bits(tf.relu(input))], add: [bits(add), bits(tf.add(input, other))] };
  } finally {
    tf.engine().endScope();
  }
}

/** ReLU's gradient dy·step(x) by the engine's own kernel and by tf.js' Step then Multiply, on the active backend. */
export function reluGradientBothWays(x: Float32Array, dy: Float32Array): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const input = tf.tensor(x);
    const upstream = tf.tensor(dy);
    const gradient = nativeReluGradient(tf, input);
    if (gradient === null) throw new Error('the native ReLU gradient is not running');
    const [ours, theirs] = [gradient(upstream, input), tf.mul(upstream, tf.step(input))].map((t) => Float32Array.from(t.dataSync()));
    return [ours, theirs];
  });
}
