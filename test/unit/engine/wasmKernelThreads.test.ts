import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WASM_KERNELS } from '../../../src/engine/backends/wasmKernels/native/binaries';
import { DEFERRED_SLOTS, KernelThreads, type HelperThread, type SpawnHelper } from '../../../src/engine/backends/wasmKernels/native/kernelThreads';
import { spawnNodeKernelHelper } from '../../../node/kernelHelpers';
import { startThreadedWasm } from '../../../node/wasmThreads';
import { trainingBatchNormKernels } from '../../../src/engine/backends/wasmKernels';
import { elementwiseBothWays, randomSource, randomValues, relativeError, reluGradientBothWays, tf } from './wasmTestSupport';
import { withDeferredFilterGradients } from '../../../src/engine/backends/wasmKernels';
import { runPlan } from '../../../src/engine/plan/plan';
import { StepTape } from '../../../src/engine/plan/stepTape';
import { batchLoss, targetsFor } from '../../../src/engine/loss';
import { cifarResNet } from '../../../src/graph/examples';
import { planFor } from './engineTestSupport';
import { Trainer } from '../../../src/engine/trainer';
import { loadDataset } from '../../../src/engine/datasets';
import { TrainSettings } from '../../../src/schema/settings';

const PAGE = 65536;
const SPLIT = ['conv2d_forward', 'conv2d_filter_gradient'] as const;

/** Our shared-memory build on a memory of its own: the helpers' protocol without tf.js. */
async function ownKernels(helpers: number) {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true });
  const module = await WebAssembly.compile(Buffer.from(WASM_KERNELS.shared, 'base64'));
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const threads = await KernelThreads.start(spawnNodeKernelHelper, helpers, module, memory, SPLIT);
  if (!(threads instanceof KernelThreads)) throw new Error(threads.reason);
  const forward = instance.exports.conv2d_forward as (...args: number[]) => void;
  return { memory, threads, forward };
}

/** x [2, 7, 9, 5] at 0 and a filter [3, 3, 5, 21] at 4096 floats, from two seeds; the conv's output on one thread at 16384 floats. */
function convOnOneThread(kernels: Awaited<ReturnType<typeof ownKernels>>, seed: number) {
  const { memory, forward } = kernels;
  const f32 = new Float32Array(memory.buffer);
  f32.set(randomValues(randomSource(seed), [2 * 7 * 9 * 5]), 0);
  f32.set(randomValues(randomSource(seed + 1), [3 * 3 * 5 * 21]), 4096);
  const geometry = [2, 7, 9, 5, 7, 9, 21, 3, 3, 1, 1, 1, 1, 1, 1];
  forward(0, 4096 * 4, 16384 * 4, ...geometry, 0, 14);
  return { f32, geometry, single: f32.slice(16384, 16384 + 2 * 7 * 9 * 21) };
}

describe('kernel helper threads on a shared memory', () => {
  let kernels: Awaited<ReturnType<typeof ownKernels>>;
  beforeAll(async () => {
    kernels = await ownKernels(2);
  });
  afterAll(() => kernels.threads.stop());

  it('split across three threads, a conv writes exactly what one thread writes, call after call', () => {
    const { threads, forward } = kernels;
    // The split call writes at 32768 floats.
    const { f32, geometry, single } = convOnOneThread(kernels, 3);
    for (let call = 0; call < 200; call++) {
      f32.fill(Number.NaN, 32768, 32768 + single.length);
      threads.run('conv2d_forward', forward, [0, 4096 * 4, 32768 * 4, ...geometry], 14);
      expect(f32.slice(32768, 32768 + single.length)).toEqual(single);
    }
  });

  it('helpers asleep after their spin, or never spinning, are woken by the next call', async () => {
    const { threads, forward } = kernels;
    const { f32, geometry, single } = convOnOneThread(kernels, 5);
    const spin = threads.spinMs;
    expect(spin).toBeGreaterThan(0);
    try {
      for (const spinMs of [0, 2]) {
        threads.spinMs = spinMs;
        expect(threads.spinMs).toBe(spinMs);
        for (let call = 0; call < 6; call++) {
          // Longer than the spin: every helper has gone back to Atomics.wait.
          await new Promise((resolve) => setTimeout(resolve, 10));
          f32.fill(Number.NaN, 32768, 32768 + single.length);
          threads.run('conv2d_forward', forward, [0, 4096 * 4, 32768 * 4, ...geometry], 14);
          expect(f32.slice(32768, 32768 + single.length)).toEqual(single);
        }
      }
      threads.spinMs = -5;
      expect(threads.spinMs).toBe(0);
    } finally {
      threads.spinMs = spin;
    }
  });

  it("deferred calls queue beside the caller's calls and are whole after fence; a full queue finishes its oldest first", () => {
    const { threads, forward } = kernels;
    const { f32, geometry, single } = convOnOneThread(kernels, 7);
    const size = single.length;
    const calls = DEFERRED_SLOTS + 3;
    const deferredAt = (k: number) => 32768 + (k + 1) * size;
    for (let round = 0; round < 12; round++) {
      f32.fill(Number.NaN, 32768, deferredAt(calls));
      for (let k = 0; k < calls; k++) {
        threads.runDeferred('conv2d_forward', forward, [0, 4096 * 4, deferredAt(k) * 4, ...geometry], 14);
        expect(threads.pending).toBe(Math.min(k + 1, DEFERRED_SLOTS));
        // The caller's own calls go on meanwhile, and take queued chunks while they wait.
        threads.run('conv2d_forward', forward, [0, 4096 * 4, 32768 * 4, ...geometry], 14);
        expect(f32.slice(32768, 32768 + size)).toEqual(single);
      }
      // The queue was full three times: its three oldest calls were finished to make room.
      for (let k = 0; k < 3; k++) expect(f32.slice(deferredAt(k), deferredAt(k) + size)).toEqual(single);
      threads.fence();
      expect(threads.pending).toBe(0);
      for (let k = 0; k < calls; k++) expect(f32.slice(deferredAt(k), deferredAt(k) + size)).toEqual(single);
      threads.fence();
    }
  });

  it('a deferred call that traps on a helper is reported by fence, which still finishes the calls queued around it', () => {
    const { memory, threads, forward } = kernels;
    const { f32, geometry, single } = convOnOneThread(kernels, 9);
    const size = single.length;
    f32.fill(Number.NaN, 32768, 32768 + 2 * size);
    // Every row of this call is written past the memory's end, so it traps before writing anything.
    const beyond = memory.buffer.byteLength + PAGE;
    threads.runDeferred('conv2d_forward', forward, [0, 4096 * 4, 32768 * 4, ...geometry], 14);
    threads.runDeferred('conv2d_forward', forward, [0, 0, beyond, 1, 12, 1, 1, 12, 1, 4, 1, 1, 1, 1, 1, 1, 0, 0], 12);
    threads.runDeferred('conv2d_forward', forward, [0, 4096 * 4, (32768 + size) * 4, ...geometry], 14);
    expect(() => threads.fence()).toThrow(/conv2d_forward failed on a helper thread|out of bounds/);
    expect(threads.pending).toBe(0);
    expect(f32.slice(32768, 32768 + size)).toEqual(single);
    expect(f32.slice(32768 + size, 32768 + 2 * size)).toEqual(single);
    threads.fence();
  });

  it('runs a call of a single unit', () => {
    const { memory, threads, forward } = kernels;
    const f32 = new Float32Array(memory.buffer);
    f32.fill(1, 0, 4);
    f32.fill(2, 4096, 4100);
    // One 1×1 output row of 4 channels from 1 input channel: one unit.
    threads.run('conv2d_forward', forward, [0, 4096 * 4, 16384 * 4, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 1, 1, 0, 0], 1);
    expect(Array.from(f32.subarray(16384, 16388))).toEqual([2, 2, 2, 2]);
  });

  it('reports a kernel that traps on a helper instead of hanging, and keeps working', () => {
    const { memory, threads, forward } = kernels;
    const beyond = memory.buffer.byteLength + PAGE;
    // Rows 0..1 on the caller write in bounds; the helpers' rows land past the memory's end.
    const rowsEach = Math.floor(beyond / (4 * 4)) + 8;
    expect(() => threads.run('conv2d_forward', forward, [0, 0, 0, 1, 3 * rowsEach, 1, 1, 3 * rowsEach, 1, 4, 1, 1, 1, 1, 1, 1, 0, 0], 3 * rowsEach)).toThrow(
      /conv2d_forward failed on a helper thread|out of bounds/,
    );
    threads.run('conv2d_forward', forward, [0, 4096 * 4, 16384 * 4, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 1, 1, 0, 0], 1);
  });
});

describe('kernel helper threads that cannot start', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const failing = (behaviour: (helper: { listeners: ((data: unknown) => void)[]; errors: ((reason: string) => void)[] }) => void): SpawnHelper => {
    return () => {
      const state = { listeners: [] as ((data: unknown) => void)[], errors: [] as ((reason: string) => void)[] };
      const helper: HelperThread = {
        post: () => queueMicrotask(() => behaviour(state)),
        onMessage: (listener) => state.listeners.push(listener),
        onError: (listener) => state.errors.push(listener),
        terminate: () => undefined,
      };
      return helper;
    };
  };

  it('says which helper failed and why', async () => {
    const spawn = failing((state) => state.errors.forEach((e) => e('blocked by the content security policy')));
    expect(await KernelThreads.start(spawn, 2, {}, memory, SPLIT)).toEqual({ reason: 'helper 0: blocked by the content security policy' });
  });

  it('gives up on helpers that never answer', async () => {
    const spawn = failing(() => undefined);
    expect(await KernelThreads.start(spawn, 1, {}, memory, SPLIT, 50)).toEqual({ reason: 'the helpers did not start within 0.05 s' });
  });

  it('passes on the error a helper reports while instantiating', async () => {
    const spawn = failing((state) => state.listeners.forEach((l) => l({ error: 'imported memory is not shared' })));
    expect(await KernelThreads.start(spawn, 1, {}, memory, SPLIT)).toEqual({ reason: 'helper 0: imported memory is not shared' });
  });
});

describe("tf.js' threaded wasm build with our kernels split across a helper", () => {
  beforeAll(async () => {
    const started = await startThreadedWasm(tf, 2);
    if ('reason' in started) throw new Error(started.reason);
    // XNNPACK's pool keeps 1 thread; the helper is the second.
    expect(started.status.threadCount).toBe(2);
    expect(started.status.nativeKernels).toEqual({ active: true, helperThreads: 1 });
  });

  it('BatchNorm forward and backward, split by row blocks (37 channels: a scalar tail past 36), match autodiff on the CPU', async () => {
    // 16,384 rows × 37 values: above the split threshold (2^16 values), 74 blocks of 222 rows, the last 178.
    const shape = [64, 256, 37];
    const x = randomValues(randomSource(21), shape).map((v) => 3 * v + 1.5);
    const dy = randomValues(randomSource(22), shape);
    const gamma = randomValues(randomSource(23), [37]);
    const beta = randomValues(randomSource(24), [37]);
    await tf.setBackend('wasm');
    const kernels = trainingBatchNormKernels(tf, tf.zeros(shape));
    if (kernels === null) throw new Error('the native BatchNorm kernels are not running');
    const wasm = tf.tidy(() => {
      const input = tf.tensor(x, shape);
      const [y, mean, variance, nextMean, nextVariance] = kernels.forward(input, tf.tensor(gamma), tf.tensor(beta), tf.zeros([37]), tf.ones([37]), 1e-3, 0.25);
      // The running averages' step: a quarter of the way from (0, 1) to the batch's moments.
      expect(nextMean.dataSync()).toEqual(tf.mul(mean, 0.25).dataSync());
      expect(nextVariance.dataSync()).toEqual(tf.sub(1, tf.mul(tf.sub(1, variance), 0.25)).dataSync());
      const [dx, dGamma, dBeta] = kernels.backward(input, tf.tensor(dy, shape), mean, variance, tf.tensor(gamma), 1e-3);
      return [y, mean, variance, dx, dGamma, dBeta].map((t) => t.dataSync().slice());
    });
    await tf.setBackend('cpu');
    const cpu = tf.tidy(() => {
      const input = tf.tensor(x, shape);
      const { mean, variance } = tf.moments(input, [0, 1]);
      const normalise = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const m = tf.moments(v, [0, 1]);
        return tf.add(tf.mul(tf.div(tf.sub(v, m.mean), tf.sqrt(tf.add(m.variance, 1e-3))), g), b);
      };
      const y = normalise(input, tf.tensor(gamma), tf.tensor(beta));
      const [dx, dGamma, dBeta] = tf.grads((v, g, b) => tf.sum(tf.mul(normalise(v, g, b), tf.tensor(dy, shape))))([input, tf.tensor(gamma), tf.tensor(beta)]);
      return [y, mean, variance, dx, dGamma, dBeta].map((t) => t.dataSync().slice());
    });
    cpu.forEach((expected, i) => expect(relativeError(Float32Array.from(wasm[i] ?? []), Float32Array.from(expected)), `output ${i}`).toBeLessThan(1e-4));
    await tf.setBackend('wasm');
  });

  it("ReLU's gradient, split into blocks across the helper, is bit for bit Step then Multiply", async () => {
    // 2^19 + 4,103 values: above the split threshold, 33 blocks, the last one partial and not a whole number of vectors.
    const size = (1 << 19) + 4103;
    const x = randomValues(randomSource(31), [size]);
    x[5] = Number.NaN;
    x[size - 1] = 0;
    const dy = randomValues(randomSource(32), [size]);
    await tf.setBackend('wasm');
    const [ours, theirs] = reluGradientBothWays(x, dy);
    expect(ours).toEqual(theirs);
  });

  it("ReLU and Add, split into blocks across the helper, are bit for bit tf.js' Relu and Add", async () => {
    const size = (1 << 19) + 4103;
    const x = randomValues(randomSource(33), [size]);
    const b = randomValues(randomSource(34), [size]);
    [x[5], x[size - 1], b[size - 2]] = [Number.NaN, -0, Infinity];
    await tf.setBackend('wasm');
    const calls = vi.spyOn(KernelThreads.prototype, 'run');
    try {
      const { relu, add } = elementwiseBothWays(x, b);
      expect(relu[0]).toEqual(relu[1]);
      expect(add[0]).toEqual(add[1]);
      expect(calls.mock.calls.map((call) => call[0])).toEqual(['relu_forward', 'add_values']);
    } finally {
      calls.mockRestore();
    }
  });

  it("a ResNet step's filter gradients, deferred to the helper while the tape is walked, are bit for bit the step's without", async () => {
    await tf.setBackend('wasm');
    const { plan, dispose } = planFor(cifarResNet(1, { inputShape: [16, 16, 3], classes: 4 }));
    const x = tf.randomNormal([8, ...plan.inputShape], 0, 1, 'float32', 3);
    const targets = targetsFor(
      tf,
      Int32Array.from({ length: 8 }, (_, i) => i % 4),
      4,
    );
    const gradients = (deferred: boolean) =>
      tf.tidy(() => {
        const held: tf.Tensor[] = [];
        const tape = new StepTape(tf);
        const out = runPlan(tf, plan, x, { training: true, seed: 1, held, tape });
        const { grad } = tf.valueAndGrad((logits: tf.Tensor) => batchLoss(tf, plan.loss, { logits, output: logits }, 'linear', targets))(out.logits);
        const grads = deferred
          ? withDeferredFilterGradients(tf.backend(), (fence) => tape.gradients(out.logits, grad, plan.trainable, fence))
          : tape.gradients(out.logits, grad, plan.trainable);
        const values = grads.map((g) => Array.from(g?.dataSync() ?? []));
        held.forEach((t) => t.dispose());
        return values;
      });
    const deferredCalls = vi.spyOn(KernelThreads.prototype, 'runDeferred');
    const plain = gradients(false);
    expect(deferredCalls).not.toHaveBeenCalled();
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step++) expect(gradients(true)).toEqual(plain);
    // Every conv's filter gradient (the stem, 6 in the blocks, 2 projections: all above the split size) was deferred.
    expect(deferredCalls).toHaveBeenCalledTimes(5 * 9);
    deferredCalls.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, targets]);
    dispose();
  });

  it('a training step defers its filter gradients, but not under tf.profile, which reads each kernel output as it is made', async () => {
    await tf.setBackend('wasm');
    const { plan, dispose } = planFor(cifarResNet(1, { inputShape: [16, 16, 3], classes: 4 }));
    const dataset = await loadDataset({ kind: 'shapes', size: 64 });
    const trainer = new Trainer(tf, plan, dataset, TrainSettings.parse({ dataset: { kind: 'shapes', size: 64 }, batchSize: 8 }), 'defer', {});
    const x = tf.randomNormal([8, ...plan.inputShape], 0, 1, 'float32', 4);
    const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
    const targets = targetsFor(tf, labels.dataSync() as Int32Array, 4);
    const deferredCalls = vi.spyOn(KernelThreads.prototype, 'runDeferred');
    trainer.trainStep(x, targets, labels, false);
    expect(deferredCalls).toHaveBeenCalledTimes(9);
    deferredCalls.mockClear();
    const profiled = await tf.profile(() => {
      trainer.trainStep(x, targets, labels, false);
    });
    expect(profiled.kernels.some((k) => k.name === 'Conv2DBackpropFilter')).toBe(true);
    expect(deferredCalls).not.toHaveBeenCalled();
    deferredCalls.mockRestore();
    trainer.dispose();
    tf.dispose([x, labels, targets]);
    dispose();
  });

  it('trains a conv layer with the same forward and filter gradient as the CPU kernels, tensors flat', async () => {
    // Large enough to be split (MIN_SPLIT_WORK): 4·8·15·20·3·3·6 multiply-adds.
    const xShape: [number, number, number, number] = [4, 16, 15, 6];
    const filterShape: [number, number, number, number] = [3, 3, 6, 20];
    const x = randomValues(randomSource(11), xShape);
    const filter = randomValues(randomSource(12), filterShape);
    const compute = () => {
      const input = tf.tensor4d(x, xShape);
      const w = tf.tensor4d(filter, filterShape);
      const y = tf.conv2d(input, w, [2, 1], 'same');
      const dw = tf.grad((f: tf.Tensor) =>
        tf
          .conv2d(input, f as tf.Tensor4D, [2, 1], 'same')
          .square()
          .sum(),
      )(w);
      return tf.concat([y.flatten(), dw.flatten()]);
    };
    const read = async (backend: 'wasm' | 'cpu') => {
      await tf.setBackend(backend);
      const result = tf.tidy(compute);
      const values = Float32Array.from(await result.data());
      result.dispose();
      return values;
    };
    const expected = await read('cpu');
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    for (let step = 0; step < 50; step++) expect(relativeError(await read('wasm'), expected)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
