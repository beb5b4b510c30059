import type { Activation } from '../graph/activations';
import type { LayerTable } from '../graph/layerTable';

/** Float32 values per sample going into and out of one node (its inputs summed). */
export interface NodeValues {
  input: number;
  output: number;
}

/**
 * What one activation function adds per output value to a training step: each op tf.js tapes keeps
 * its result for the backward pass, and the backward pass keeps each op's gradient until the step's
 * gradient scope ends (tf.js frees none of them earlier). GELU is five taped ops, swish two.
 */
export const ACTIVATION_VALUES: Readonly<Record<Activation, number>> = {
  relu: 2,
  leakyRelu: 2.25,
  elu: 2,
  selu: 2,
  gelu: 16,
  swish: 6,
  tanh: 2,
  sigmoid: 2,
  linear: 0,
};

/** A matMul or conv2d: its result and that result's gradient. */
const PRODUCT = 2;
/** A bias add: its result and gradient. */
const BIAS = 2;

/**
 * Float32 values per sample each layer type keeps alive at the peak of a plain (uninstrumented)
 * training step on the wasm engine, as the engine's plan computes it (src/engine/plan/ops.ts): the
 * taped intermediates, their gradients, and what a custom gradient (BatchNorm, LayerNorm, max
 * pooling) computes in its backward pass, which tf.js keeps until the whole backward pass ends.
 * Measured per type with `npx tsx test/bench/memoryTypes.ts` (tf.profile peaks, slope over layer
 * count and batch, same-shape layers) — the figures it printed are the constants here. Types it
 * cannot stack (GlobalAvgPool) follow the nearest measured one.
 */
export const LAYER_MEMORY: LayerTable<number, [values: NodeValues]> = {
  // The batch itself is counted with the data.
  Input: () => 0,
  Dense: ({ params: p }, { output }) => output * (PRODUCT + (p.useBias === false ? 0 : BIAS) + ACTIVATION_VALUES[p.activation]),
  // Logits, bias, the output activation and the per-sample loss terms; outputs are small.
  Output: (_node, { output }) => output * 8,
  Conv2D: ({ params: p }, { output }) => output * (PRODUCT + (p.useBias === false ? 0 : BIAS) + ACTIVATION_VALUES[p.activation]),
  // The custom gradient shifts the input above zero (two input-sized copies) and pools it again.
  MaxPool2D: (_node, { input, output }) => 2 * output + 3 * input,
  AvgPool2D: (_node, { input, output }) => 2 * output + input,
  GlobalAvgPool: (_node, { input, output }) => 2 * output + input,
  // A reshape shares its input's data, and so does its gradient.
  Flatten: () => 0,
  BatchNorm: (_node, { output }) => 6 * output,
  // The backward pass's seven output-sized intermediates outlive it, on top of the output and the saved x̂.
  LayerNorm: (_node, { output }) => 8 * output,
  Activation: ({ params: p }, { output }) => output * ACTIVATION_VALUES[p.activation],
  // The random mask, the scaled output and their gradients; a rate of 0 is the identity.
  Dropout: ({ params: p }, { output }) => (p.rate > 0 ? 5 * output : 0),
  Add: (_node, { input }) => 2 * input,
  Concatenate: (_node, { output }) => 3 * output,
};

/**
 * What an instrumented step (the first, then one every statistics interval) adds per node output
 * value at its backward pass's peak: the recorder's identity probe copies each output on the tape,
 * keeps a copy of it for the summary, and in the backward pass keeps a copy of its gradient and
 * passes on another (the wasm engine's identity copies). Measured as the instrumented step's peak
 * less the plain step's, slope over batch (test/bench/memoryStep.ts): 3.99 on Residual MLP-1002,
 * 3.57 on ResNet-20.
 */
export const STATISTICS_VALUES_PER_OUTPUT = 4;

/**
 * The same for each edge whose source feeds several nodes: its probe's gradient is kept and
 * summarised too. Too small to separate in the measurement (Residual MLP-1002 has 500 such edges
 * and came out at 4 per output with or without them); one kept gradient value is counted.
 */
export const STATISTICS_VALUES_PER_SHARED_EDGE = 1;

/**
 * The summary (src/engine/instrument.ts) stacks same-sized recorded tensors and reduces them in
 * chunks of at most this many values (or one tensor, when a tensor is larger), each chunk's
 * intermediates freed before the next, so what it adds is bounded by the chunk, not the design.
 */
export const SUMMARY_CHUNK_VALUES = 1 << 16;

/**
 * Values alive per stacked value while one chunk is reduced: the stack, the moments' centred and
 * squared copies, the zero test, the histogram's scaled, binned and offset copies. Measured at 13.6
 * on Residual MLP-1002 with one chunk holding every activation (memoryStep.ts at batch 32).
 */
export const SUMMARY_VALUES_PER_CHUNK_VALUE = 14;

/**
 * An inference pass (validation at the evaluation batch) keeps each node's forward intermediates
 * until its batch ends, without gradients: about half of what training keeps.
 */
export const INFERENCE_SHARE = 0.5;
