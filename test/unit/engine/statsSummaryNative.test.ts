import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { StepRecorder, summariseStep, weightSummary, type FrameLayout } from '../../../src/engine/instrument';
import { nativeStatsSummaries } from '../../../src/engine/backends/wasmKernels';
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS } from '../../../src/schema/stats';
import { randomSource, randomValues } from './wasmTestSupport';

beforeAll(startWasm);
afterAll(() => tf.setBackend('wasm'));

interface Recorded {
  activations: [string, Float32Array, number[]][];
  gradients: [string, Float32Array, number[]][];
  edges: [string, Float32Array, number[]][];
}

/**
 * Tensors that reach every branch of the kernels: SIMD tails (sizes not divisible by 4), exact
 * zeros (after a ReLU), a constant tensor (min = max), and sizes past the histogram's 8,192-value
 * sample (strides 2 and 5), with large means (precision of the centred variance).
 */
function recordedValues(): Recorded {
  const shapes = [[3, 101], [32, 8, 8, 16], [5, 4097], [20_000, 2], [7]];
  const activations: Recorded['activations'] = shapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = randomValues(randomSource(100 + i), [size]).map((v) => (i === 1 ? Math.max(0, v) : 40 * i + (1 + i) * v));
    return [`n${i}`, Float32Array.from(values), shape];
  });
  activations.push(['constant', new Float32Array(50).fill(2.5), [50]]);
  const gradients: Recorded['gradients'] = shapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return [`n${i}`, Float32Array.from(randomValues(randomSource(200 + i), [size]).map((v) => 1e-3 * (i + 1) * v)), shape];
  });
  const edges: Recorded['edges'] = [['e0', Float32Array.from(randomValues(randomSource(300), [999]).map((v) => 3 * v)), [999]]];
  return { activations, gradients, edges };
}

function frameOn(backend: string, values: Recorded): Float32Array {
  const recorder = new StepRecorder(tf);
  for (const [id, data, shape] of values.activations) recorder.activations.set(id, tf.tensor(data, shape));
  for (const [id, data, shape] of values.gradients) recorder.gradients.set(id, tf.tensor(data, shape));
  for (const [id, data, shape] of values.edges) recorder.edgeGradients.set(id, tf.tensor(data, shape));
  const layout: FrameLayout = {
    nodeIds: values.activations.map(([id]) => id),
    edgeIds: values.edges.map(([id]) => id),
    weightIds: [],
    weightNodeIds: [],
    groups: new Map(),
  };
  const weights = tf.zeros([0]);
  const before = tf.memory().numTensors;
  const frame = summariseStep(tf, layout, recorder, weights);
  expect(tf.memory().numTensors, `${backend}: only the frame outlives the summary`).toBe(before + 1);
  const out = Float32Array.from(frame.dataSync());
  [frame, weights].forEach((t) => t.dispose());
  recorder.dispose();
  return out;
}

describe("a stats frame through wasm's summary kernels", () => {
  it('runs on wasm with our kernels, and not on the CPU backend', async () => {
    await tf.setBackend('wasm');
    expect(nativeStatsSummaries(tf, HISTOGRAM_BINS, 8192)).not.toBeNull();
    await tf.setBackend('cpu');
    expect(nativeStatsSummaries(tf, HISTOGRAM_BINS, 8192)).toBeNull();
  });

  it('equals the tf.js route within float rounding, every value in the same histogram bin', async () => {
    const values = recordedValues();
    await tf.setBackend('cpu');
    const reference = frameOn('cpu', values);
    await tf.setBackend('wasm');
    const kernelsBefore = tf.memory().numTensors;
    const native = frameOn('wasm', values);
    expect(tf.memory().numTensors).toBe(kernelsBefore);
    expect(native.length).toBe(reference.length);
    const nodeWidth = ACTIVATION_FIELDS.length + HISTOGRAM_BINS;
    const gradientWidth = GRADIENT_FIELDS.length + HISTOGRAM_BINS;
    const nodes = values.activations.length;
    const gradientStart = nodes * nodeWidth;
    const edgeStart = gradientStart + values.gradients.length * gradientWidth;
    const isHistogram = (i: number) =>
      i < gradientStart ? i % nodeWidth >= ACTIVATION_FIELDS.length : i < edgeStart && (i - gradientStart) % gradientWidth >= GRADIENT_FIELDS.length;
    for (let i = 0; i < reference.length; i++) {
      const want = reference[i] ?? NaN;
      const got = native[i] ?? NaN;
      // Bins: the same float32 arithmetic on both routes, so the same counts exactly.
      if (isHistogram(i)) expect(got, `histogram value ${i}`).toBe(want);
      else expect(Math.abs(got - want), `value ${i}: wasm ${got}, tf.js ${want}`).toBeLessThanOrEqual(2e-5 * Math.abs(want) + 1e-6);
    }
  });

  it('keeps the variance of activations with a large mean, and reports NaN where a value is NaN', async () => {
    await tf.setBackend('wasm');
    const native = nativeStatsSummaries(tf, HISTOGRAM_BINS, 8192);
    if (native === null) throw new Error('the summary kernels are not running');
    const [wide, nan] = tf.tidy(() => {
      // 1000 ± 0.01: E[x²] − E[x]² in float32 would give noise of the order of 0.06.
      const x = tf.add(tf.mul(tf.tensor(randomValues(randomSource(5), [40_000])), 0.01), 1000);
      const withNan = tf.tensor([1, 2, NaN, 4, 5]);
      return [native.activation(x).dataSync().slice(), native.gradient(withNan).dataSync().slice()];
    });
    const std = tf.tidy(
      () =>
        tf
          .moments(tf.tensor(randomValues(randomSource(5), [40_000]).map((v) => v * 0.01)))
          .variance.sqrt()
          .dataSync()[0] ?? NaN,
    );
    expect(Math.abs((wide[1] ?? NaN) - std) / std).toBeLessThan(1e-2);
    expect(wide[0]).toBeCloseTo(1000, 2);
    expect(nan[0]).toBeNaN();
    expect(nan[2]).toBeNaN();
  });

  it('summarises every weight in one kernel, as the tf.js route does, views of updated variables included', async () => {
    const sizes = [3, 4096, 37, 1];
    const data = sizes.map((size, i) => ({
      before: randomValues(randomSource(400 + i), [size]),
      gradient: i === 2 ? undefined : randomValues(randomSource(500 + i), [size]),
      step: randomValues(randomSource(600 + i), [size]).map((v) => 0.01 * v),
    }));
    const rows = (backend: string) => {
      const variables = data.map((d) => tf.variable(tf.tensor(d.before)));
      const before = variables.map((v) => tf.reshape(v, v.shape));
      // The optimizer assigns new tensors: a view taken before keeps the old values.
      variables.forEach((v, i) => v.assign(tf.add(v, tf.tensor(data[i]?.step ?? []))));
      const gradients = data.map((d) => (d.gradient === undefined ? undefined : tf.tensor(d.gradient)));
      const tensorsBefore = tf.memory().numTensors;
      const summary = tf.tidy(() => weightSummary(tf, before, gradients, variables));
      expect(tf.memory().numTensors, backend).toBe(tensorsBefore + 1);
      const values = summary.dataSync().slice();
      [summary, ...before, ...variables, ...gradients].forEach((t) => t?.dispose());
      return values;
    };
    await tf.setBackend('cpu');
    const reference = rows('cpu');
    await tf.setBackend('wasm');
    const profile = await tf.profile(() => tf.tidy(() => rows('wasm')));
    expect(profile.kernels.filter((k) => k.name === 'RescanvasWeightSummary')).toHaveLength(1);
    const native = rows('wasm');
    expect(native.length).toBe(reference.length);
    reference.forEach((want, i) => {
      if (Number.isNaN(want)) expect(native[i], `value ${i}`).toBeNaN();
      else expect(Math.abs((native[i] ?? NaN) - want), `value ${i}: wasm ${native[i]}, tf.js ${want}`).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-7);
    });
    // The update ratio is the step's size: 0 would mean the "before" view followed the update.
    expect(native[2]).toBeGreaterThan(1e-4);
  });

  it('names what is wrong with an input it cannot summarise', async () => {
    await tf.setBackend('wasm');
    const run = (attrs: object, x: tf.Tensor) => () => tf.engine().runKernel('RescanvasActivationSummary', { x }, attrs as never);
    const x = tf.ones([4]);
    const empty = tf.zeros([0]);
    expect(run({ bins: 32, stride: 0 }, x)).toThrow(/RescanvasActivationSummary: bins and stride must be positive integers/);
    expect(run({ bins: 32, stride: 1 }, empty)).toThrow(/RescanvasActivationSummary: needs a non-empty float32 tensor, got float32 \[0\]/);
    const mismatched = tf.ones([5]);
    expect(() => tf.engine().runKernel('RescanvasWeightSummary', { before0: x, after0: mismatched }, { count: 1 } as never)).toThrow(
      /RescanvasWeightSummary: weight 0 needs float32 tensors of 4 values, got float32 \[5\]/,
    );
    expect(() => tf.engine().runKernel('RescanvasWeightSummary', { before0: x }, { count: 1 } as never)).toThrow(
      /RescanvasWeightSummary: missing kernel input 'after0'/,
    );
    [x, empty, mismatched].forEach((t) => t.dispose());
  });
});
