import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerEngineConnection, type WorkerFactory } from '../../../renderer/engine/workerConnection';
import type { EngineMessage } from '../../../renderer/engine/connection';
import type { DesignKind } from '../../../src/engine/backends/threadChoice';
import { PROTOCOL_VERSION } from '../../../src/protocol/messages';
import { request, EngineReplyError } from '../../../src/protocol/request';

const WASM = { active: 'wasm', detail: 'SIMD on', skipped: [], forced: false };

/** A worker that answers hello with the backend it was given, and records what it is sent. */
class FakeWorker {
  sent: { type: string; requestId?: string }[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  constructor(
    readonly kind: DesignKind | undefined,
    private readonly backend: typeof WASM,
  ) {}
  postMessage(message: { type: string; requestId?: string }): void {
    this.sent.push(message);
    if (message.type === 'hello') this.say({ type: 'engineState', requestId: message.requestId, backend: this.backend, run: null });
  }
  terminate(): void {
    this.terminated = true;
  }
  say(message: Record<string, unknown>): void {
    this.onmessage?.({ data: { v: PROTOCOL_VERSION, ...message } } as MessageEvent<unknown>);
  }
}

function connect(options: { fixedThreads?: boolean; backend?: typeof WASM } = {}) {
  const workers: FakeWorker[] = [];
  const make = (_lock: string, kind?: DesignKind) => {
    const worker = new FakeWorker(kind, options.backend ?? WASM);
    workers.push(worker);
    return worker as unknown as Worker;
  };
  const factory: WorkerFactory = Object.assign(make, { fixedThreads: options.fixedThreads ?? false });
  const connection = new WorkerEngineConnection(factory);
  const messages: EngineMessage[] = [];
  connection.subscribe((m) => messages.push(m));
  return { connection, workers, messages };
}

const scope = globalThis as { crossOriginIsolated?: boolean };
const DESIGN = { format: 'rescanvas.design', version: 1, metadata: { name: 'x', description: '', tags: [] }, nodes: [], edges: [], groups: [] } as const;

describe('the engine worker follows the design kind (isolated page)', () => {
  beforeEach(() => {
    scope.crossOriginIsolated = true;
  });
  afterEach(() => {
    delete scope.crossOriginIsolated;
  });

  it('restarts a worker started for convolutions when a dense design is trained, and not again for the same kind', () => {
    const { connection, workers } = connect();
    expect(workers.map((w) => w.kind)).toEqual([undefined]);
    expect(connection.suitDesign('dense')).toBe(true);
    expect(workers[0]!.terminated).toBe(true);
    expect(workers.map((w) => w.kind)).toEqual([undefined, 'dense']);
    expect(connection.status.state).toBe('ready');
    expect(connection.suitDesign('dense')).toBe(false);
    expect(connection.suitDesign('conv')).toBe(true);
    expect(workers.map((w) => w.kind)).toEqual([undefined, 'dense', 'conv']);
  });

  it('is no restart for a worker started for convolutions given a convolutional design', () => {
    const { connection, workers } = connect();
    expect(connection.suitDesign('conv')).toBe(false);
    expect(workers).toHaveLength(1);
  });

  it('keeps a worker that holds a trained model when asked to keep it, and switches at the next run', () => {
    const { connection, workers } = connect();
    connection.send({ type: 'loadDesign', design: DESIGN as never });
    expect(connection.suitDesign('dense', { keepModel: true })).toBe(false);
    expect(workers).toHaveLength(1);
    expect(connection.suitDesign('dense')).toBe(true);
    expect(workers).toHaveLength(2);
    // The fresh worker holds nothing yet, so a change of kind before its first run costs nothing.
    expect(connection.suitDesign('conv', { keepModel: true })).toBe(true);
  });

  it('ends requests the replaced worker had not answered, and the messages after go to the new worker', async () => {
    const { connection, workers, messages } = connect();
    const pending = request(connection, { type: 'predictGrid', bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, resolution: 4 } as never);
    connection.suitDesign('dense');
    await expect(pending).rejects.toBeInstanceOf(EngineReplyError);
    await expect(pending).rejects.toThrow(/restarted with one thread for a design without convolutions/);
    // Only the request's own error: nothing the training status would show as a crash.
    expect(messages.filter((m) => m.type === 'error').every((m) => 'requestId' in m && m.requestId)).toBe(true);
    connection.send({ type: 'loadDesign', design: DESIGN as never });
    expect(workers[1]!.sent.map((m) => m.type)).toContain('loadDesign');
    expect(workers[0]!.sent.map((m) => m.type)).not.toContain('loadDesign');
  });

  it('never restarts when the thread count is forced, or the backend is not wasm', () => {
    const forced = connect({ fixedThreads: true });
    expect(forced.connection.suitDesign('dense')).toBe(false);
    expect(forced.workers).toHaveLength(1);
    const gpu = connect({ backend: { ...WASM, active: 'webgl' } });
    expect(gpu.connection.suitDesign('dense')).toBe(false);
    expect(gpu.workers).toHaveLength(1);
  });
});

describe('the engine worker on a page that is not isolated', () => {
  it('is never restarted for the design kind: it has one thread either way', () => {
    const { connection, workers } = connect();
    expect(connection.suitDesign('dense')).toBe(false);
    expect(workers).toHaveLength(1);
  });
});
