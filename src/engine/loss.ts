import type * as tfNamespace from '@tensorflow/tfjs';
import type { LossKind, Plan, PlanOutput } from './plan/plan';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;

/** tf.js layers' epsilon(): probabilities are clipped to [ε, 1 − ε] before the log, as in model.fit. */
const EPSILON = 1e-7;

/**
 * Mean loss over the batch. Softmax + cross-entropy and sigmoid + binary cross-entropy are computed
 * from the logits: the same value as tf.js layers' (which clips probabilities to [ε, 1 − ε]) while
 * no prediction is saturated, but a saturated wrong prediction still gets its gradient instead of
 * the clip's zero, which matters for the deep, badly scaled nets this tool is meant to show.
 * `targets` is one-hot for more than one unit, else [batch, 1].
 */
export function batchLoss(tf: Tf, kind: LossKind, { logits, output }: PlanOutput, activation: Plan['outputActivation'], targets: Tensor): Tensor {
  if (kind === 'categoricalCrossentropy' && activation === 'softmax') {
    return tf.mean(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), -1)));
  }
  if (kind === 'binaryCrossentropy' && activation === 'sigmoid') return sigmoidCrossEntropy(tf, targets, logits);
  switch (kind) {
    case 'categoricalCrossentropy': {
      const probabilities = tf.clipByValue(tf.div(output, tf.sum(output, -1, true)), EPSILON, 1 - EPSILON);
      return tf.mean(tf.neg(tf.sum(tf.mul(targets, tf.log(probabilities)), -1)));
    }
    case 'binaryCrossentropy': {
      const p = tf.clipByValue(output, EPSILON, 1 - EPSILON);
      return sigmoidCrossEntropy(tf, targets, tf.log(tf.div(p, tf.sub(1, p))));
    }
    case 'meanSquaredError':
      return tf.mean(tf.squaredDifference(output, targets));
  }
}

/** max(z, 0) − z·t + log(1 + e^−|z|), averaged: tf.js layers' sigmoidCrossEntropyWithLogits. */
function sigmoidCrossEntropy(tf: Tf, targets: Tensor, logits: Tensor): Tensor {
  return tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
}

/** Number of correct predictions in the batch: argmax for several units, a 0.5 threshold for one. */
export function correctCount(tf: Tf, output: Tensor, labels: Tensor): Tensor {
  const predicted = output.shape[output.shape.length - 1] === 1 ? tf.cast(tf.greater(tf.reshape(output, [-1]), 0.5), 'int32') : tf.argMax(output, -1);
  return tf.sum(tf.cast(tf.equal(predicted, labels), 'float32'));
}

/** Targets as the loss wants them, from class indices. */
export function targetsFor(tf: Tf, labels: Int32Array, units: number): Tensor {
  if (units === 1) return tf.tensor2d(Float32Array.from(labels), [labels.length, 1]);
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), units), 'float32'));
}
