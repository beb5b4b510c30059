import type * as tfNamespace from '@tensorflow/tfjs';
import type { DesignNode } from '../../graph/design';
import type { Activation } from '../../graph/activations';
import { entryFor, type LayerTable } from '../../graph/layerTable';
import { nativeAdd, nativeRelu, nativeReluGradient, trainingBatchNormKernels } from '../backends/wasmKernels';
import {
  BATCH_NORM,
  BATCH_NORM_GRAD,
  BIAS_GRAD,
  BIAS_RELU,
  heapKernelFor,
  LAYER_NORM,
  LAYER_NORM_GRAD,
  type BatchNormAttrs,
  type BiasGradAttrs,
  type NormAttrs,
} from '../backends/wasmNormKernels';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;
type Variable = tfNamespace.Variable;

/** The variables a node reads, by role; they are the LayersModel's own, so training writes straight into it. */
export interface NodeWeights {
  kernel?: Variable;
  bias?: Variable;
  gamma?: Variable;
  beta?: Variable;
  movingMean?: Variable;
  movingVariance?: Variable;
}

export interface OpContext {
  tf: Tf;
  training: boolean;
  /** Per node and step, so dropout masks are reproducible from the run seed. */
  dropoutSeed: number;
  /**
   * Keeps tensors made during this step alive until the step ends, for a hand-written gradient to
   * read. tf.js's `save` instead clones each tensor onto the tape, and for a value computed inside
   * the op (not one of its inputs) the tape filter then scans every variable once; on the
   * 1002-layer net that was most of the filter's time. Absent outside a training step.
   */
  hold?: (tensors: Tensor[]) => void;
  /**
   * The step's own gradient tape (StepTape), present only when the whole plan can be recorded on it
   * (planTapeable): each op then runs its forward pass untaped and records its gradient here, and
   * tf.js's tape, which costs a customGrad scope per op and a scan of the tape per variable, is not
   * used. Comes with `hold`.
   */
  tape?: OpTape;
}

/** What an op records on the step's own tape: its inputs (variables included), its output and its gradient. */
export interface OpTape {
  /** `backward` is told which inputs' gradients are wanted, and may give null for the others. */
  record(inputs: Tensor[], output: Tensor, backward: (dy: Tensor, needed: readonly boolean[]) => (Tensor | null)[]): void;
}

/** `needed` (step tape only): which inputs' gradients are read; null may stand for the others. */
type GradFunc = (dy: Tensor, saved: Tensor[], needed?: readonly boolean[]) => Tensor | (Tensor | null)[];

/**
 * One op with a hand-written gradient, taped as one node: by tf.customGrad, or on the step's own
 * tape (its forward in a tidy of its own, as customGrad runs it, keeping what `hold` keeps).
 */
function gradOp(ctx: OpContext, inputs: Tensor[], f: (inputs: Tensor[], save: tfNamespace.GradSaveFunc) => { value: Tensor; gradFunc: GradFunc }): Tensor {
  const tf = ctx.tf;
  const tape = ctx.tape;
  if (tape) {
    let gradFunc: GradFunc | undefined;
    const value = tf.tidy(() => {
      const op = f(inputs, () => {
        throw new Error('an op on the step tape saves nothing: it holds what its gradient reads');
      });
      gradFunc = op.gradFunc;
      return op.value;
    });
    const backward = gradFunc as GradFunc;
    tape.record(inputs, value, (dy, needed) => {
      const grads = backward(dy, [], needed);
      return Array.isArray(grads) ? grads : [grads];
    });
    return value;
  }
  const custom = tf.customGrad((...args: (Tensor | tfNamespace.GradSaveFunc)[]) => {
    const save = args.pop() as tfNamespace.GradSaveFunc;
    // Without `needed`, every gradFunc gives every gradient, as customGrad wants.
    return f(args as Tensor[], save) as { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] };
  });
  return custom(...inputs);
}

/**
 * What a customGrad op's gradient reads: `tensors` held for the step where the context can hold them
 * (with `variables`, which live anyway, read straight from the closure), else saved on the tape.
 * Returns the tensors in the order given, `tensors` then `variables`, to read back from inside gradFunc.
 */
function keepForGradient(ctx: OpContext, save: tfNamespace.GradSaveFunc, tensors: Tensor[], variables: Tensor[] = []): (saved: Tensor[]) => Tensor[] {
  if (ctx.hold) {
    ctx.hold(tensors);
    const all = [...tensors, ...variables];
    return () => all;
  }
  save([...tensors, ...variables]);
  return (saved) => saved;
}

/** One design node as plain tf.js ops; mirrors what the catalogue's tf.js layers compute (checked in tests). */
export type NodeOp = (inputs: Tensor[], ctx: OpContext) => Tensor;

type PoolSize = number | [number, number];

/** One of the backend's multi-output kernels (src/engine/backends/wasmNormKernels.ts), run untaped. */
function runKernels(tf: Tf, name: string, inputs: tfNamespace.NamedTensorMap, attrs: NormAttrs | BatchNormAttrs | BiasGradAttrs | object = {}): Tensor[] {
  return tf.engine().runKernel(name, inputs, attrs as unknown as tfNamespace.NamedAttrMap) as Tensor[];
}

/**
 * Max pooling whose gradient is right on every backend. tf.js 4.22's wasm MaxPoolGrad starts each
 * window's running maximum at 0, so a window whose values are all negative sends its gradient nowhere
 * (the CPU backend and TensorFlow send it to the window's largest value). Shifting the input above 0
 * before asking for the gradient keeps every window's argmax and sidesteps that.
 */
function maxPool(tf: Tf, x: tfNamespace.Tensor4D, size: PoolSize, strides: PoolSize, pad: 'valid' | 'same'): Tensor {
  const pool = tf.customGrad((input, save) => {
    (save as tfNamespace.GradSaveFunc)([input as Tensor]);
    return {
      value: tf.maxPool(input as tfNamespace.Tensor4D, size, strides, pad),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const shifted = tf.add(tf.sub(saved[0], tf.min(saved[0])), 1) as tfNamespace.Tensor4D;
        const output = tf.maxPool(shifted, size, strides, pad);
        return tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: shifted, output }, { filterSize: size, strides, pad }) as Tensor;
      },
    };
  });
  return pool(x);
}

export function activate(tf: Tf, x: Tensor, activation: Activation | 'softmax'): Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    // The catalogue builds tf.layers.leakyReLU, whose default alpha is 0.3.
    case 'leakyRelu':
      return tf.leakyRelu(x, 0.3);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'gelu':
      return tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))));
    case 'swish':
      return tf.mul(tf.sigmoid(x), x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softmax':
      return tf.softmax(x);
    case 'linear':
      return x;
  }
}

function required<T>(value: T | undefined, what: string, nodeId: string): T {
  if (value === undefined) throw new Error(`node "${nodeId}" has no ${what} weight`);
  return value;
}

/**
 * x·W + b, with its gradient written out: the same kernels tf.js's own gradients of MatMul and Add
 * run, so the same numbers. As one taped op it saves x and W once, where MatMul and Add each clone
 * both their inputs onto the tape (Add only to learn their shapes): on the 1002-layer net that was
 * 4,000 of a step's 10,500 tape entries, each a kernel call and tensor of tf.js bookkeeping.
 * The saved tensors are the op's inputs, which tf.js's tape filter finds cheaply; saving a value
 * computed inside the op would cost it a scan over every variable.
 */
function affine(ctx: OpContext, x: Tensor, kernel: Tensor, bias: Tensor | undefined, relu: boolean): Tensor {
  const tf = ctx.tf;
  const product = (input: Tensor, w: Tensor): Tensor => tf.matMul(input as tfNamespace.Tensor2D, w as tfNamespace.Tensor2D);
  const backward = (dy: Tensor, input: Tensor, w: Tensor): [Tensor, Tensor] => [
    tf.matMul(dy as tfNamespace.Tensor2D, w as tfNamespace.Tensor2D, false, true),
    tf.matMul(input as tfNamespace.Tensor2D, dy as tfNamespace.Tensor2D, true, false),
  ];
  const op = (input: Tensor, w: Tensor, b: Tensor | undefined, save: tfNamespace.GradSaveFunc) => {
    // With a ReLU folded in, its gradient reads the pre-activation (tf.js's Relu gradient: dy·step(x)),
    // or the output, positive exactly where the pre-activation is, where one kernel made both.
    const m = product(input, w);
    const fused = relu && b !== undefined && heapKernelFor(tf, BIAS_RELU, m.size);
    const pre = fused ? runKernels(tf, BIAS_RELU, { x: m, bias: b })[0] : b ? tf.add(m, b) : m;
    const value = relu && !fused ? tf.relu(pre) : pre;
    const read = keepForGradient(ctx, save, relu ? [input, pre] : [input], [w]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const kept = read(saved);
        // On wasm the ReLU mask and the bias's sum are one kernel, with autodiff's exact numbers.
        if ((relu || b) && heapKernelFor(tf, BIAS_GRAD, dy.size)) {
          const attrs: BiasGradAttrs = { relu, bias: b !== undefined };
          const parts = runKernels(tf, BIAS_GRAD, relu ? { dy, pre: kept[1] } : { dy }, attrs);
          const dPre = relu ? parts[0] : dy;
          const [dx, dw] = backward(dPre, kept[0], kept[kept.length - 1]);
          return b ? [dx, dw, parts[parts.length - 1]] : [dx, dw];
        }
        const dPre = relu ? tf.mul(dy, tf.step(kept[1])) : dy;
        const [dx, dw] = backward(dPre, kept[0], kept[kept.length - 1]);
        return b ? [dx, dw, tf.reshape(tf.sum(dPre, 0), b.shape)] : [dx, dw];
      },
    };
  };
  return gradOp(ctx, bias ? [x, kernel, bias] : [x, kernel], ([input, w, b], save) => op(input, w, b, save));
}

/**
 * ReLU taped as one op whose gradient reads its held input, not a clone of it on the tape. On wasm
 * the gradient dy·step(x) is one kernel: the heap kernel for small activations, our own SIMD kernel
 * (split across the helper threads) for larger ones; elsewhere Step and Multiply, as tf.js does.
 */
function heldRelu(ctx: OpContext, x: Tensor): Tensor {
  const tf = ctx.tf;
  const native = nativeReluGradient(tf, x);
  return gradOp(ctx, [x], ([input], save) => {
    const read = keepForGradient(ctx, save, [input]);
    return {
      value: nativeRelu(tf, input) ?? tf.relu(input),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const pre = read(saved)[0];
        if (heapKernelFor(tf, BIAS_GRAD, dy.size)) return runKernels(tf, BIAS_GRAD, { dy, pre }, { relu: true, bias: false } satisfies BiasGradAttrs)[0];
        return native ? native(dy, pre) : tf.mul(dy, tf.step(pre));
      },
    };
  });
}

function dense(ctx: OpContext, x: Tensor, w: NodeWeights, nodeId: string, activation: Activation): Tensor {
  const tf = ctx.tf;
  const kernel = required(w.kernel, 'kernel', nodeId);
  // Only a taped step gains from the hand-written gradient; evaluation runs the plain kernels.
  if (ctx.hold && x.rank === 2) {
    const y = affine(ctx, x, kernel, w.bias, activation === 'relu');
    return activation === 'relu' ? y : activate(tf, y, activation);
  }
  const y = tf.matMul(x as tfNamespace.Tensor2D, kernel as tfNamespace.Tensor2D);
  return activate(tf, w.bias ? tf.add(y, w.bias) : y, activation);
}

/**
 * A 2-D convolution and its bias as one op on the step's own tape, its gradient the kernels tf.js's
 * own Conv2D and Add gradients run (Conv2DBackpropInput, Conv2DBackpropFilter, a sum), so the same
 * numbers. On tf.js's tape each conv saved a copy of its input and filter (its save clones, and on
 * wasm a clone copies): on ResNet-20, 42 copies a step. The batch's own gradient is not computed,
 * as tf.js's pruned tape skips it.
 */
function tapedConv2d(ctx: OpContext, x: Tensor, kernel: Tensor, bias: Tensor | undefined, strides: number, pad: 'valid' | 'same'): Tensor {
  const tf = ctx.tf;
  return gradOp(ctx, bias ? [x, kernel, bias] : [x, kernel], ([input, w, b], save) => {
    const y = tf.conv2d(input as tfNamespace.Tensor4D, w as tfNamespace.Tensor4D, strides, pad);
    const read = keepForGradient(ctx, save, [input], [w]);
    return {
      value: b ? tf.add(y, b) : y,
      gradFunc: (dy: Tensor, saved: Tensor[], needed?: readonly boolean[]) => {
        const [xs, ws] = read(saved);
        const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
        const dx =
          needed?.[0] === false
            ? null
            : (tf
                .engine()
                .runKernel(tf.Conv2DBackpropInput, { dy, filter: ws }, { ...attrs, inputShape: xs.shape } as unknown as tfNamespace.NamedAttrMap) as Tensor);
        const dw = tf
          .engine()
          .runKernel(tf.Conv2DBackpropFilter, { x: xs, dy }, { ...attrs, filterShape: ws.shape } as unknown as tfNamespace.NamedAttrMap) as Tensor;
        return b ? [dx, dw, tf.reshape(tf.sum(dy, [0, 1, 2]), b.shape)] : [dx, dw];
      },
    };
  });
}

/**
 * The mean over height and width on the step's own tape; it saves nothing. Its gradient has tf.js's
 * Mean gradient's values (dy·1 / (h·w) in every position) with the division done once a channel,
 * before the broadcast, where tf.js multiplies by a tensor of ones the size of x first.
 */
function tapedGlobalAvgPool(ctx: OpContext, x: Tensor): Tensor {
  const tf = ctx.tf;
  const [n, h, w, c] = x.shape;
  return gradOp(ctx, [x], ([input]) => ({
    value: tf.mean(input, [1, 2]),
    // A broadcasting multiply by ones: wasm's Tile (broadcastTo) took 12–19 ms on ResNet-20's 32×8×8×64, this 0.25.
    gradFunc: (dy: Tensor) => tf.mul(tf.div(tf.reshape(dy, [n, 1, 1, c]), h * w), tf.ones([1, h, w, 1])),
  }));
}

/**
 * a + b of one shape, taped as one op that saves nothing: tf.js's Add clones both inputs onto the
 * tape to learn their shapes for broadcasting, which equal shapes do not need.
 */
function addSame(ctx: OpContext, a: Tensor, b: Tensor): Tensor {
  const tf = ctx.tf;
  // The step tape lets both inputs share dy; tf.js's backprop disposes what it accumulates, so it gets copies.
  const share = ctx.tape !== undefined;
  return gradOp(ctx, [a, b], ([x, y]) => ({
    value: nativeAdd(tf, x, y) ?? tf.add(x, y),
    gradFunc: (dy: Tensor) => (share ? [dy, dy] : [tf.reshape(dy, dy.shape), tf.reshape(dy, dy.shape)]),
  }));
}

/**
 * BatchNorm in training mode normalises with the batch's own moments and moves the running
 * averages the way tf.js layers do (biased variance, value ← value − (value − batch)·(1 − momentum));
 * in inference mode it uses the running averages. The running averages are written inside the
 * forward pass: `assign` is not taped, so it adds nothing to the backward graph.
 *
 * The training form carries its own gradient, the closed form of BatchNorm's backward pass
 * (Ioffe & Szegedy 2015), with both per-channel affine maps done by the FusedBatchNorm kernel:
 * differentiating the broadcast ops one by one cost three times the kernels, most of them
 * broadcasting a channel vector over the whole activation, which wasm does slowly.
 */
function batchNorm(tf: Tf, x: Tensor, w: NodeWeights, p: { momentum: number; epsilon: number }, ctx: OpContext, nodeId: string): Tensor {
  const gamma = required(w.gamma, 'gamma', nodeId);
  const beta = required(w.beta, 'beta', nodeId);
  const movingMean = required(w.movingMean, 'moving mean', nodeId);
  const movingVariance = required(w.movingVariance, 'moving variance', nodeId);
  if (!ctx.training) return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, p.epsilon);
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const decay = 1 - p.momentum;
  if (heapKernelFor(tf, BATCH_NORM, x.size) && x.dtype === 'float32') return heapBatchNorm(tf, x, w, p, ctx, nodeId);
  // Larger activations (ResNet's) on the engine's own SIMD kernels (wasmKernels/batchNormTraining.ts).
  const native = trainingBatchNormKernels(tf, x);
  if (native) {
    return gradOp(ctx, [x, gamma, beta], ([xIn, g, b], save) => {
      // The kernel also takes the running averages' step, which as tf.js ops was 6 tiny kernels a layer.
      const [value, mean, variance, nextMean, nextVariance] = native.forward(xIn, g, b, movingMean, movingVariance, p.epsilon, decay);
      movingMean.assign(nextMean);
      movingVariance.assign(nextVariance);
      const read = keepForGradient(ctx, save, [xIn, mean, variance], [g]);
      return {
        value,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [xs, m, v, gs] = read(saved);
          return native.backward(xs, dy, m, v, gs, p.epsilon);
        },
      };
    });
  }
  return gradOp(ctx, [x, gamma, beta], ([xIn, g, b], save) => {
    const { mean, variance } = tf.moments(xIn, axes);
    movingMean.assign(tf.sub(movingMean, tf.mul(tf.sub(movingMean, mean), decay)));
    movingVariance.assign(tf.sub(movingVariance, tf.mul(tf.sub(movingVariance, variance), decay)));
    const read = keepForGradient(ctx, save, [xIn, mean, variance], [g]);
    return {
      value: tf.batchNorm(xIn, mean, variance, b, g, p.epsilon),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, m, v, gs] = read(saved);
        const count = xs.size / (m.size || 1);
        const normalized = tf.batchNorm(xs, m, v, undefined, undefined, p.epsilon);
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, normalized), axes);
        // dx = γ/σ · (dy − dβ/M − x̂·dγ/M); the last two terms are one affine map of x's channels.
        const a = tf.mul(gs, tf.rsqrt(tf.add(v, p.epsilon)));
        const shift = tf.batchNorm(xs, m, v, tf.div(tf.mul(a, dBeta), count), tf.div(tf.mul(a, dGamma), count), p.epsilon);
        return [tf.sub(tf.mul(dy, a), shift), dGamma, dBeta];
      },
    };
  });
}

/** LayerNorm over the last axis, with the closed-form backward pass (a third of the kernels autodiff takes). */
function layerNorm(ctx: OpContext, x: Tensor, w: NodeWeights, epsilon: number, nodeId: string): Tensor {
  const tf = ctx.tf;
  if (heapKernelFor(tf, LAYER_NORM, x.size) && x.dtype === 'float32') return heapLayerNorm(ctx, x, w, epsilon, nodeId);
  return gradOp(ctx, [x, required(w.gamma, 'gamma', nodeId), required(w.beta, 'beta', nodeId)], ([xIn, g, b], save) => {
    const { mean, variance } = tf.moments(xIn, -1, true);
    const inverse = tf.rsqrt(tf.add(variance, epsilon));
    const normalized = tf.mul(tf.sub(xIn, mean), inverse);
    const read = keepForGradient(ctx, save, [normalized, inverse], [g]);
    return {
      value: tf.add(tf.mul(normalized, g), b),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xHat, inv, gs] = read(saved);
        const axes = dy.shape.slice(0, -1).map((_, i) => i);
        const dGamma = tf.sum(tf.mul(dy, xHat), axes);
        const dBeta = tf.sum(dy, axes);
        // dx = (1/σ) · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = dy·γ, means over the normalised axis.
        const gHat = tf.mul(dy, gs);
        const centred = tf.sub(gHat, tf.mean(gHat, -1, true));
        return [tf.mul(tf.sub(centred, tf.mul(xHat, tf.mean(tf.mul(gHat, xHat), -1, true))), inv), dGamma, dBeta];
      },
    };
  });
}

/**
 * BatchNorm in training mode as two of the backend's kernels (forward with the running averages'
 * update, and the closed-form backward pass): the same arithmetic as batchNorm's ops, in one pass
 * each, where tf.js's bookkeeping for 45 small kernels was most of the time.
 */
function heapBatchNorm(tf: Tf, x: Tensor, w: NodeWeights, p: { momentum: number; epsilon: number }, ctx: OpContext, nodeId: string): Tensor {
  const movingMean = required(w.movingMean, 'moving mean', nodeId);
  const movingVariance = required(w.movingVariance, 'moving variance', nodeId);
  const forward: BatchNormAttrs = { epsilon: p.epsilon, decay: 1 - p.momentum };
  const backward: NormAttrs = { epsilon: p.epsilon };
  return gradOp(ctx, [x, required(w.gamma, 'gamma', nodeId), required(w.beta, 'beta', nodeId)], ([xIn, g, b], save) => {
    const [y, mean, variance, nextMean, nextVariance] = runKernels(tf, BATCH_NORM, { x: xIn, gamma: g, beta: b, movingMean, movingVariance }, forward);
    movingMean.assign(nextMean);
    movingVariance.assign(nextVariance);
    const read = keepForGradient(ctx, save, [xIn, mean, variance], [g]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, m, v, gs] = read(saved);
        return runKernels(tf, BATCH_NORM_GRAD, { dy, x: xs, mean: m, variance: v, gamma: gs }, backward);
      },
    };
  });
}

/** LayerNorm as two of the backend's kernels, forward and closed-form backward (see heapBatchNorm). */
function heapLayerNorm(ctx: OpContext, x: Tensor, w: NodeWeights, epsilon: number, nodeId: string): Tensor {
  const tf = ctx.tf;
  const attrs: NormAttrs = { epsilon };
  return gradOp(ctx, [x, required(w.gamma, 'gamma', nodeId), required(w.beta, 'beta', nodeId)], ([xIn, g, b], save) => {
    const [y, xHat, inverse] = runKernels(tf, LAYER_NORM, { x: xIn, gamma: g, beta: b }, attrs);
    const read = keepForGradient(ctx, save, [xHat, inverse], [g]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [h, inv, gs] = read(saved);
        return runKernels(tf, LAYER_NORM_GRAD, { dy, xHat: h, inverse: inv, gamma: gs });
      },
    };
  });
}

/**
 * Each layer type as plain tf.js ops, given the node (params already validated by the design schema),
 * the variables it reads and its unrolled id (named in errors). The engine's part of the layer registry
 * (src/graph/layerTable.ts).
 */
export const PLAN_OPS: LayerTable<NodeOp, [w: NodeWeights, nodeId: string]> = {
  Input:
    () =>
    ([x]) =>
      x,
  Dense:
    ({ params: p }, w, nodeId) =>
    ([x], ctx) =>
      dense(ctx, x, w, nodeId, p.activation),
  // The Output node yields logits; runPlan applies its activation, so the loss can use logits.
  Output:
    (_node, w, nodeId) =>
    ([x], ctx) =>
      dense(ctx, x, w, nodeId, 'linear'),
  Conv2D:
    ({ params: p }, w, nodeId) =>
    ([x], ctx) => {
      const { tf } = ctx;
      const kernel = required(w.kernel, 'kernel', nodeId);
      if (ctx.tape) {
        const y = tapedConv2d(ctx, x, kernel, w.bias, p.strides, p.padding);
        return p.activation === 'relu' ? heldRelu(ctx, y) : activate(tf, y, p.activation);
      }
      const y = tf.conv2d(x as tfNamespace.Tensor4D, kernel as tfNamespace.Tensor4D, p.strides, p.padding);
      return activate(tf, w.bias ? tf.add(y, w.bias) : y, p.activation);
    },
  MaxPool2D:
    ({ params: p }) =>
    ([x], { tf }) =>
      maxPool(tf, x as tfNamespace.Tensor4D, p.poolSize, p.strides, p.padding),
  AvgPool2D:
    ({ params: p }) =>
    ([x], { tf }) =>
      tf.avgPool(x as tfNamespace.Tensor4D, p.poolSize, p.strides, p.padding),
  GlobalAvgPool:
    () =>
    ([x], ctx) =>
      ctx.tape && x.rank === 4 ? tapedGlobalAvgPool(ctx, x) : ctx.tf.mean(x, [1, 2]),
  Flatten:
    () =>
    ([x], { tf }) =>
      tf.reshape(x, [x.shape[0], -1]),
  BatchNorm:
    ({ params: p }, w, nodeId) =>
    ([x], ctx) =>
      batchNorm(ctx.tf, x, w, p, ctx, nodeId),
  LayerNorm:
    ({ params: p }, w, nodeId) =>
    ([x], ctx) =>
      layerNorm(ctx, x, w, p.epsilon, nodeId),
  Activation:
    ({ params: p }) =>
    ([x], ctx) =>
      ctx.hold && p.activation === 'relu' ? heldRelu(ctx, x) : activate(ctx.tf, x, p.activation),
  Dropout:
    ({ params: p }) =>
    ([x], { tf, training, dropoutSeed }) =>
      training && p.rate > 0 ? tf.dropout(x, p.rate, undefined, dropoutSeed) : x,
  Add: () => (inputs, ctx) => {
    const { tf, hold } = ctx;
    if (inputs.length !== 2) return tf.addN(inputs);
    const [a, b] = inputs;
    return hold && a !== b && a.dtype === 'float32' && b.dtype === 'float32' && tf.util.arraysEqual(a.shape, b.shape) ? addSame(ctx, a, b) : tf.add(a, b);
  },
  Concatenate:
    () =>
    (inputs, { tf }) =>
      tf.concat(inputs, -1),
};

/** The op for one node; its params are already validated by the design schema. */
export function nodeOp(node: DesignNode, w: NodeWeights, nodeId: string): NodeOp {
  return entryFor(PLAN_OPS, node)(node, w, nodeId);
}
