/**
 * The training engine's entry (an Electron utility process on the desktop, a worker thread
 * elsewhere; parentLink.ts): chooses a backend, then speaks only the protocol.
 * Options { backend?: BackendName } force a backend; { probe: true } only tries the native
 * backends, answers { probe: NativeProbe[] } and ends (electron/engine/placement.ts).
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { EngineSession } from '../../src/engine/session';
import { selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { BackendName } from '../../src/schema/settings';
import { PROTOCOL_VERSION } from '../../src/protocol/messages';
import { nativeBackendCandidates, nodeBackendCandidates } from '../../node/nodeBackends';
import type { NativeProbe } from './placement';
import { parentLink } from './parentLink';

const link = parentLink();
const options = z.object({ backend: BackendName.optional(), probe: z.boolean().optional() }).catch({}).parse(link.options);

async function probeNativeBackends(): Promise<NativeProbe[]> {
  const probes: NativeProbe[] = [];
  for (const candidate of nativeBackendCandidates(tf)) {
    const name = candidate.name === 'tensorflow-gpu' ? 'tensorflow-gpu' : 'tensorflow';
    const outcome = await candidate
      .activate()
      .catch((error: unknown) => ({ ok: false as const, reason: error instanceof Error ? error.message : String(error) }));
    probes.push(outcome.ok ? { name, ok: true } : { name, ok: false, reason: outcome.reason });
    // Both packages register the same 'tensorflow' backend: the first that loads is the answer.
    if (outcome.ok) break;
  }
  return probes;
}

async function startEngine(): Promise<void> {
  try {
    const backend = await selectBackend([...nodeBackendCandidates(tf), ...portableCandidates(tf)], options.backend);
    const session = new EngineSession(tf, {
      post: (message) => link.post(message),
      backend,
      clock: { now: () => performance.now(), yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) },
    });
    link.onMessage((message) => void session.handle(message));
    session.announce();
  } catch (error) {
    link.post({ v: PROTOCOL_VERSION, type: 'error', code: 'internal', message: error instanceof Error ? error.message : String(error) });
    link.end(1);
  }
}

if (options.probe) {
  link.post({ probe: await probeNativeBackends() });
  link.end(0);
} else {
  await startEngine();
}
