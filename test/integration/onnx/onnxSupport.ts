import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs';
import { compileDesign } from '../../../src/compile/toTfjs';
import type { Design } from '../../../src/graph/design';
import { weightsFromLayers, type NodeWeights } from '../../../src/export/pytorch';
import { inputs } from '../../unit/export/support';

// One thread: the machine's cores are shared, and the wasm build needs no worker for that.
ort.env.wasm.numThreads = 1;

export { ort, tf };

export function inputShape(design: Design): number[] {
  const input = design.nodes.find((n) => n.type === 'Input');
  if (input?.type !== 'Input') throw new Error('design has no Input');
  return input.params.shape;
}

/** ONNX Runtime's output for NHWC `x` (transposed to the model's NCHW input). */
export async function runOnnx(bytes: Uint8Array, x: tf.Tensor): Promise<{ data: Float32Array; outputs: Record<string, ort.Tensor> }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = x.rank === 4 ? tf.tidy(() => x.transpose([0, 3, 1, 2])) : x.clone();
    const feed = new ort.Tensor('float32', Float32Array.from(input.dataSync()), input.shape);
    input.dispose();
    const outputs = await session.run({ [session.inputNames[0]]: feed });
    return { data: outputs[session.outputNames[0]].data as Float32Array, outputs };
  } finally {
    await session.release();
  }
}

/** max |a − b| over the largest |b|: the relative difference the tests bound by 1e-4. */
export function relativeDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Infinity;
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

export interface CompiledCase {
  model: tf.LayersModel;
  weights: NodeWeights;
  x: tf.Tensor;
  expected: Float32Array;
  dispose(): void;
}

/**
 * Compiles the design; with `trainSteps`, trains it that many Adam steps on random targets first, so
 * weights, biases and BatchNorm's moving statistics all move away from their initial values.
 */
export async function compiledCase(design: Design, batch: number, trainSteps = 0, seed = 3): Promise<CompiledCase> {
  const { model, nodeLayers } = compileDesign(design, tf);
  const shape = inputShape(design);
  if (trainSteps > 0) {
    const units = model.outputs[0].shape[1] as number;
    const xs = inputs([8, ...shape], seed + 100);
    const ys = tf.tidy(() => inputs([8, units], seed + 200).abs());
    // Adam's bounded steps: plain SGD can blow up a 56-layer plain MLP in two steps, which is not what is tested.
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
    await model.fit(xs, ys, { batchSize: 4, epochs: Math.ceil(trainSteps / 2), shuffle: false, verbose: 0 });
    xs.dispose();
    ys.dispose();
  }
  const x = inputs([batch, ...shape], seed);
  const y = model.predict(x) as tf.Tensor;
  const expected = Float32Array.from(y.dataSync());
  y.dispose();
  return {
    model,
    weights: weightsFromLayers(nodeLayers),
    x,
    expected,
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
}
