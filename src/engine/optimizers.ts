import type * as tfNamespace from '@tensorflow/tfjs';
import type { OptimizerSettings } from '../schema/settings';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;
type Variable = tfNamespace.Variable;

/**
 * The optimizers, written as plain ops over each variable so the learning rate can change every step
 * (tf.js optimizers fix it at construction) and AdamW's decay is decoupled from the gradient.
 * The update rules are tf.js's own (checked against tf.train.* in tests).
 */
export interface Optimizer {
  /** Applies one update. `decayed` marks the variables weight decay applies to. */
  apply(variables: readonly Variable[], gradients: readonly Tensor[], learningRate: number, decayed: readonly boolean[]): void;
  dispose(): void;
}

export function createOptimizer(tf: Tf, s: OptimizerSettings): Optimizer {
  const slots = new Map<Variable, Variable[]>();
  const slotsOf = (v: Variable, count: number): Variable[] => {
    let s = slots.get(v);
    if (!s) {
      s = Array.from({ length: count }, () => tf.variable(tf.zerosLike(v), false));
      slots.set(v, s);
    }
    return s;
  };
  let step = 0;
  const dispose = () => {
    for (const s of slots.values()) s.forEach((t) => t.dispose());
    slots.clear();
  };

  const updateOne = (v: Variable, g: Tensor, lr: number, decay: boolean): void => {
    switch (s.name) {
      case 'sgd':
        v.assign(tf.sub(v, tf.mul(g, lr)));
        return;
      case 'momentum':
      case 'nesterov': {
        // tf.js MomentumOptimizer: a ← μa + g; w ← w − lr·a (Nesterov: w ← w − lr·(g + μa)).
        const [accumulation] = slotsOf(v, 1);
        const a = tf.add(tf.mul(accumulation, s.momentum), g);
        accumulation.assign(a);
        v.assign(tf.sub(v, tf.mul(s.name === 'nesterov' ? tf.add(g, tf.mul(a, s.momentum)) : a, lr)));
        return;
      }
      case 'adam':
      case 'adamw': {
        const [m, u] = slotsOf(v, 2);
        if (s.name === 'adamw' && decay) v.assign(tf.mul(v, 1 - lr * s.weightDecay));
        const newM = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
        const newU = tf.add(tf.mul(u, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
        m.assign(newM);
        u.assign(newU);
        const mHat = tf.div(newM, 1 - s.beta1 ** step);
        const uHat = tf.div(newU, 1 - s.beta2 ** step);
        v.assign(tf.sub(v, tf.mul(tf.div(mHat, tf.add(tf.sqrt(uHat), s.epsilon)), lr)));
        return;
      }
      case 'rmsprop': {
        // tf.js RMSPropOptimizer with momentum 0, uncentred: ms ← ρ·ms + (1−ρ)g²; w ← w − lr·g/√(ms + ε).
        const [meanSquare] = slotsOf(v, 1);
        const ms = tf.add(tf.mul(meanSquare, s.rho), tf.mul(tf.square(g), 1 - s.rho));
        meanSquare.assign(ms);
        v.assign(tf.sub(v, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(ms, s.epsilon)))));
        return;
      }
    }
  };

  return {
    apply(variables, gradients, learningRate, decayed) {
      step++;
      tf.tidy(() => {
        for (let i = 0; i < variables.length; i++) updateOne(variables[i], gradients[i], learningRate, decayed[i]);
      });
    },
    dispose,
  };
}
