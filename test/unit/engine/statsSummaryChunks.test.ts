import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { chunkRows, StepRecorder, summariseStep, type FrameLayout } from '../../../src/engine/instrument';

// The chunked route is the tf.js ops one, which every backend but wasm takes (wasm has its own
// summary kernels: statsSummaryNative.test.ts): run it on the CPU backend.
beforeAll(async () => {
  await startWasm();
  await tf.setBackend('cpu');
});

/** A recorder holding `count` activations and gradients of `size` values each (plus one odd size), and its layout. */
function recorded(count: number, size: number): { recorder: StepRecorder; layout: FrameLayout } {
  const recorder = new StepRecorder(tf);
  const nodeIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `n${i}`;
    nodeIds.push(id);
    // Distinct values per row, with zeros, so every field (zero fraction, histogram) is exercised.
    recorder.activations.set(id, tf.relu(tf.randomNormal([size], i * 0.1, 1 + i, 'float32', i + 1)));
    if (i % 5 !== 3) recorder.gradients.set(id, tf.randomNormal([size], 0, 1e-3 * (i + 1), 'float32', 1000 + i));
  }
  nodeIds.push('odd');
  recorder.activations.set('odd', tf.randomUniform([size + 7], -1, 1, 'float32', 7));
  recorder.gradients.set('odd', tf.randomUniform([size + 7], -1, 1, 'float32', 8));
  recorder.edgeGradients.set('e0', tf.randomNormal([size], 0, 1, 'float32', 9));
  recorder.edgeGradients.set('e1', tf.randomNormal([size], 0, 2, 'float32', 10));
  const layout: FrameLayout = { nodeIds, edgeIds: ['e0', 'e1'], weightIds: [], weightNodeIds: [], groups: new Map() };
  return { recorder, layout };
}

describe('the statistics summary, reduced in chunks', () => {
  it('splits rows into runs of at most the budget, at least one row each', () => {
    expect(chunkRows([0, 1, 2, 3, 4], 10, 25)).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunkRows([7, 8], 100, 10)).toEqual([[7], [8]]);
    expect(chunkRows([1, 2, 3], 4, Infinity)).toEqual([[1, 2, 3]]);
  });

  it('gives the same numbers in chunks as all at once, in the same order, and leaves no tensor behind', () => {
    const { recorder, layout } = recorded(23, 300);
    const weights = tf.zeros([0]);
    const whole = summariseStep(tf, layout, recorder, weights, Infinity);
    const tensorsBefore = tf.memory().numTensors;
    // 1,000 values: three rows of 300 per chunk, eight chunks of activations.
    const chunked = summariseStep(tf, layout, recorder, weights, 1000);
    expect(tf.memory().numTensors).toBe(tensorsBefore + 1);
    const [a, b] = [whole.dataSync(), chunked.dataSync()];
    expect(b.length).toBe(a.length);
    // Bit for bit: each row is reduced on its own, whatever else is in its chunk.
    expect(Array.from(b)).toEqual(Array.from(a));
    [whole, chunked, weights].forEach((t) => t.dispose());
    recorder.dispose();
  });

  it('keeps the summary’s peak bounded by the chunk rather than the number of recorded tensors', async () => {
    const peaks = async (count: number) => {
      const { recorder, layout } = recorded(count, 2048);
      const weights = tf.zeros([0]);
      const peak = async (chunkValues: number) => {
        const before = tf.memory().numBytes;
        const info = await tf.profile(() => {
          summariseStep(tf, layout, recorder, weights, chunkValues).dispose();
        });
        return info.peakBytes - before;
      };
      const result = { all: await peak(Infinity), chunked: await peak(16384) };
      weights.dispose();
      recorder.dispose();
      return result;
    };
    const [few, many] = [await peaks(100), await peaks(400)];
    // All at once, the reduction keeps about ten copies of every recorded value (400 × 2,048 × 4 bytes each).
    expect(many.all).toBeGreaterThan(10 * 400 * 2048 * 4);
    expect(many.all / few.all).toBeGreaterThan(3.5);
    // In chunks, only the per-row results grow with the count.
    expect(many.chunked).toBeLessThan(many.all / 8);
    expect(many.chunked / few.chunked).toBeLessThan(1.5);
  });
});
