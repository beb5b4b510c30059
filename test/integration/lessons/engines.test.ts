import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../src/engine/backends/wasm';
import { findLesson, inProcessLessonEngine, ProtocolLessonEngine, runLesson } from '../../../src/lessons';
import { plainMlp } from '../../../src/graph/examples';
import { StepLosses } from '../../../src/lessons/engine';
import type { BackendReport } from '../../../src/protocol/messages';
import { startDesktopEngine, type DesktopEngine } from '../../support/desktopEngine';

beforeAll(async () => {
  const status = await useWasmBackend(tf);
  if (!status.active) throw new Error('wasm backend did not start');
});

const WASM: BackendReport = { active: 'wasm', detail: '', skipped: [], forced: true };
let desktop: DesktopEngine | null = null;

/** The protocol path the desktop UI takes: the engine in a worker thread behind the engine host. */
async function workerLink(): Promise<DesktopEngine['connection']> {
  desktop ??= startDesktopEngine('wasm');
  await desktop.status((s) => s.state === 'ready');
  return desktop.connection;
}
afterAll(() => desktop?.close());

describe('lesson engines', () => {
  it('measure the same gradient profile in process and in the worker the desktop app trains in', async () => {
    const lesson = findLesson('gradients-travel-further');
    if (!lesson) throw new Error('lesson 7 missing');
    const local = inProcessLessonEngine(tf, WASM);
    const direct = await runLesson(lesson, local, { variant: 'quick', seed: 4 });
    local.dispose();
    const viaProtocol = await runLesson(lesson, new ProtocolLessonEngine(await workerLink()), { variant: 'quick', seed: 4 });
    expect(viaProtocol.outcome.held).toBe(true);
    expect(viaProtocol.outcome.table).toEqual(direct.outcome.table);
  });

  it('in the worker, measures the plain twin of lesson 10 exactly as the in-process engine does', async () => {
    const lesson = findLesson('dropping-layers');
    if (!lesson) throw new Error('lesson 10 missing');
    const local = inProcessLessonEngine(tf, WASM);
    const direct = await runLesson(lesson, local, { variant: 'quick', seed: 1 });
    local.dispose();
    const viaProtocol = await runLesson(lesson, new ProtocolLessonEngine(await workerLink()), { variant: 'quick', seed: 1 });
    const plain = viaProtocol.outcome.checks.find((c) => c.claim.includes('plain twin'));
    // The plain twin's accuracies come from the same weights either way; other columns of the
    // table read stats frames, which the protocol coalesces, so only this check must agree exactly.
    expect(plain?.measured).not.toMatch(/not measured/);
    expect(plain).toEqual(direct.outcome.checks.find((c) => c.claim.includes('plain twin')));
  }, 240_000);

  it('reject bad requests with messages naming what was wrong', async () => {
    const local = inProcessLessonEngine(tf, WASM);
    await expect(local.dropBlocks()).rejects.toThrow(/nothing has been trained/);
    const design = plainMlp(4, { width: 4, norm: 'none', inputs: 3 });
    await expect(local.train({ runId: 'bad', design, settings: { dataset: { kind: 'circles', size: 40 }, epochs: 1 } })).rejects.toThrow(
      /engine: .*(feature|input)/i,
    );
    await local.train({ runId: 'ok', design: plainMlp(4, { width: 4, norm: 'none' }), settings: { dataset: { kind: 'circles', size: 40 }, epochs: 1 } });
    await expect(local.skipLayers([{ from: 'nope', to: 'dense_2' }])).rejects.toThrow(/nope/);
    await expect(local.dropBlocks([['dense_2']])).rejects.toThrow(/dense_2/);
    local.dispose();
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
