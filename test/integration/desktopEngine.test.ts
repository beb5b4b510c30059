import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineMessage } from '../../renderer/engine/connection';
import { residualMlp } from '../../src/graph/examples';
import type { FromEngineOf } from '../../src/protocol/messages';
import { request } from '../../src/protocol/request';
import { startDesktopEngine, type DesktopEngine, type EngineIsolation } from '../support/desktopEngine';

const isType =
  <T extends EngineMessage['type']>(type: T) =>
  (m: EngineMessage): m is FromEngineOf<T> =>
    m.type === type;
const design = residualMlp(4, { width: 8, norm: 'batch' });
const longRun = (runId: string) => ({
  type: 'start' as const,
  runId,
  settings: { dataset: { kind: 'twoMoons' as const, size: 400 }, epochs: 1000, batchSize: 16 },
});

/**
 * The engine behind the desktop host, spoken to through the page's connection: in a worker thread,
 * and in its own OS process as the desktop runs it (an Electron utility process, emulated in Node).
 */
describe.each<[EngineIsolation, string]>([
  ['thread', 'the engine in a worker thread'],
  ['process', 'the engine in its own process (utility-process entry)'],
])('%s: %s', (isolation) => {
  let engine: DesktopEngine;
  beforeAll(async () => {
    engine = startDesktopEngine('wasm', isolation);
    await engine.status((s) => s.state === 'ready');
  });
  afterAll(() => engine.close());
  const sendRaw = (message: unknown): void => engine.connection.send(message as never);

  it('reports its backend and why better ones were not used', () => {
    const status = engine.connection.status;
    expect(status.state === 'ready' && status.backend.active).toBe('wasm');
    expect(status.state === 'ready' && status.backend.forced).toBe(true);
  });

  it('answers bad messages with error replies and keeps working', async () => {
    const reply = engine.next(isType('error'));
    sendRaw({ type: 'launchMissiles' });
    expect((await reply).code).toBe('bad-message');
    // Main's checkpoint refuses another protocol version before the engine sees it.
    const version = engine.next(isType('error'));
    sendRaw({ v: 99, type: 'pause', runId: 'x' });
    expect((await version).message).toMatch(/\bv\b/);
    const noDesign = engine.next(isType('error'));
    engine.connection.send({ type: 'start', runId: 'early', settings: { dataset: { kind: 'spirals' } } });
    expect((await noDesign).code).toBe('no-design');
    const noRun = engine.next(isType('error'));
    engine.connection.send({ type: 'stop', runId: 'nothing' });
    expect((await noRun).code).toBe('no-run');
    const loaded = await request(engine.connection, { type: 'loadDesign', design });
    expect(loaded.nodeCount).toBe(design.nodes.length);
  });

  it('streams progress and stats, pauses, resumes and stops within a step', async () => {
    const frame = engine.next(isType('statsFrame'));
    engine.connection.send(longRun('run-1'));
    expect((await frame).frame.nodes.ids.length).toBe(design.nodes.length);
    const paused = engine.next((m) => m.type === 'state' && m.state === 'paused');
    engine.connection.send({ type: 'pause', runId: 'run-1' });
    await paused;
    const stepsAtPause = engine.events.filter(isType('progress')).at(-1)?.step ?? 0;
    const bounds = { minX: -2, maxX: 3, minY: -1, maxY: 1.5 };
    expect(await request(engine.connection, { type: 'predictGrid', bounds, resolution: 12 })).toMatchObject({ resolution: 12, classes: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(engine.events.filter(isType('progress')).at(-1)?.step ?? 0).toBe(stepsAtPause);
    const resumed = engine.next((m) => m.type === 'state' && m.state === 'running');
    engine.connection.send({ type: 'resume', runId: 'run-1' });
    await resumed;
    // Asked while steps run: answered between two of them, and the run goes on.
    expect((await request(engine.connection, { type: 'predictGrid', bounds, resolution: 12 })).probabilities.length).toBe(12 * 12 * 2);
    const stepAfterGrid = engine.events.filter(isType('progress')).at(-1)?.step ?? 0;
    await engine.next((m) => m.type === 'progress' && m.step > stepAfterGrid);
    const done = engine.next(isType('done'));
    engine.connection.send({ type: 'stop', runId: 'run-1' });
    const outcome = await done;
    expect(outcome.reason).toBe('stopped');
    expect((await request(engine.connection, { type: 'evaluate' })).accuracy).toBeGreaterThanOrEqual(0);
    const exported = await request(engine.connection, { type: 'exportWeights' });
    expect(exported.weightData.byteLength).toBeGreaterThan(0);
    expect(JSON.stringify(exported.modelTopology)).not.toContain('probe');
  });

  it('reports a killed engine as a crash and trains again after restart', async () => {
    const crash = engine.next((m) => m.type === 'error' && m.code === 'crash');
    await request(engine.connection, { type: 'loadDesign', design });
    engine.connection.send(longRun('run-2'));
    await engine.next(isType('progress'));
    // A request in flight when the engine dies ends with it instead of waiting for ever.
    const grid = request(engine.connection, { type: 'predictGrid', bounds: { minX: -1, maxX: 1, minY: -1, maxY: 1 }, resolution: 128 });
    await engine.kill();
    await crash;
    await expect(grid).rejects.toMatchObject({ code: 'crash' });
    expect(engine.connection.status.state).not.toBe('ready');
    await engine.status((s) => s.state === 'ready');
    await request(engine.connection, { type: 'loadDesign', design });
    const done = engine.next(isType('done'));
    engine.connection.send({ type: 'start', runId: 'run-3', settings: { dataset: { kind: 'twoMoons', size: 100 }, epochs: 1, batchSize: 32 } });
    expect((await done).reason).toBe('completed');
  });
});
