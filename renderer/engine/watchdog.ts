/**
 * Noticing an engine worker that is alive but no longer answering while a run is under way: its
 * thread blocked inside WebAssembly (a wasm thread-pool job that trapped and never finished leaves the
 * engine thread waiting on it forever). The liveness lock cannot see this — the worker still exists —
 * and no error event fires. The engine yields to its message loop after every training step and
 * answers `hello` there, so the page pings it and gives up after a long silence.
 */

export interface WatchdogTiming {
  /** How often the page asks while nothing else has been heard. */
  pingEveryMs: number;
  /** Silence after which the engine is declared stuck. */
  silentForMs: number;
}

/**
 * Five minutes. The engine's longest legitimate silence is one synchronous stretch: compiling the
 * design or one training step (it answers between steps). On this 2-core machine under the load of
 * five parallel sessions, the heaviest first step seen — a design filling the 4 GiB wasm heap — ran
 * about 90 s before failing cleanly; a slow laptop may take a few times that. Five minutes stays clear
 * of any real step while still ending a hang before a user gives up on the app.
 */
export const DEFAULT_WATCHDOG_TIMING: WatchdogTiming = { pingEveryMs: 15_000, silentForMs: 300_000 };

export interface WatchdogTimers {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const globalTimers: WatchdogTimers = {
  now: () => performance.now(),
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof globalThis.setInterval>),
};

export class RunWatchdog {
  private handle: unknown = null;
  private lastHeard = 0;
  private lastTick = 0;

  constructor(
    private readonly ping: () => void,
    private readonly onSilent: (silentMs: number) => void,
    private readonly timing: WatchdogTiming = DEFAULT_WATCHDOG_TIMING,
    private readonly timers: WatchdogTimers = globalTimers,
  ) {}

  /** Anything at all arrived from the engine. */
  heard(): void {
    this.lastHeard = this.timers.now();
  }

  /** A run was asked for: watch until `runEnded`. */
  runStarted(): void {
    this.heard();
    this.lastTick = this.lastHeard;
    if (this.handle === null) this.handle = this.timers.setInterval(() => this.tick(), this.timing.pingEveryMs);
  }

  runEnded(): void {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
  }

  get watching(): boolean {
    return this.handle !== null;
  }

  private tick(): void {
    const now = this.timers.now();
    // A gap this long means the page's own timers did not run (the machine slept): the engine's
    // silence was not its fault, so start counting afresh.
    if (now - this.lastTick > this.timing.silentForMs / 2) this.lastHeard = now;
    this.lastTick = now;
    const silent = now - this.lastHeard;
    if (silent >= this.timing.silentForMs) {
      this.runEnded();
      this.onSilent(silent);
      return;
    }
    if (silent >= this.timing.pingEveryMs) this.ping();
  }
}
