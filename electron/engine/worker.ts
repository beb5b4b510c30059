/**
 * The training engine's worker_threads entry: chooses a backend, then speaks only the protocol.
 * workerData: { backend?: BackendName } forces a backend.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { EngineSession } from '../../src/engine/session';
import { selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { BackendName } from '../../src/schema/settings';
import { PROTOCOL_VERSION } from '../../src/protocol/messages';
import { nodeBackendCandidates } from '../../node/nodeBackends';

const port = parentPort;
if (!port) throw new Error('electron/engine/worker.ts runs only as a worker thread');
const options = z.object({ backend: BackendName.optional() }).catch({}).parse(workerData ?? {});

try {
  const backend = await selectBackend([...nodeBackendCandidates(tf), ...portableCandidates(tf)], options.backend);
  const session = new EngineSession(tf, {
    post: (message) => port.postMessage(message),
    backend,
    clock: { now: () => performance.now(), yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) },
  });
  port.on('message', (message: unknown) => void session.handle(message));
  session.announce();
} catch (error) {
  port.postMessage({ v: PROTOCOL_VERSION, type: 'error', code: 'internal', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
  port.close();
}
