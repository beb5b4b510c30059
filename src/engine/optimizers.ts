import type * as tfNamespace from '@tensorflow/tfjs';
import type { OptimizerSettings } from '../schema/settings';
import { PACK_FLAT, UNPACK_FLAT, type UnpackFlatAttrs } from './backends/wasmKernels';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;
type Variable = tfNamespace.Variable;

/**
 * The optimizers, written as plain ops so the learning rate can change every step (tf.js optimizers
 * fix it at construction) and AdamW's decay is decoupled from the gradient.
 * The update rules are tf.js's own (checked against tf.train.* in tests).
 *
 * Every variable is updated in one pass over all of them laid end to end: the update is
 * elementwise, so each weight sees the same arithmetic as a per-variable update would give it, but a
 * net of 3,000 small variables (the 1002-layer example) costs a dozen kernels a step instead of
 * 40,000, and tf.js's per-kernel overhead, not arithmetic, was most of the optimizer's time.
 */
export interface Optimizer {
  /** Applies one update. `decayed` marks the variables weight decay applies to. */
  apply(variables: readonly Variable[], gradients: readonly Tensor[], learningRate: number, decayed: readonly boolean[]): void;
  dispose(): void;
}

function slotCount(name: OptimizerSettings['name']): number {
  switch (name) {
    case 'sgd':
      return 0;
    case 'momentum':
    case 'nesterov':
    case 'rmsprop':
      return 1;
    case 'adam':
    case 'adamw':
      return 2;
  }
}

/** The variables being updated, laid end to end, and the optimizer's state in the same layout. */
interface Layout {
  variables: readonly Variable[];
  sizes: number[];
  slots: Variable[];
}

const sameVariables = (a: readonly Variable[], b: readonly Variable[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

export function createOptimizer(tf: Tf, s: OptimizerSettings): Optimizer {
  const slots = slotCount(s.name);
  let layout: Layout | null = null;
  let step = 0;

  // The backend's own flat-layout copies where it has them (wasm), else reshape + concat / split + reshape.
  const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) !== undefined;

  const flat = (tensors: readonly Tensor[]): Tensor => {
    if (tensors.length === 1) return tf.reshape(tensors[0], [-1]);
    if (hasKernel(PACK_FLAT)) return tf.engine().runKernel(PACK_FLAT, Object.fromEntries(tensors.map((t, i) => [String(i), t]))) as Tensor;
    return tf.concat(tensors.map((t) => tf.reshape(t, [-1])));
  };

  /** `flatValues` cut back into tensors shaped like `variables`. */
  const unflat = (flatValues: Tensor, variables: readonly Variable[], sizes: number[]): Tensor[] => {
    if (variables.length === 1) return [tf.reshape(flatValues, variables[0].shape)];
    if (hasKernel(UNPACK_FLAT)) {
      const attrs: UnpackFlatAttrs = { shapes: variables.map((v) => v.shape) };
      return tf.engine().runKernel(UNPACK_FLAT, { x: flatValues }, attrs as unknown as tfNamespace.NamedAttrMap) as Tensor[];
    }
    return tf.split(flatValues, sizes).map((part, i) => tf.reshape(part, variables[i].shape));
  };

  /** State of variables left out of the current layout, kept until they are updated again. */
  const parked = new Map<Variable, Tensor[]>();

  /**
   * A new set of variables (the first step, or a step where some had no gradient): each keeps the
   * state it had, a variable seen for the first time starts at zero.
   */
  const relayout = (variables: readonly Variable[]): Layout => {
    const old = layout;
    if (old) {
      const pieces = old.slots.map((slot) => tf.split(slot, old.sizes));
      // Kept: apply may run inside the caller's tidy, and parked state outlives it.
      old.variables.forEach((v, i) =>
        parked.set(
          v,
          pieces.map((p) => tf.keep(p[i])),
        ),
      );
      old.slots.forEach((slot) => slot.dispose());
    }
    const fresh = tf.tidy(() => Array.from({ length: slots }, (_, k) => tf.variable(flat(variables.map((v) => parked.get(v)?.[k] ?? tf.zerosLike(v))), false)));
    for (const v of variables) {
      parked.get(v)?.forEach((t) => t.dispose());
      parked.delete(v);
    }
    return { variables: [...variables], sizes: variables.map((v) => v.size), slots: fresh };
  };

  /** The new weights (flat) from the weights, gradients and state (flat); writes the new state. */
  const update = (w: Tensor, g: Tensor, state: Variable[], lr: number, decayFactor: Tensor | null): Tensor => {
    switch (s.name) {
      case 'sgd':
        return tf.sub(w, tf.mul(g, lr));
      case 'momentum':
      case 'nesterov': {
        // tf.js MomentumOptimizer: a ← μa + g; w ← w − lr·a (Nesterov: w ← w − lr·(g + μa)).
        const [accumulation] = state;
        const a = tf.add(tf.mul(accumulation, s.momentum), g);
        accumulation.assign(a);
        return tf.sub(w, tf.mul(s.name === 'nesterov' ? tf.add(g, tf.mul(a, s.momentum)) : a, lr));
      }
      case 'adam':
      case 'adamw': {
        const [m, u] = state;
        const decayedW = decayFactor ? tf.mul(w, decayFactor) : w;
        const newM = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
        const newU = tf.add(tf.mul(u, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
        m.assign(newM);
        u.assign(newU);
        const mHat = tf.div(newM, 1 - s.beta1 ** step);
        const uHat = tf.div(newU, 1 - s.beta2 ** step);
        return tf.sub(decayedW, tf.mul(tf.div(mHat, tf.add(tf.sqrt(uHat), s.epsilon)), lr));
      }
      case 'rmsprop': {
        // tf.js RMSPropOptimizer with momentum 0, uncentred: ms ← ρ·ms + (1−ρ)g²; w ← w − lr·g/√(ms + ε).
        const [meanSquare] = state;
        const ms = tf.add(tf.mul(meanSquare, s.rho), tf.mul(tf.square(g), 1 - s.rho));
        meanSquare.assign(ms);
        return tf.sub(w, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(ms, s.epsilon))));
      }
    }
  };

  return {
    apply(variables, gradients, learningRate, decayed) {
      step++;
      if (variables.length === 0) return;
      if (!layout || !sameVariables(layout.variables, variables)) layout = relayout(variables);
      const current = layout;
      tf.tidy(() => {
        // AdamW multiplies the decayed weights by 1 − lr·λ (the same constant a per-variable update uses) and the others by exactly 1.
        const decayFactor =
          s.name === 'adamw' && decayed.some(Boolean)
            ? flat(variables.map((v, i) => tf.fill(v.shape, decayed[i] ? 1 - learningRate * s.weightDecay : 1)))
            : null;
        const next = update(flat(variables), flat(gradients), current.slots, learningRate, decayFactor);
        const parts = unflat(next, variables, current.sizes);
        variables.forEach((v, i) => v.assign(parts[i]));
      });
    },
    dispose() {
      layout?.slots.forEach((slot) => slot.dispose());
      layout = null;
      for (const state of parked.values()) state.forEach((t) => t.dispose());
      parked.clear();
    },
  };
}
