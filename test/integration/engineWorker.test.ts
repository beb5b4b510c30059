import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, type EngineEvent } from '../../electron/engine/client';
import { residualMlp } from '../../src/graph/examples';
import type { FromEngineOf } from '../../src/protocol/messages';

let client: EngineClient;
const events: EngineEvent[] = [];

beforeAll(async () => {
  client = await EngineClient.start({ backend: 'wasm' });
  client.on((m) => events.push(m));
});
afterAll(() => client.close());

const isType = <T extends EngineEvent['type']>(type: T) => (m: EngineEvent): m is FromEngineOf<T> => m.type === type;
const design = residualMlp(4, { width: 8, norm: 'batch' });
const longRun = (runId: string) => ({ type: 'start' as const, runId, settings: { dataset: { kind: 'twoMoons' as const, size: 400 }, epochs: 1000, batchSize: 16 } });

describe('the engine in a worker thread', () => {
  it('reports its backend and why better ones were not used', () => {
    expect(client.backend?.active).toBe('wasm');
    expect(client.backend?.forced).toBe(true);
  });

  it('answers bad messages with error replies and keeps working', async () => {
    const reply = client.next(isType('error'));
    client.sendRaw({ type: 'launchMissiles' });
    expect((await reply).code).toBe('bad-message');
    const version = client.next(isType('error'));
    client.sendRaw({ v: 99, type: 'pause', runId: 'x' });
    expect((await version).code).toBe('version');
    const noDesign = client.next(isType('error'));
    client.send({ type: 'start', runId: 'early', settings: { dataset: { kind: 'spirals' } } });
    expect((await noDesign).code).toBe('no-design');
    const noRun = client.next(isType('error'));
    client.send({ type: 'stop', runId: 'nothing' });
    expect((await noRun).code).toBe('no-run');
    const loaded = client.next(isType('designLoaded'));
    client.send({ type: 'loadDesign', design });
    expect((await loaded).nodeCount).toBe(design.nodes.length);
  });

  it('streams progress and stats, pauses, resumes and stops within a step', async () => {
    const frame = client.next(isType('statsFrame'));
    client.send(longRun('run-1'));
    expect((await frame).frame.nodes.ids.length).toBe(design.nodes.length);
    const paused = client.next((m) => m.type === 'state' && m.state === 'paused');
    client.send({ type: 'pause', runId: 'run-1' });
    await paused;
    const stepsAtPause = events.filter(isType('progress')).at(-1)?.step ?? 0;
    const pausedGrid = client.next(isType('gridPrediction'));
    client.send({ type: 'predictGrid', requestId: 'paused', bounds: { minX: -2, maxX: 3, minY: -1, maxY: 1.5 }, resolution: 12 });
    expect(await pausedGrid).toMatchObject({ requestId: 'paused', resolution: 12, classes: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(events.filter(isType('progress')).at(-1)?.step ?? 0).toBe(stepsAtPause);
    const resumed = client.next((m) => m.type === 'state' && m.state === 'running');
    client.send({ type: 'resume', runId: 'run-1' });
    await resumed;
    // Asked while steps run: answered between two of them, and the run goes on.
    const runningGrid = client.next(isType('gridPrediction'));
    client.send({ type: 'predictGrid', requestId: 'running', bounds: { minX: -2, maxX: 3, minY: -1, maxY: 1.5 }, resolution: 12 });
    expect((await runningGrid).probabilities.length).toBe(12 * 12 * 2);
    const stepAfterGrid = events.filter(isType('progress')).at(-1)?.step ?? 0;
    await client.next((m) => m.type === 'progress' && m.step > stepAfterGrid);
    const done = client.next(isType('done'));
    client.send({ type: 'stop', runId: 'run-1' });
    const outcome = await done;
    expect(outcome.reason).toBe('stopped');
    const evaluation = client.next(isType('evaluation'));
    client.send({ type: 'evaluate', requestId: 'e1' });
    expect((await evaluation).accuracy).toBeGreaterThanOrEqual(0);
    const weights = client.next(isType('weights'));
    client.send({ type: 'exportWeights' });
    const exported = await weights;
    expect(exported.weightData.byteLength).toBeGreaterThan(0);
    expect(JSON.stringify(exported.modelTopology)).not.toContain('probe');
  });

  it('reports a killed worker as a crash and trains again after restart', async () => {
    const crash = client.next((m) => m.type === 'error' && m.code === 'crash');
    client.send({ type: 'loadDesign', design });
    client.send(longRun('run-2'));
    await client.next(isType('progress'));
    await client.thread?.terminate();
    await crash;
    expect(client.alive).toBe(false);
    await client.restart();
    client.send({ type: 'loadDesign', design });
    const done = client.next(isType('done'));
    client.send({ type: 'start', runId: 'run-3', settings: { dataset: { kind: 'twoMoons', size: 100 }, epochs: 1, batchSize: 32 } });
    expect((await done).reason).toBe('completed');
  });
});
