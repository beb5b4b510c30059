import { describe, expect, it } from 'vitest';
import { WorkerEngineConnection, stuckMessage } from '../../../renderer/engine/workerConnection';
import type { WatchdogTimers } from '../../../renderer/engine/watchdog';
import type { EngineMessage, EngineStatus } from '../../../renderer/engine/connection';
import { PROTOCOL_VERSION } from '../../../src/protocol/messages';

/** A hand-driven clock: `advance` runs the interval callbacks that fall due. */
function manualTimers() {
  let now = 0;
  const intervals = new Map<number, { callback: () => void; every: number; next: number }>();
  let nextId = 1;
  const timers: WatchdogTimers = {
    now: () => now,
    setInterval(callback, every) {
      const id = nextId++;
      intervals.set(id, { callback, every, next: now + every });
      return id;
    },
    clearInterval(handle) {
      intervals.delete(handle as number);
    },
  };
  const advance = (ms: number, onStep?: () => void): void => {
    const end = now + ms;
    for (;;) {
      const due = [...intervals.values()].filter((i) => i.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      now = due.next;
      due.next += due.every;
      due.callback();
      onStep?.();
    }
    now = end;
  };
  /** Time passes with no timer running (a machine asleep); each interval then fires once. */
  const sleep = (ms: number): void => {
    now += ms;
    for (const interval of intervals.values()) interval.next = now;
  };
  return { timers, advance, sleep };
}

/** A worker that records what it is sent and answers only when the test says so. */
class FakeWorker {
  sent: { type: string; requestId?: string }[] = [];
  terminated = false;
  answersPings = true;
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  postMessage(message: { type: string; requestId?: string }): void {
    this.sent.push(message);
    if (message.type === 'hello' && this.answersPings) this.say({ type: 'engineState', requestId: message.requestId, backend: BACKEND, run: null });
  }
  terminate(): void {
    this.terminated = true;
  }
  say(message: Record<string, unknown>): void {
    this.onmessage?.({ data: { v: PROTOCOL_VERSION, ...message } } as MessageEvent<unknown>);
  }
}

const BACKEND = { active: 'wasm', detail: 'SIMD on, 2 threads', skipped: [], forced: false };
const START = { type: 'start', runId: 'r1', settings: { dataset: { kind: 'spirals' } } } as const;
const TIMING = { pingEveryMs: 15_000, silentForMs: 300_000 };

function connect() {
  const workers: FakeWorker[] = [];
  const clock = manualTimers();
  const connection = new WorkerEngineConnection(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    { timing: TIMING, timers: clock.timers },
  );
  const messages: EngineMessage[] = [];
  const statuses: EngineStatus[] = [];
  connection.subscribe((m) => messages.push(m));
  connection.onStatus((s) => statuses.push(s));
  return { connection, workers, clock, messages, statuses };
}

describe('the engine watchdog', () => {
  it('restarts a worker that stops answering during a run, naming the silence, and the new worker is usable', () => {
    const { connection, workers, clock, messages, statuses } = connect();
    expect(connection.status.state).toBe('ready');
    connection.send(START as never);
    workers[0]!.answersPings = false;
    clock.advance(299_000);
    expect(workers[0]!.terminated).toBe(false);
    expect(workers[0]!.sent.filter((m) => m.requestId === 'engine-watchdog').length).toBeGreaterThan(10);
    clock.advance(2_000);
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    const crash = messages.find((m) => m.type === 'error' && m.code === 'crash');
    expect(crash && 'message' in crash ? crash.message : '').toBe(stuckMessage(300_000));
    expect(stuckMessage(300_000)).toMatch(/stopped responding for 5 minutes during a run/);
    expect(statuses.some((s) => s.state === 'crashed' && s.restarting)).toBe(true);
    expect(connection.status.state).toBe('ready');
  });

  it('leaves a slow run alone while the worker answers between steps, and passes none of its own answers on', () => {
    const { connection, workers, clock, messages } = connect();
    const before = messages.length;
    connection.send(START as never);
    clock.advance(3_600_000);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(false);
    expect(messages.slice(before)).toEqual([]);
  });

  it('stops watching when the run is done, so an idle engine is never pinged', () => {
    const { connection, workers, clock } = connect();
    connection.send(START as never);
    workers[0]!.say({
      type: 'done',
      runId: 'r1',
      reason: 'completed',
      epochs: 1,
      steps: 3,
      loss: 1,
      accuracy: 0.5,
      validationLoss: null,
      validationAccuracy: null,
    });
    workers[0]!.answersPings = false;
    const sentBefore = workers[0]!.sent.length;
    clock.advance(1_000_000);
    expect(workers[0]!.sent.length).toBe(sentBefore);
    expect(workers[0]!.terminated).toBe(false);
  });

  it('counts afresh after a gap in its own timers (the machine slept), instead of blaming the engine', () => {
    const { connection, workers, clock } = connect();
    connection.send(START as never);
    workers[0]!.answersPings = false;
    clock.advance(14_000);
    clock.sleep(1_200_000);
    clock.advance(0);
    expect(workers[0]!.terminated).toBe(false);
    clock.advance(310_000);
    expect(workers[0]!.terminated).toBe(true);
  });
});
