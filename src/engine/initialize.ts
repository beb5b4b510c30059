import type * as tfNamespace from '@tensorflow/tfjs';
import type { UnrolledGraph } from '../graph/unroll';
import type { Plan } from './plan/plan';

type Tf = typeof tfNamespace;

/**
 * Re-draws every kernel from its design initializer with a seed derived from the run seed, so two
 * runs with the same seed start from the same weights (tf.js layers draw from Math.random).
 * Biases and normalization parameters start at constants already.
 */
export function seedKernels(tf: Tf, plan: Plan, graph: UnrolledGraph, seed: number): void {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n.node]));
  plan.weights.forEach((w, index) => {
    if (w.role !== 'kernel') return;
    const node = nodes.get(w.nodeId);
    const name = node && (node.type === 'Dense' || node.type === 'Conv2D') ? node.params.kernelInitializer : 'glorotUniform';
    const config = { seed: (seed * 7_368_787 + index * 2_654_435) % 2_147_483_647 };
    const initializer =
      name === 'glorotUniform'
        ? tf.initializers.glorotUniform(config)
        : name === 'glorotNormal'
          ? tf.initializers.glorotNormal(config)
          : name === 'heNormal'
            ? tf.initializers.heNormal(config)
            : name === 'heUniform'
              ? tf.initializers.heUniform(config)
              : tf.initializers.zeros();
    const value = initializer.apply(w.variable.shape, 'float32');
    w.variable.assign(value);
    value.dispose();
  });
}
