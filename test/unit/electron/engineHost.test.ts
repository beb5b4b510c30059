import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EngineHost } from '../../../electron/engine/engineHost';
import { nodeEnginePort, workerThreadSpawner } from '../../../electron/engine/nodeAdapters';
import type { EngineHostStatus, EnginePortMessage } from '../../../src/protocol/ipc';

const ToEngine = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ping'), n: z.number() }),
  z.strictObject({ type: z.literal('crash') }),
  z.strictObject({ type: z.literal('throw') }),
  z.strictObject({ type: z.literal('misbehave') }),
]);
const FromEngine = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('ready') }), z.strictObject({ type: z.literal('pong'), n: z.number() })]);
type FromEngine = z.infer<typeof FromEngine>;

const entry = new URL('./fixtures/echoEngine.mjs', import.meta.url);
const hosts: EngineHost<unknown, unknown>[] = [];
const ports: MessagePort[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.stop();
  for (const p of ports.splice(0)) p.close();
});

/** The renderer's end of the port: records what arrives and waits for what a test expects. */
function connect(options: { maxRestarts?: number } = {}) {
  const host = new EngineHost({ spawn: workerThreadSpawner(entry), toEngine: ToEngine, fromEngine: FromEngine, restartDelayMs: () => 10, ...options });
  hosts.push(host as EngineHost<unknown, unknown>);
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  host.attachPort(nodeEnginePort(port1));
  const received: EnginePortMessage<FromEngine>[] = [];
  const waiters: { match: (m: EnginePortMessage<FromEngine>) => boolean; resolve: (m: EnginePortMessage<FromEngine>) => void }[] = [];
  port2.on('message', (m: EnginePortMessage<FromEngine>) => {
    received.push(m);
    for (const w of [...waiters])
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
  });
  const next = (match: (m: EnginePortMessage<FromEngine>) => boolean) =>
    new Promise<EnginePortMessage<FromEngine>>((resolve, reject) => {
      waiters.push({ match, resolve });
      setTimeout(() => reject(new Error(`timed out; received ${JSON.stringify(received)}`)), 10_000);
    });
  const status = (event: EngineHostStatus['event']) => next((m) => m.kind === 'host' && m.status.event === event);
  const engine = (type: string) => next((m) => m.kind === 'engine' && m.message.type === type);
  return { host, send: (m: unknown) => port2.postMessage(m), received, status, engine };
}

describe('EngineHost', () => {
  it('starts the engine and forwards valid messages both ways', async () => {
    const c = connect();
    const ready = c.engine('ready');
    c.host.start();
    await ready;
    const pong = c.engine('pong');
    c.send({ type: 'ping', n: 42 });
    expect(await pong).toEqual({ kind: 'engine', message: { type: 'pong', n: 42 } });
    expect(c.received[0]).toEqual({ kind: 'host', status: { event: 'started' } });
  });

  it('refuses an invalid message from the renderer and tells it why', async () => {
    const c = connect();
    c.host.start();
    await c.engine('ready');
    const rejected = c.status('rejected');
    c.send({ type: 'ping', n: 'x'.repeat(100), extra: true });
    const reply = await rejected;
    expect(reply).toMatchObject({ kind: 'host', status: { direction: 'to-engine', message: expect.stringMatching(/message to the engine refused/) } });
  });

  it('drops an invalid message from the engine and reports it', async () => {
    const c = connect();
    c.host.start();
    await c.engine('ready');
    const rejected = c.status('rejected');
    c.send({ type: 'misbehave' });
    expect(await rejected).toMatchObject({ status: { direction: 'from-engine' } });
    expect(c.received.some((m) => m.kind === 'engine' && m.message.type === 'pong')).toBe(false);
  });

  it.each(['crash', 'throw'])('restarts a crashed engine (%s) and tells the UI', async (how) => {
    const c = connect();
    c.host.start();
    await c.engine('ready');
    const crashed = c.status('crashed');
    const restarted = c.status('restarted');
    c.send({ type: how });
    expect(await crashed).toMatchObject({ status: { event: 'crashed', exitCode: how === 'crash' ? 7 : 1, restarting: true } });
    expect(await restarted).toEqual({ kind: 'host', status: { event: 'restarted', attempt: 1 } });
    await c.engine('ready');
    const pong = c.engine('pong');
    c.send({ type: 'ping', n: 1 });
    expect(await pong).toMatchObject({ message: { n: 1 } });
  });

  it('gives up after too many crashes and says so', async () => {
    const c = connect({ maxRestarts: 1 });
    c.host.start();
    await c.engine('ready');
    c.send({ type: 'crash' });
    await c.status('restarted');
    await c.engine('ready');
    const crashed = c.status('crashed');
    c.send({ type: 'crash' });
    expect(await crashed).toMatchObject({ status: { restarting: false, message: expect.stringMatching(/will not be restarted/) } });
    expect(c.host.running).toBe(false);
    const rejected = c.status('rejected');
    c.send({ type: 'ping', n: 1 });
    expect(await rejected).toMatchObject({ status: { message: expect.stringMatching(/not running/) } });
  });

  it('does not restart an engine it stopped on purpose', async () => {
    const c = connect();
    c.host.start();
    await c.engine('ready');
    const stopped = c.status('stopped');
    c.host.stop();
    await stopped;
    await new Promise((r) => setTimeout(r, 200));
    expect(c.received.some((m) => m.kind === 'host' && (m.status.event === 'crashed' || m.status.event === 'restarted'))).toBe(false);
  });
});
