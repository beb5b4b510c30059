import { beforeAll, describe, expect, it } from 'vitest';
import { tf, startWasm } from './engineTestSupport';
import { EngineSession } from '../../../src/engine/session';
import { inProcessLessonEngine } from '../../../src/lessons';
import { plainBlocks } from '../../../src/lessons/lessons/droppingLayers';
import { plainMlp } from '../../../src/graph/examples';
import { PROTOCOL_VERSION, type FromEngine, type FromEngineOf } from '../../../src/protocol/messages';
import type { TrainSettingsInput } from '../../../src/schema/settings';

beforeAll(startWasm);

const design = plainMlp(8, { width: 8, norm: 'batch' });
const settings: TrainSettingsInput = {
  dataset: { kind: 'circles', size: 300 },
  epochs: 4,
  batchSize: 32,
  seed: 6,
  optimizer: { name: 'adam', learningRate: 0.01 },
};

async function trainedSession() {
  const received: FromEngine[] = [];
  const session = new EngineSession(tf, {
    post: (m) => received.push(m),
    backend: { active: 'wasm', detail: '', skipped: [], forced: true },
    statsMaxInFlight: Infinity,
  });
  await session.handle({ v: PROTOCOL_VERSION, type: 'loadDesign', design });
  await session.handle({ v: PROTOCOL_VERSION, type: 'start', runId: 'plain', settings });
  await session.idle();
  const last = <T extends FromEngine['type']>(type: T) => received.filter((m): m is FromEngineOf<T> => m.type === type).at(-1);
  expect(last('done')?.reason).toBe('completed');
  return { session, received, last };
}

describe('skipLayers over the engine protocol (plain-net layer drop)', () => {
  it('scores each span as the lessons engine does, on the same trained net', async () => {
    const spans = plainBlocks(design);
    expect(spans.length).toBeGreaterThanOrEqual(2);
    const { session, last } = await trainedSession();
    await session.handle({ v: PROTOCOL_VERSION, type: 'skipLayers', requestId: 's1', spans });
    const reply = last('layersSkipped');
    if (!reply) throw new Error(`no layersSkipped; last error: ${last('error')?.message}`);
    expect(reply.requestId).toBe('s1');
    expect(reply.results.map((r) => r.dropped)).toEqual(spans.map((s) => [s.from, s.to]));
    session.dispose();

    const local = inProcessLessonEngine(tf, { active: 'wasm', detail: '', skipped: [], forced: true });
    await local.train({ runId: 'plain', design, settings });
    const expected = await local.skipLayers(spans);
    local.dispose();
    expect(reply.baseline.accuracy).toBeGreaterThan(0.6);
    expect(reply.baseline).toEqual(expected.baseline);
    expect(reply.results).toEqual(expected.results);
    // Taking trained layers out of a plain net changes what it predicts.
    expect(reply.results.some((r) => r.loss !== reply.baseline.loss)).toBe(true);
  }, 60_000);

  it('refuses spans it cannot take out, naming them, and keeps working', async () => {
    const { session, received, last } = await trainedSession();
    const input = design.nodes.find((n) => n.type === 'Input')?.id as string;
    const output = design.nodes.find((n) => n.type === 'Output')?.id as string;
    const denses = design.nodes.filter((n) => n.type === 'Dense').map((n) => n.id);
    const [block] = plainBlocks(design);
    const cases: [unknown, RegExp][] = [
      [[{ from: 'nope', to: block.to }], /not layers of the trained net: nope/],
      [[{ from: input, to: block.to }], new RegExp(`"${input}" must be a layer with exactly one input`)],
      [[{ from: block.from, to: output }], /is the Output/],
      [[{ from: block.to, to: block.from }], new RegExp(`"${block.from}" does not come after "${block.to}"`)],
      [[{ from: denses[0], to: block.to }], new RegExp(`cannot skip ${denses[0]}\\.\\.${block.to}: it turns shape \\[2\\] into \\[8\\]`)],
      [[], /spans/],
    ];
    const before = tf.memory().numTensors;
    for (const [spans, pattern] of cases) {
      await session.handle({ v: PROTOCOL_VERSION, type: 'skipLayers', requestId: 'bad', spans });
      expect(last('error')).toMatchObject({ code: 'bad-message', inReplyTo: 'skipLayers', message: expect.stringMatching(pattern) });
    }
    expect(received.some((m) => m.type === 'layersSkipped')).toBe(false);
    await session.handle({ v: PROTOCOL_VERSION, type: 'skipLayers', requestId: 'ok', spans: [block] });
    expect(last('layersSkipped')?.requestId).toBe('ok');
    expect(tf.memory().numTensors).toBe(before);
    session.dispose();
  }, 60_000);
});
