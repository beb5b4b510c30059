import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { compileDesign } from '../../../src/compile/toTfjs';
import { buildPlan, type Plan } from '../../../src/engine/plan/plan';
import { seedKernels } from '../../../src/engine/initialize';
import type { Design } from '../../../src/graph/design';
import { useWasmBackend } from '../../../src/engine/backends/wasm';

export { tf };

export async function startWasm(): Promise<void> {
  const status = await useWasmBackend(tf);
  if (!status.active) throw new Error('wasm backend did not start');
}

export function planFor(design: Design, seed = 1): { plan: Plan; model: tf.LayersModel; dispose: () => void } {
  const compiled = compileDesign(design, tf);
  const plan = buildPlan(compiled);
  seedKernels(tf, plan, compiled.graph, seed);
  return { plan, model: compiled.model, dispose: () => compiled.model.dispose() };
}

/** A deterministic batch of 2-D points with two classes (the sign of x·y). */
export function pointBatch(count: number, seed = 3): { x: Float32Array; y: Int32Array } {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const x = new Float32Array(count * 2);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    x[2 * i] = next();
    x[2 * i + 1] = next();
    y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
  }
  return { x, y };
}
