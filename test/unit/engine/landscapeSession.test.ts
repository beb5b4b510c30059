/** The loss landscape through the protocol, as every host asks for it. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { EngineSession } from '../../../src/engine/session';
import { residualMlp } from '../../../src/graph/examples';
import { PROTOCOL_VERSION, type FromEngine, type FromEngineOf, type ToEngineInput } from '../../../src/protocol/messages';

beforeAll(startWasm);

function session() {
  const received: FromEngine[] = [];
  const s = new EngineSession(tf, {
    post: (m) => received.push(m),
    backend: { active: 'wasm', detail: '', skipped: [], forced: true },
    statsMaxInFlight: Infinity,
  });
  const of = <T extends FromEngine['type']>(type: T) => received.filter((m): m is FromEngineOf<T> => m.type === type);
  return { session: s, received, of, send: (m: ToEngineInput) => s.handle({ v: PROTOCOL_VERSION, ...m }) };
}

const START: ToEngineInput = {
  type: 'start',
  runId: 'r',
  settings: { dataset: { kind: 'spirals', size: 200 }, epochs: 2, batchSize: 32, seed: 4, optimizer: { name: 'adam', learningRate: 0.01 } },
};

describe('lossLandscape on the engine session', () => {
  it('refuses before anything was trained, and while a run is going', async () => {
    const s = session();
    await s.send({ type: 'loadDesign', design: residualMlp(2, { width: 8, norm: 'batch' }) });
    await s.send({ type: 'lossLandscape', requestId: 'early', resolution: 3, span: 1, seed: 1, samples: 64 });
    expect(s.of('error').at(-1)).toMatchObject({ code: 'no-run', requestId: 'early' });
    await s.send(START);
    await s.send({ type: 'lossLandscape', requestId: 'during', resolution: 3, span: 1, seed: 1, samples: 64 });
    expect(s.of('error').at(-1)).toMatchObject({ code: 'busy', requestId: 'during' });
    await s.session.idle();
  });

  it('answers with the slice, reports progress per row, and leaves the trained model as it was', async () => {
    const s = session();
    await s.send({ type: 'loadDesign', design: residualMlp(2, { width: 8, norm: 'batch' }) });
    await s.send(START);
    await s.session.idle();
    await s.send({ type: 'evaluate', requestId: 'before' });
    const tensors = tf.memory().numTensors;
    await s.send({ type: 'lossLandscape', requestId: 'L', resolution: 5, span: 0.5, seed: 2, samples: 64 });
    const result = s.of('landscape').at(-1);
    expect(result).toMatchObject({ requestId: 'L', resolution: 5, span: 0.5, samples: 64 });
    expect(result?.loss).toHaveLength(25);
    expect(s.of('landscapeProgress').map((p) => p.done)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(tf.memory().numTensors).toBe(tensors);
    await s.send({ type: 'evaluate', requestId: 'after' });
    const [before, after] = s.of('evaluation');
    expect(after.loss).toBe(before.loss);
  });

  it('stops on stopLandscape with a stopped error naming the request', async () => {
    const s = session();
    await s.send({ type: 'loadDesign', design: residualMlp(2, { width: 8, norm: 'batch' }) });
    await s.send(START);
    await s.session.idle();
    const pending = s.send({ type: 'lossLandscape', requestId: 'S', resolution: 41, span: 1, seed: 1, samples: 64 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await s.send({ type: 'stopLandscape' });
    await pending;
    expect(s.of('error').at(-1)).toMatchObject({ code: 'stopped', requestId: 'S' });
    expect(s.of('landscape')).toEqual([]);
  });

  it("refuses to load another design while the slice moves the last run's weights", async () => {
    const s = session();
    await s.send({ type: 'loadDesign', design: residualMlp(2, { width: 8, norm: 'batch' }) });
    await s.send(START);
    await s.session.idle();
    const pending = s.send({ type: 'lossLandscape', requestId: 'B', resolution: 41, span: 1, seed: 1, samples: 64 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await s.send({ type: 'loadDesign', requestId: 'D', design: residualMlp(4, { width: 8, norm: 'batch' }) });
    expect(s.of('error').at(-1)).toMatchObject({ code: 'busy', requestId: 'D' });
    await s.send({ type: 'stopLandscape' });
    await pending;
  });

  it('refuses an even or oversized grid at the protocol boundary', async () => {
    const s = session();
    await s.send({ type: 'lossLandscape', requestId: 'x', resolution: 4, span: 1, seed: 1, samples: 64 });
    expect(s.of('error').at(-1)).toMatchObject({ code: 'bad-message' });
    expect(s.of('error').at(-1)?.message).toMatch(/resolution must be odd/);
    await s.send({ type: 'lossLandscape', requestId: 'y', resolution: 101, span: 1, seed: 1, samples: 64 });
    expect(s.of('error').at(-1)?.message).toMatch(/resolution/);
  });
});
