import { describe, expect, it } from 'vitest';
import { parseToEngine, FromEngine } from '../../../src/protocol/messages';
import { StatsCoalescer, mergeFrames } from '../../../src/protocol/coalescer';
import { StatsFrame, statsFrameFromJson, statsFrameToJson, HISTOGRAM_BINS } from '../../../src/schema/stats';
import { selectBackend } from '../../../src/engine/backends/select';
import { explainLoadFailure, nodeBackendCandidates } from '../../../node/nodeBackends';
import type * as tfNamespace from '@tensorflow/tfjs';

function frame(step: number, ids: string[], value: number): StatsFrame {
  const n = ids.length;
  return {
    schema: 1,
    runId: 'r',
    step,
    epoch: 0,
    elapsedMs: step,
    loss: 1,
    nodes: {
      ids,
      activation: new Float32Array(n * 5).fill(value),
      activationHistogram: new Float32Array(n * HISTOGRAM_BINS),
      gradient: new Float32Array(n * 3).fill(NaN),
      gradientHistogram: new Float32Array(n * HISTOGRAM_BINS),
    },
    edges: { ids: [], gradient: new Float32Array(0) },
    weights: { ids: ['d/kernel'], nodeIds: ['d'], values: new Float32Array(3).fill(value) },
    groups: { ids: [], values: new Float32Array(0) },
  };
}

describe('messages to the engine', () => {
  it('refuses unknown types, bad fields and other versions with a reason', () => {
    expect(parseToEngine({ type: 'explode' })).toMatchObject({ ok: false, code: 'bad-message' });
    expect(parseToEngine('text')).toMatchObject({ ok: false, code: 'bad-message' });
    const badEpochs = parseToEngine({ type: 'start', runId: 'r', settings: { dataset: { kind: 'spirals' }, epochs: -3 } });
    expect(badEpochs.ok).toBe(false);
    if (!badEpochs.ok) expect(badEpochs.message).toMatch(/settings\.epochs/);
    expect(parseToEngine({ v: 2, type: 'stop', runId: 'r' })).toMatchObject({ ok: false, code: 'version' });
    expect(parseToEngine({ type: 'stop', runId: 'r' })).toMatchObject({ ok: true, message: { v: 1 } });
  });

  it('validates stats frames, including the typed-array sizes', () => {
    const good = frame(1, ['a', 'b'], 2);
    expect(FromEngine.safeParse({ type: 'statsFrame', seq: 1, frame: good }).success).toBe(true);
    expect(StatsFrame.safeParse({ ...good, nodes: { ...good.nodes, activation: new Float32Array(3) } }).success).toBe(false);
  });

  it('round-trips a frame through JSON lines with NaN as null', () => {
    const line = statsFrameToJson(frame(3, ['a'], 0.5));
    expect(line).toContain('null');
    const back = statsFrameFromJson(line);
    expect(back.nodes.activation[0]).toBe(0.5);
    expect(Number.isNaN(back.nodes.gradient[0])).toBe(true);
  });
});

describe('StatsCoalescer', () => {
  it('keeps one merged frame while the consumer lags, latest value per node', () => {
    let now = 0;
    const sent: StatsFrame[] = [];
    const timers: (() => void)[] = [];
    const c = new StatsCoalescer((f) => sent.push(f), {
      intervalMs: 100,
      maxInFlight: 1,
      now: () => now,
      setTimer: (cb) => timers.push(cb),
      clearTimer: () => {},
    });
    c.push(frame(0, ['a', 'b'], 0));
    expect(sent).toHaveLength(1);
    for (let step = 1; step <= 500; step++) {
      now += 10;
      c.push(frame(step, step % 2 ? ['a'] : ['a', 'b'], step));
    }
    expect(sent).toHaveLength(1);
    expect(c.coalesced).toBe(499);
    c.ack(1);
    expect(sent).toHaveLength(2);
    const merged = sent[1];
    expect(merged.step).toBe(500);
    expect(merged.nodes.ids.sort()).toEqual(['a', 'b']);
    expect(merged.nodes.activation[0]).toBe(500);
  });

  it("sends a new run's first frame at once, and never merges it with the previous run's unsent one", () => {
    let now = 0;
    const sent: StatsFrame[] = [];
    const c = new StatsCoalescer((f) => sent.push(f), { intervalMs: 100, maxInFlight: 1, now: () => now, setTimer: () => 0, clearTimer: () => {} });
    c.push(frame(0, ['a'], 0));
    now += 10;
    // Saturated (frame 1 unacknowledged): run r's last frame waits.
    c.push(frame(7, ['a', 'old'], 7));
    expect(sent).toHaveLength(1);
    c.ack(1);
    expect(sent).toHaveLength(1); // within the interval: held
    const next = { ...frame(0, ['b'], 1), runId: 'r2' };
    c.push(next);
    // 10 ms after run r's frame, run r2's step 0 goes out, alone.
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ runId: 'r2', step: 0 });
    expect(sent[1]?.nodes.ids).toEqual(['b']);
    expect(c.hasPending).toBe(false);
  });

  it('merges frames with different node sets without losing either', () => {
    const merged = mergeFrames(frame(1, ['a', 'b'], 1), frame(2, ['b', 'c'], 2));
    expect(merged.nodes.ids).toEqual(['a', 'b', 'c']);
    expect(Array.from(merged.nodes.activation.subarray(0, 5))).toEqual([1, 1, 1, 1, 1]);
    expect(merged.nodes.activation[5]).toBe(2);
    expect(StatsFrame.safeParse(merged).success).toBe(true);
  });
});

describe('backend selection', () => {
  const fakeTf = { setBackend: async () => true } as unknown as typeof tfNamespace;

  it('says a missing package is not installed and a missing CUDA library by name', () => {
    const missing = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node-gpu'"), { code: 'MODULE_NOT_FOUND' });
    expect(explainLoadFailure('@tensorflow/tfjs-node-gpu', missing)).toBe('@tensorflow/tfjs-node-gpu is not installed');
    const cuda = new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
    expect(explainLoadFailure('@tensorflow/tfjs-node-gpu', cuda)).toMatch(/^libcudart\.so\.11\.0 not found/);
  });

  it('falls back in order and reports why; a forced backend never falls back', async () => {
    const notInstalled = (name: string) => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    };
    const noThreads = async () => ({ reason: 'the threaded wasm build did not start in Node' });
    const candidates = [
      ...nodeBackendCandidates(fakeTf, { load: notInstalled, startWasm: noThreads, preferWasmThreads: true }),
      { name: 'cpu' as const, activate: async () => ({ ok: true as const, detail: 'js' }) },
    ];
    const report = await selectBackend(candidates);
    expect(report.active).toBe('cpu');
    expect(report.skipped.map((s) => s.reason)).toEqual([
      '@tensorflow/tfjs-node-gpu is not installed',
      '@tensorflow/tfjs-node is not installed',
      expect.stringMatching(/threaded wasm build did not start|threads off/),
    ]);
    await expect(selectBackend(candidates, 'tensorflow')).rejects.toThrow(/tfjs-node is not installed/);
  });
});
