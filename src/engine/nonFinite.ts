import type * as tfNamespace from '@tensorflow/tfjs';
import type { EngineDiagnostic } from '../protocol/messages';
import { batchLoss } from './loss';
import { runPlan, type Plan } from './plan/plan';
import { StepRecorder } from './instrument';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;

/**
 * Re-runs a step whose loss was not finite, with probes and without updating anything, to name
 * where it started: the first node (in forward order) whose activations hold NaN or ±Inf, else
 * the node nearest the loss whose gradient does. Reads back awaited, as WebGPU needs.
 */
export async function findNonFinite(tf: Tf, plan: Plan, x: Tensor, targets: Tensor): Promise<EngineDiagnostic> {
  const recorder = new StepRecorder(tf);
  try {
    tf.tidy(() => {
      tf.variableGrads(
        () =>
          batchLoss(tf, plan.loss, runPlan(tf, plan, x, { training: false, seed: 0, probes: recorder }), plan.outputActivation, targets) as tfNamespace.Scalar,
        plan.trainable,
      );
    });
    const ids = plan.nodes.map((n) => n.id);
    const flags = async (tensors: (Tensor | undefined)[]): Promise<number[]> => {
      const present = tensors.filter((t): t is Tensor => t !== undefined);
      if (!present.length) return tensors.map(() => 0);
      const bad = tf.tidy(() => tf.stack(present.map((t) => tf.any(tf.logicalNot(tf.isFinite(t))))));
      const values = Array.from(await bad.data());
      bad.dispose();
      let i = 0;
      return tensors.map((t) => (t ? values[i++] : 0));
    };
    const activationBad = await flags(ids.map((id) => recorder.activations.get(id)));
    const firstActivation = activationBad.findIndex((b) => b === 1);
    if (firstActivation >= 0) {
      const id = ids[firstActivation];
      return {
        code: 'non-finite',
        severity: 'error',
        nodeId: id,
        where: 'activation',
        message: `training stopped: the activations of "${id}" became NaN or infinite; lower the learning rate, or add normalization before it`,
      };
    }
    const gradientBad = await flags(ids.map((id) => recorder.gradients.get(id)));
    for (let i = ids.length - 1; i >= 0; i--) {
      if (gradientBad[i] === 1) {
        return {
          code: 'non-finite',
          severity: 'error',
          nodeId: ids[i],
          where: 'gradient',
          message: `training stopped: the gradient of the loss w.r.t. "${ids[i]}" became NaN or infinite; lower the learning rate`,
        };
      }
    }
    return {
      code: 'non-finite',
      severity: 'error',
      where: 'loss',
      message: 'training stopped: the loss became NaN or infinite although every activation is finite; lower the learning rate',
    };
  } finally {
    recorder.dispose();
  }
}
