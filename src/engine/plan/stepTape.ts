import type * as tfNamespace from '@tensorflow/tfjs';
import type { OpTape } from './ops';
import { nativeAdd } from '../backends/wasmKernels';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;
type Variable = tfNamespace.Variable;

interface Entry {
  inputs: Tensor[];
  output: Tensor;
  backward: (dy: Tensor, needed: readonly boolean[]) => (Tensor | null)[];
}

/**
 * A training step's own reverse-mode tape: every op of the plan records its inputs, output and
 * hand-written gradient, and `gradients` walks the records backwards. It does what tf.js's
 * Engine.gradients does for these ops, in the same order (so the same sums, bit for bit), without
 * tf.js's per-op customGrad scope, tape node and per-variable scan of the tape: on the 1002-layer
 * example those were a fifth of a step. Use inside the step's tidy; the gradients it returns are
 * the caller's, everything else it makes is left to that tidy.
 */
export class StepTape implements OpTape {
  private readonly entries: Entry[] = [];

  constructor(private readonly tf: Tf) {}

  record(inputs: Tensor[], output: Tensor, backward: (dy: Tensor, needed: readonly boolean[]) => (Tensor | null)[]): void {
    this.entries.push({ inputs, output, backward });
  }

  /**
   * The gradients of the loss w.r.t. `variables`, given `dy`, its gradient w.r.t. the recorded
   * `output`; null for a variable the loss does not reach. A tensor read by several ops gets the
   * sum of their gradients, added in reverse recording order as tf.js adds them. `fence` is called
   * before a variable's gradient is read here (withDeferredFilterGradients); the caller fences
   * before reading what this returns.
   */
  gradients(output: Tensor, dy: Tensor, variables: readonly Variable[], fence: () => void = () => undefined): (Tensor | null)[] {
    const tf = this.tf;
    const produced = new Set<Tensor>(this.entries.map((e) => e.output));
    const wanted = new Set<Tensor>(variables);
    // Only gradients flowing towards a variable are summed; the batch's own is never asked for.
    const accumulated = new Map<Tensor, Tensor>([[output, dy]]);
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      const gradient = accumulated.get(entry.output);
      if (gradient === undefined) continue;
      // As tf.js prunes its tape: no gradient for an input no variable flows into (the batch).
      const needed = entry.inputs.map((input) => produced.has(input) || wanted.has(input));
      const inputGradients = entry.backward(gradient, needed);
      entry.inputs.forEach((input, j) => {
        const dx = inputGradients[j];
        if (!needed[j] || dx === null || dx === undefined) return;
        const current = accumulated.get(input);
        // A variable's gradient may still be being written by a deferred kernel: wait before adding.
        if (current !== undefined && wanted.has(input)) fence();
        accumulated.set(input, current === undefined ? dx : (nativeAdd(tf, current, dx) ?? tf.add(current, dx)));
      });
    }
    return variables.map((v) => accumulated.get(v) ?? null);
  }
}
