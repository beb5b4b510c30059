import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residualMlp } from '../../src/graph/examples';
import type { FromEngineOf } from '../../src/protocol/messages';
import { request } from '../../src/protocol/request';
import { enginePortHandOver } from '../../electron/preload/enginePort';
import type { IpcRendererLike } from '../../electron/preload/bridge';
import { startDesktopEngine, type DesktopEngine } from '../support/desktopEngine';

let engine: DesktopEngine;
beforeAll(async () => {
  engine = startDesktopEngine('cpu');
  await engine.status((s) => s.state === 'ready');
});
afterAll(() => engine.close());

const design = residualMlp(2, { width: 4 });
const longRun = { dataset: { kind: 'twoMoons' as const, size: 400 }, epochs: 1000, batchSize: 16 };

describe('the engine handshake on the desktop path', () => {
  it('after a page reload, the new page learns the engine is ready and which run it still holds', async () => {
    await request(engine.connection, { type: 'loadDesign', design });
    engine.connection.send({ type: 'start', runId: 'before-reload', settings: longRun });
    await engine.next((m) => m.type === 'progress');
    const page = engine.reload();
    expect(page.status.state).toBe('starting');
    const state = (await engine.next((m) => m.type === 'engineState')) as FromEngineOf<'engineState'>;
    expect(state.run).toEqual({ runId: 'before-reload', state: 'running' });
    expect(state.backend.active).toBe('cpu');
    await engine.status((s) => s.state === 'ready');
    const done = engine.next((m) => m.type === 'done');
    page.send({ type: 'stop', runId: 'before-reload' });
    expect(await done).toMatchObject({ reason: 'stopped' });
    expect((await request(page, { type: 'hello' })).run).toBeNull();
  });

  it('Restart engine replaces the worker with a fresh one and says so', async () => {
    await request(engine.connection, { type: 'loadDesign', design });
    engine.connection.send({ type: 'start', runId: 'r', settings: { dataset: { kind: 'twoMoons', size: 64 }, epochs: 1, batchSize: 32 } });
    await engine.next((m) => m.type === 'done');
    expect((await request(engine.connection, { type: 'evaluate' })).count).toBeGreaterThan(0);
    engine.connection.restart();
    expect(engine.connection.status.state).toBe('starting');
    await engine.status((s) => s.state === 'ready');
    // Fresh memory: the new engine holds no model from before.
    await expect(request(engine.connection, { type: 'evaluate' })).rejects.toMatchObject({ code: 'no-run' });
    expect((await request(engine.connection, { type: 'hello' })).run).toBeNull();
  });
});

describe('the preload hands the engine port over only when the page asks', () => {
  function fakeIpc() {
    const listeners: ((event: unknown, payload: unknown) => void)[] = [];
    const ipc: IpcRendererLike = {
      invoke: async () => undefined,
      on: (_channel, listener) => listeners.push(listener),
      removeListener: () => undefined,
    };
    return { ipc, deliver: (port: string) => listeners.forEach((l) => l({ ports: [port] }, undefined)) };
  }

  it('keeps a port that arrived before the page listened, and gives the newest one', () => {
    const { ipc, deliver } = fakeIpc();
    const handed: string[] = [];
    const handOver = enginePortHandOver<string>(ipc, { handOver: (p) => handed.push(p) });
    deliver('old page');
    deliver('this page');
    expect(handed).toEqual([]);
    handOver.request();
    expect(handed).toEqual(['this page']);
  });

  it('hands over a port that arrives after the page asked', () => {
    const { ipc, deliver } = fakeIpc();
    const handed: string[] = [];
    const handOver = enginePortHandOver<string>(ipc, { handOver: (p) => handed.push(p) });
    handOver.request();
    deliver('late');
    expect(handed).toEqual(['late']);
  });
});
