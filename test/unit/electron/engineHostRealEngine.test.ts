/**
 * The engine host with the real training engine (electron/engine/worker.ts, run from source in a
 * worker thread as main runs its bundle) and the engine protocol's own schemas.
 */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { EngineHost } from '../../../electron/engine/engineHost';
import { nodeEnginePort, workerThreadSpawner } from '../../../electron/engine/nodeAdapters';
import type { EnginePortMessage } from '../../../src/protocol/ipc';
import { FromEngine, ToEngine } from '../../../src/protocol/messages';
import { residualMlp } from '../../../src/graph/examples';

const workerUrl = new URL('../../../electron/engine/worker.ts', import.meta.url);
// Node 20 does not pass --import to worker threads: register tsx inside the thread first.
const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); });`;

describe('EngineHost with the training engine', () => {
  it('starts the engine, forwards its validated messages and refuses invalid requests', async () => {
    const host = new EngineHost({
      spawn: workerThreadSpawner(bootstrap, { eval: true, workerData: { backend: 'cpu' } }),
      toEngine: ToEngine,
      fromEngine: FromEngine,
    });
    const { port1, port2 } = new MessageChannel();
    const received: EnginePortMessage<FromEngine>[] = [];
    const waitFor = (match: (m: EnginePortMessage<FromEngine>) => boolean) =>
      new Promise<EnginePortMessage<FromEngine>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(received).slice(0, 500)}`)), 90_000);
        port2.on('message', (m: EnginePortMessage<FromEngine>) => {
          if (match(m)) {
            clearTimeout(timer);
            resolve(m);
          }
        });
      });
    port2.on('message', (m: EnginePortMessage<FromEngine>) => received.push(m));
    host.attachPort(nodeEnginePort(port1));
    try {
      const ready = waitFor((m) => m.kind === 'engine' && m.message.type === 'ready');
      host.start();
      expect(await ready).toMatchObject({ kind: 'engine', message: { type: 'ready', backend: { active: 'cpu' } } });

      const rejected = waitFor((m) => m.kind === 'host' && m.status.event === 'rejected');
      port2.postMessage({ type: 'start', runId: 'r', settings: 'train hard' });
      expect(await rejected).toMatchObject({ status: { direction: 'to-engine' } });

      const reply = waitFor((m) => m.kind === 'engine' && m.message.type === 'error');
      port2.postMessage({ v: 1, type: 'stop', runId: 'no-such-run' });
      expect(await reply).toMatchObject({ kind: 'engine', message: { type: 'error' } });

      // The decision boundary crosses the host's checkpoint both ways, as the desktop UI asks for it.
      const done = waitFor((m) => m.kind === 'engine' && m.message.type === 'done');
      port2.postMessage({ v: 1, type: 'loadDesign', design: residualMlp(4, { width: 8 }) });
      port2.postMessage({ v: 1, type: 'start', runId: 'r', settings: { dataset: { kind: 'twoMoons', size: 64 }, epochs: 1, batchSize: 32 } });
      expect(await done).toMatchObject({ message: { reason: 'completed' } });
      const grid = waitFor((m) => m.kind === 'engine' && m.message.type === 'gridPrediction');
      port2.postMessage({ v: 1, type: 'predictGrid', requestId: 'g', bounds: { minX: -1, maxX: 1, minY: -1, maxY: 1 }, resolution: 6 });
      const answer = (await grid) as { message: FromEngine };
      expect(answer.message).toMatchObject({ type: 'gridPrediction', requestId: 'g', resolution: 6, classes: 2 });
      if (answer.message.type === 'gridPrediction') expect(answer.message.probabilities).toBeInstanceOf(Float32Array);
    } finally {
      host.stop();
      port1.close();
      port2.close();
    }
  }, 120_000);
});
