import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../src/engine/backends/wasm';
import { EngineSession } from '../../../src/engine/session';
import { findLesson, LocalLessonEngine, ProtocolLessonEngine, runLesson, type EngineLink } from '../../../src/lessons';
import type { FromEngine } from '../../../src/protocol/messages';
import { plainMlp } from '../../../src/graph/examples';
import { StepLosses } from '../../../src/lessons/engine';

beforeAll(async () => {
  const status = await useWasmBackend(tf);
  if (!status.active) throw new Error('wasm backend did not start');
});

/** The protocol path the UI takes, with the engine in this process instead of a worker. */
function sessionLink(): { link: EngineLink; session: EngineSession } {
  const listeners = new Set<(m: FromEngine) => void>();
  const session = new EngineSession(tf, { post: (m) => listeners.forEach((l) => l(m)), backend: { active: 'wasm', detail: '', skipped: [], forced: true }, statsMaxInFlight: Infinity });
  const link: EngineLink = {
    send: (m) => void session.handle(m),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { link, session };
}

describe('lesson engines', () => {
  it('measure the same gradient profile in process and over the engine protocol', async () => {
    const lesson = findLesson('gradients-travel-further');
    if (!lesson) throw new Error('lesson 7 missing');
    const local = new LocalLessonEngine(tf);
    const direct = await runLesson(lesson, local, { variant: 'quick', seed: 4 });
    local.dispose();
    const { link, session } = sessionLink();
    const viaProtocol = await runLesson(lesson, new ProtocolLessonEngine(link), { variant: 'quick', seed: 4 });
    session.dispose();
    expect(viaProtocol.outcome.held).toBe(true);
    expect(viaProtocol.outcome.table).toEqual(direct.outcome.table);
  });

  it('over the protocol, measures the plain twin of lesson 10 exactly as the in-process engine does', async () => {
    const lesson = findLesson('dropping-layers');
    if (!lesson) throw new Error('lesson 10 missing');
    const local = new LocalLessonEngine(tf);
    const direct = await runLesson(lesson, local, { variant: 'quick', seed: 1 });
    local.dispose();
    const { link, session } = sessionLink();
    const viaProtocol = await runLesson(lesson, new ProtocolLessonEngine(link), { variant: 'quick', seed: 1 });
    session.dispose();
    const plain = viaProtocol.outcome.checks.find((c) => c.claim.includes('plain twin'));
    // The plain twin's accuracies come from the same weights either way; other columns of the
    // table read stats frames, which the protocol coalesces, so only this check must agree exactly.
    expect(plain?.measured).not.toMatch(/not measured/);
    expect(plain).toEqual(direct.outcome.checks.find((c) => c.claim.includes('plain twin')));
  }, 240_000);

  it('reject bad requests with messages naming what was wrong', async () => {
    const local = new LocalLessonEngine(tf);
    await expect(local.dropBlocks()).rejects.toThrow(/nothing has been trained/);
    const design = plainMlp(4, { width: 4, norm: 'none', inputs: 3 });
    await expect(local.train({ runId: 'bad', design, settings: { dataset: { kind: 'circles', size: 40 }, epochs: 1 } })).rejects.toThrow(/does not fit its dataset/);
    await local.train({ runId: 'ok', design: plainMlp(4, { width: 4, norm: 'none' }), settings: { dataset: { kind: 'circles', size: 40 }, epochs: 1 } });
    await expect(local.skipLayers([{ from: 'nope', to: 'dense_2' }])).rejects.toThrow(/nope/);
    await expect(local.dropBlocks([['dense_2']])).rejects.toThrow(/dense_2/);
    local.dispose();
    const { link, session } = sessionLink();
    await expect(new ProtocolLessonEngine(link).train({ runId: 'bad', design, settings: { dataset: { kind: 'circles', size: 40 }, epochs: 1 } })).rejects.toThrow(/engine:/);
    session.dispose();
  });

  it('recovers per-step losses from running means, spreading a skipped span evenly', () => {
    const out: number[] = [];
    const losses = new StepLosses(out);
    losses.add({ epoch: 0, step: 1, stepsPerEpoch: 4, loss: 4 });
    losses.add({ epoch: 0, step: 2, stepsPerEpoch: 4, loss: 3 });
    losses.add({ epoch: 0, step: 4, stepsPerEpoch: 4, loss: 2 });
    losses.add({ epoch: 1, step: 6, stepsPerEpoch: 4, loss: 1 });
    expect(out).toEqual([4, 2, 1, 1, 1, 1]);
  });
});
