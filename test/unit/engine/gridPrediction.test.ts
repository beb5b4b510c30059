import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { EngineSession } from '../../../src/engine/session';
import { gridPoints } from '../../../src/engine/gridPrediction';
import { residualMlp } from '../../../src/graph/examples';
import { PROTOCOL_VERSION, type FromEngine, type FromEngineOf, type ToEngineInput } from '../../../src/protocol/messages';
import type { Design } from '../../../src/graph/design';

beforeAll(startWasm);

const BOUNDS = { minX: -1.5, maxX: 1.5, minY: -1, maxY: 2 };

/** An engine session driven through the protocol, as every host drives it. */
function session(): {
  session: EngineSession;
  received: FromEngine[];
  send: (m: ToEngineInput) => Promise<void>;
  last: <T extends FromEngine['type']>(type: T) => FromEngineOf<T>;
} {
  const received: FromEngine[] = [];
  const s = new EngineSession(tf, {
    post: (m) => received.push(m),
    backend: { active: 'wasm', detail: '', skipped: [], forced: true },
    statsMaxInFlight: Infinity,
  });
  return {
    session: s,
    received,
    send: (m) => s.handle({ v: PROTOCOL_VERSION, ...m }),
    last: <T extends FromEngine['type']>(type: T) => {
      const found = received.filter((m): m is FromEngineOf<T> => m.type === type).at(-1);
      if (!found) throw new Error(`no ${type} among ${received.map((m) => m.type).join(', ')}`);
      return found;
    },
  };
}

type Start = Extract<ToEngineInput, { type: 'start' }>;
const start = (runId: string, epochs = 3, dataset: Start['settings']['dataset'] = { kind: 'spirals', size: 200 }): Start => ({
  type: 'start',
  runId,
  settings: { dataset, epochs, batchSize: 32, seed: 4, optimizer: { name: 'adam', learningRate: 0.01 } },
});

async function trained(design: Design = residualMlp(6, { width: 16, norm: 'batch' }), begin: Start = start('r')) {
  const s = session();
  await s.send({ type: 'loadDesign', design });
  await s.send(begin);
  await s.session.idle();
  expect(s.last('done').reason).toBe('completed');
  return s;
}

describe('predictGrid on the engine session', () => {
  it('predicts what the exported model predicts on the same points', async () => {
    const s = await trained();
    await s.send({ type: 'predictGrid', requestId: 'g1', bounds: BOUNDS, resolution: 17 });
    const grid = s.last('gridPrediction');
    expect(grid).toMatchObject({ requestId: 'g1', resolution: 17, classes: 2, bounds: BOUNDS });
    expect(grid.probabilities.length).toBe(17 * 17 * 2);

    await s.send({ type: 'exportWeights', requestId: 'w' });
    const w = s.last('weights');
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: w.modelTopology, weightSpecs: w.weightSpecs as tf.io.WeightsManifestEntry[], weightData: w.weightData.slice().buffer }),
    );
    const points = gridPoints(BOUNDS, 17);
    expect([points[2], points[3]]).toEqual([-1.5 + 3 / 16, -1]);
    const expected = tf.tidy(() => (model.predict(tf.tensor2d(points, [17 * 17, 2])) as tf.Tensor).dataSync());
    model.dispose();
    const worst = Array.from(grid.probabilities).reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
    expect(worst).toBeLessThan(1e-5);
    // Trained, so the boundary is not a constant: some points go each way.
    const firstClass = Array.from({ length: 17 * 17 }, (_, i) => grid.probabilities[2 * i] > 0.5);
    expect(firstClass.some(Boolean) && !firstClass.every(Boolean)).toBe(true);
    s.session.dispose();
  }, 60_000);

  it('leaks no tensors over 100 calls, and the largest grid works', async () => {
    const s = await trained();
    await s.send({ type: 'predictGrid', requestId: 'warm', bounds: BOUNDS, resolution: 32 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await s.send({ type: 'predictGrid', requestId: `g${i}`, bounds: BOUNDS, resolution: 32 });
    expect(tf.memory().numTensors).toBe(before);
    expect(s.received.filter((m) => m.type === 'gridPrediction')).toHaveLength(101);
    await s.send({ type: 'predictGrid', requestId: 'big', bounds: BOUNDS, resolution: 128 });
    expect(s.last('gridPrediction').probabilities.length).toBe(128 * 128 * 2);
    expect(tf.memory().numTensors).toBe(before);
    s.session.dispose();
  }, 60_000);

  it('answers during a run, paused or not, without changing the run', async () => {
    const design = residualMlp(4, { width: 8, norm: 'batch' });
    const quiet = session();
    await quiet.send({ type: 'loadDesign', design });
    await quiet.send(start('q', 2));
    await quiet.session.idle();

    const busy = session();
    await busy.send({ type: 'loadDesign', design });
    await busy.send(start('b', 2));
    await busy.send({ type: 'pause', runId: 'b' });
    await busy.send({ type: 'predictGrid', requestId: 'paused', bounds: BOUNDS, resolution: 8 });
    expect(busy.last('gridPrediction').requestId).toBe('paused');
    await busy.send({ type: 'resume', runId: 'b' });
    let asked = 0;
    while (!busy.received.some((m) => m.type === 'done')) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await busy.send({ type: 'predictGrid', requestId: `running-${++asked}`, bounds: BOUNDS, resolution: 8 });
    }
    const answeredWhileRunning = busy.received.findIndex((m) => m.type === 'gridPrediction' && m.requestId === 'running-1');
    expect(answeredWhileRunning).toBeGreaterThan(-1);
    expect(answeredWhileRunning).toBeLessThan(busy.received.findIndex((m) => m.type === 'done'));

    const strip = (m: FromEngineOf<'done'>) => ({ ...m, runId: '' });
    expect(strip(busy.last('done'))).toEqual(strip(quiet.last('done')));
    const curve = (s: typeof quiet) => s.received.filter((m) => m.type === 'metrics').map((m) => [m.loss, m.accuracy, m.validationLoss]);
    expect(curve(busy)).toEqual(curve(quiet));
    quiet.session.dispose();
    busy.session.dispose();
  }, 60_000);

  it('refuses bad bounds, resolutions and designs with errors that say what was wrong', async () => {
    const s = session();
    await s.send({ type: 'predictGrid', requestId: 'early', bounds: BOUNDS, resolution: 8 });
    expect(s.last('error')).toMatchObject({ code: 'no-run', inReplyTo: 'predictGrid', message: expect.stringMatching(/start a run/) });

    const cases: [unknown, RegExp][] = [
      [{ bounds: { ...BOUNDS, maxX: -2 }, resolution: 8 }, /bounds.*maxX > minX/],
      [{ bounds: { ...BOUNDS, minY: Infinity }, resolution: 8 }, /bounds\.minY/],
      [{ bounds: { minX: 0, maxX: 1 }, resolution: 8 }, /bounds\.minY/],
      [{ bounds: BOUNDS, resolution: 1 }, /resolution/],
      [{ bounds: BOUNDS, resolution: 129 }, /resolution/],
      [{ bounds: BOUNDS, resolution: 8.5 }, /resolution/],
    ];
    for (const [fields, pattern] of cases) {
      await s.session.handle({ v: PROTOCOL_VERSION, type: 'predictGrid', requestId: 'bad', ...(fields as object) });
      const error = s.last('error');
      expect(error.code).toBe('bad-message');
      expect(error.inReplyTo).toBe('predictGrid');
      expect(error.message).toMatch(/^invalid predictGrid: /);
      expect(error.message).toMatch(pattern);
    }

    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2},${i % 2}`).join('\n');
    const wide = await trained(residualMlp(4, { width: 8, inputs: 3 }), start('three', 1, { kind: 'csv', text: `a,b,c,label\n${rows}` }));
    await wide.send({ type: 'predictGrid', requestId: 'wide', bounds: BOUNDS, resolution: 8 });
    expect(wide.last('error')).toMatchObject({ code: 'design', inReplyTo: 'predictGrid', message: expect.stringMatching(/Input has shape \[3\]/) });
    expect(wide.received.some((m) => m.type === 'gridPrediction')).toBe(false);
    wide.session.dispose();
    s.session.dispose();
  }, 60_000);
});
