/**
 * Helper threads for the engine's own kernels under tf.js' threaded wasm build. XNNPACK's pool
 * cannot run our code, so each helper is a worker holding its own instance of our kernel module on
 * the same shared memory. A call's independent units (output rows, filter taps) are cut into a few
 * chunks per thread; the caller and the helpers it wakes claim chunks from one shared counter
 * until none are left, and the call returns when every chunk is done. Claiming, not assigning,
 * means a helper that wakes late or loses its core to another thread costs only its share of
 * chunks, not the whole call's wait. Waking costs an Atomics.notify, not a message. Besides the
 * call the caller waits for, up to DEFERRED_SLOTS deferred calls may be queued (runDeferred):
 * threads take their chunks, oldest call first, whenever the caller's call has none left to claim,
 * and `fence` finishes them all.
 *
 * Workers are made differently in a browser and in Node, so the host supplies `SpawnHelper`;
 * `browserHelperSpawner` is the one for pages and Web Workers.
 */

/** One helper thread as the host made it: a worker running `source` that can be sent one setup message. */
export interface HelperThread {
  post(message: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
  onError(listener: (reason: string) => void): void;
  terminate(): void;
}

/**
 * Starts a worker whose script is `source` followed by a call of `helperMain(setup, send)` with the
 * first message it receives and a function posting back to the spawner.
 */
export type SpawnHelper = (source: string) => HelperThread;

/**
 * Call slots: the caller's current call (it waits for it), then a ring of deferred calls (it does
 * not, until `fence`). Global words, then each slot's words, then each slot's arguments (float64:
 * byte offsets past 2 GiB and floats both stay exact).
 */
/** The number of the latest call in any slot: helpers wait on it. */
const REQUEST = 0;
/** How long (µs) a thread out of work polls before it sleeps; read at each wait, so it can change between calls. */
const SPIN_US = 1;
/** The ring index of the oldest deferred call not yet fenced: helpers start their search there. */
const OLDEST = 2;
const SLOT_BASE = 4;
const SLOT_WORDS = 8;
/** In a slot: the call's number (15 bits) × 65536 + the next unclaimed chunk; a claim is one compare-and-swap. */
const NEXT = 0;
const COMPLETED = 1;
/** In a slot: the number of a call in which a chunk threw. */
const FAILED = 2;
const KERNEL = 3;
const ARG_COUNT = 4;
const UNITS = 5;
const CHUNKS = 6;
/**
 * Deferred calls queued at once. A ResNet-20 step defers 9 filter gradients and fences once, at the
 * end of its backward pass; a deeper net's queue fills, and the oldest call is then finished first.
 */
export const DEFERRED_SLOTS = 16;
const SLOTS = 1 + DEFERRED_SLOTS;
/** A claim word with no chunk left to claim, whatever the call (chunk 0xffff ≥ any call's chunk count). */
const CLOSED = 0xffff;
const NOW = 0;
const SYNC_WORDS = SLOT_BASE + SLOTS * SLOT_WORDS;
const MAX_ARGS = 24;
const ARGS_OFFSET = SYNC_WORDS * 4;
const CONTROL_BYTES = ARGS_OFFSET + SLOTS * MAX_ARGS * 8;
/** A request number no call uses: the helpers' loops end. */
const STOP = -1;
/**
 * Chunks shrink along the call (chunk k ends at units·(1 − (1 − (k+1)/chunks)²)): the first are
 * twice the mean, the last a small fraction of it, so when the units run out the threads finish
 * within a small chunk of each other without paying for many claims. The filter gradient reads
 * its whole input once per chunk, so the count stays low.
 */
const CHUNKS_PER_THREAD = 6;
/**
 * How long a thread that ran out of work keeps polling before it sleeps (Atomics.wait). Waking a
 * sleeping thread goes through the OS and, on a virtual machine, the hypervisor, and on the 2-vCPU
 * KVM test host that was slow enough to undo much of the split. Between split calls a ResNet-20
 * step leaves gaps of 0.25 ms (median) to 12 ms (longest), so a helper polling 20 ms is awake for
 * every call of a step. Measured there (ResNet-20, interleaved in one process, split kernels' time
 * a step on one thread → two): polling 0 ms 352 → 224 ms, 2 ms → 206, 20 ms → 198 (a step: 401 →
 * 280, 261, 240 ms). The cost is a core kept busy up to this long after the last call, as OpenMP
 * runtimes (KMP_BLOCKTIME, 200 ms) and XNNPACK's pthreadpool (a million polls) also pay.
 */
export const DEFAULT_SPIN_MS = 20;
/** Polls between reads of the clock while spinning. */
const SPINS_PER_CLOCK = 256;
/** src/ has no DOM or Node types: the clock every worker and page has, typed structurally. */
const clock: { now(): number } = (globalThis as { performance?: { now(): number } }).performance ?? Date;

/** Where chunk `chunk` of `chunks` starts; the helper's source repeats this formula. */
export function chunkStart(units: number, chunks: number, chunk: number): number {
  if (chunk >= chunks) return units;
  const left = (chunks - chunk) / chunks;
  return Math.floor(units * (1 - left * left));
}

/**
 * The helper's whole program, as text because it must run in a fresh worker in both Node and
 * browsers with no bundler in between. Woken by a new request number, it claims and runs chunks
 * like the caller does (KernelThreads.claimChunks, which is the reference for this loop).
 */
export const HELPER_SOURCE = `
function start(units, chunks, chunk) {
  if (chunk >= chunks) return units;
  const left = (chunks - chunk) / chunks;
  return Math.floor(units * (1 - left * left));
}
function helperMain(setup, send) {
  WebAssembly.instantiate(setup.module, { env: { memory: setup.memory } }).then((instance) => {
    const kernels = setup.names.map((name) => instance.exports[name]);
    const sync = new Int32Array(setup.control, 0, ${SYNC_WORDS});
    const args = Array.from({ length: ${SLOTS} }, (_, slot) => new Float64Array(setup.control, ${ARGS_OFFSET} + slot * ${MAX_ARGS * 8}, ${MAX_ARGS}));
    // Runs one unclaimed chunk of the slot's call, if it has one.
    const claim = (slot) => {
      const base = ${SLOT_BASE} + slot * ${SLOT_WORDS};
      for (;;) {
        const word = Atomics.load(sync, base + ${NEXT});
        const chunks = Atomics.load(sync, base + ${CHUNKS});
        if ((word & 0xffff) >= chunks) return false;
        const units = Atomics.load(sync, base + ${UNITS});
        const kernel = kernels[Atomics.load(sync, base + ${KERNEL})];
        const callArgs = Array.from(args[slot].subarray(0, Atomics.load(sync, base + ${ARG_COUNT})));
        if (Atomics.compareExchange(sync, base + ${NEXT}, word, word + 1) !== word) continue;
        const chunk = word & 0xffff;
        try {
          kernel(...callArgs, start(units, chunks, chunk), start(units, chunks, chunk + 1));
        } catch (error) {
          Atomics.store(sync, base + ${FAILED}, (word >>> 16) + 1);
        }
        if (Atomics.add(sync, base + ${COMPLETED}, 1) + 1 === chunks) Atomics.notify(sync, base + ${COMPLETED});
        return true;
      }
    };
    // One chunk of the oldest deferred call that has one left.
    const claimDeferred = () => {
      const oldest = Atomics.load(sync, ${OLDEST});
      for (let i = 0; i < ${DEFERRED_SLOTS}; i++) if (claim(1 + ((oldest + i) % ${DEFERRED_SLOTS}))) return true;
      return false;
    };
    send({ ready: true });
    let seen = 0;
    for (;;) {
      const until = performance.now() + Atomics.load(sync, ${SPIN_US}) / 1000;
      for (let spin = 1; Atomics.load(sync, ${REQUEST}) === seen; spin++)
        if (spin % ${SPINS_PER_CLOCK} === 0 && performance.now() > until) break;
      Atomics.wait(sync, ${REQUEST}, seen);
      seen = Atomics.load(sync, ${REQUEST});
      if (seen === ${STOP}) return;
      // The call the caller waits for first; deferred ones fill the time it spends elsewhere.
      while (claim(${NOW}) || claimDeferred());
    }
  }, (error) => send({ error: String((error && error.message) || error) }));
}
`;

interface DeferredCall {
  slot: number;
  name: string;
  kernel: RangedKernel;
  args: readonly number[];
  units: number;
  chunks: number;
  request: number;
  /** The first error of a chunk this thread ran. */
  failure: unknown;
}

interface SharedBufferConstructor {
  new (bytes: number): ArrayBufferLike;
}

/** What a split kernel is told besides its arguments: which units of the call to run. */
export type RangedKernel = (...args: number[]) => void;

export class KernelThreads {
  private requests = 0;
  private readonly sync: Int32Array;
  private readonly args: Float64Array[];
  /** Deferred calls not yet fenced, oldest first: what their chunks need to run on this thread. */
  private readonly deferred: DeferredCall[] = [];
  /** The ring index the next deferred call takes. */
  private nextDeferred = 0;
  private depth = DEFERRED_SLOTS;
  /** Where the caller may block (workers, Node) it waits; a page's main thread must spin. */
  private canBlock = true;

  private constructor(
    private readonly helpers: HelperThread[],
    control: ArrayBufferLike,
    private readonly names: readonly string[],
  ) {
    this.sync = new Int32Array(control, 0, SYNC_WORDS);
    this.spinMs = DEFAULT_SPIN_MS;
    this.args = Array.from({ length: SLOTS }, (_, slot) => new Float64Array(control, ARGS_OFFSET + slot * MAX_ARGS * 8, MAX_ARGS));
  }

  /**
   * Starts `count` helpers on `module` (our compiled kernels) over `memory` (tf.js' shared heap),
   * resolving when each has its instance, or with the reason none can be used.
   */
  static async start(
    spawn: SpawnHelper,
    count: number,
    module: unknown,
    memory: unknown,
    names: readonly string[],
    timeoutMs = 20_000,
  ): Promise<KernelThreads | { reason: string }> {
    const SharedBuffer = (globalThis as { SharedArrayBuffer?: SharedBufferConstructor }).SharedArrayBuffer;
    if (SharedBuffer === undefined) return { reason: 'this runtime has no SharedArrayBuffer' };
    const control = new SharedBuffer(CONTROL_BYTES);
    const helpers: HelperThread[] = [];
    try {
      const ready = Array.from({ length: count }, (_, slot) => {
        const helper = spawn(HELPER_SOURCE);
        helpers.push(helper);
        return new Promise<void>((resolve, reject) => {
          helper.onMessage((data) => {
            const reply = data as { ready?: boolean; error?: string } | null;
            if (reply?.ready === true) resolve();
            else reject(new Error(`helper ${slot}: ${reply?.error ?? 'unexpected reply'}`));
          });
          helper.onError((reason) => reject(new Error(`helper ${slot}: ${reason}`)));
          helper.post({ module, memory, control, names });
        });
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the helpers did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      });
      try {
        await Promise.race([Promise.all(ready), timeout]);
      } finally {
        clearTimeout(timer);
      }
      return new KernelThreads(helpers, control, names);
    } catch (error) {
      for (const helper of helpers) helper.terminate();
      return { reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** How long a thread out of work polls before it sleeps (DEFAULT_SPIN_MS unless set). */
  get spinMs(): number {
    return Atomics.load(this.sync, SPIN_US) / 1000;
  }

  set spinMs(ms: number) {
    Atomics.store(this.sync, SPIN_US, Math.max(0, Math.min(1e6, Math.round(ms * 1000))));
  }

  /** How many deferred calls may be queued at once (1 to DEFERRED_SLOTS; benches compare depths). */
  get queueDepth(): number {
    return this.depth;
  }

  set queueDepth(calls: number) {
    this.depth = Math.max(1, Math.min(DEFERRED_SLOTS, Math.round(calls)));
  }

  get helperCount(): number {
    return this.helpers.length;
  }

  /**
   * Runs `kernel` (the caller's instance of export `name`) over units [0, units): the last two
   * arguments it is given are a range. Returns when every unit is done; throws if any chunk threw.
   */
  run(name: string, kernel: RangedKernel, args: readonly number[], units: number): void {
    const chunks = this.chunksFor(units);
    if (chunks <= 1) {
      kernel(...args, 0, units);
      return;
    }
    const request = this.post(NOW, name, args, units, chunks);
    const { failure } = this.claimChunks(NOW, kernel, args, units, chunks, request);
    // Chunks the helpers claimed may still be running: nothing they write may be handed on before.
    // Meanwhile this thread takes deferred chunks, as an idle helper would.
    this.awaitCompleted(NOW, chunks, true);
    this.check(NOW, name, request, failure);
  }

  /**
   * Queues `kernel` over units [0, units) and returns at once: the helpers run its chunks whenever
   * the caller's own calls leave them idle, and `fence` finishes it. Until then nothing may read
   * what it writes or free what it reads, and it must not read what a queued call writes. When the
   * queue is full the oldest call is finished first. Without helpers it runs here and now.
   */
  runDeferred(name: string, kernel: RangedKernel, args: readonly number[], units: number): void {
    const chunks = this.chunksFor(units);
    if (chunks <= 1) {
      kernel(...args, 0, units);
      return;
    }
    while (this.deferred.length >= this.depth) this.finishOldest();
    const slot = 1 + this.nextDeferred;
    this.nextDeferred = (this.nextDeferred + 1) % DEFERRED_SLOTS;
    const request = this.post(slot, name, args, units, chunks);
    this.deferred.push({ slot, name, kernel, args: [...args], units, chunks, request, failure: undefined });
  }

  /** Returns once every deferred call is done, running their unclaimed chunks here; throws if any chunk threw. */
  fence(): void {
    let failure: unknown;
    // Every call's chunks are claimed before any is awaited, so this thread never waits while work is left.
    for (const call of this.deferred) call.failure ??= this.claimChunks(call.slot, call.kernel, call.args, call.units, call.chunks, call.request).failure;
    while (this.deferred.length > 0)
      try {
        this.finishOldest();
      } catch (error) {
        failure ??= error;
      }
    if (failure !== undefined) throw failure;
  }

  /** How many deferred calls have not been fenced yet. */
  get pending(): number {
    return this.deferred.length;
  }

  private finishOldest(): void {
    const call = this.deferred.shift();
    if (call === undefined) return;
    Atomics.store(this.sync, OLDEST, this.deferred.length > 0 ? this.deferred[0].slot - 1 : this.nextDeferred);
    call.failure ??= this.claimChunks(call.slot, call.kernel, call.args, call.units, call.chunks, call.request).failure;
    this.awaitCompleted(call.slot, call.chunks);
    this.check(call.slot, call.name, call.request, call.failure);
  }

  /** Runs one unclaimed chunk of the oldest deferred call that has one; false when none has. */
  private claimDeferredChunk(): boolean {
    for (const call of this.deferred) {
      const { claimed, failure } = this.claimChunks(call.slot, call.kernel, call.args, call.units, call.chunks, call.request, 1);
      if (claimed === 0) continue;
      call.failure ??= failure;
      return true;
    }
    return false;
  }

  private chunksFor(units: number): number {
    return this.helpers.length === 0 ? 1 : Math.min(units, (this.helpers.length + 1) * CHUNKS_PER_THREAD, 0xffff);
  }

  /** Puts a call in `slot` and wakes the helpers; returns its number. */
  private post(slot: number, name: string, args: readonly number[], units: number, chunks: number): number {
    const index = this.names.indexOf(name);
    if (index < 0) throw new Error(`kernel threads: ${name} is not one of the split kernels`);
    if (args.length + 2 > MAX_ARGS) throw new Error(`kernel threads: ${name} has more than ${MAX_ARGS - 2} arguments`);
    const request = (this.requests = (this.requests % 0x3fffffff) + 1);
    const sync = this.sync;
    const base = SLOT_BASE + slot * SLOT_WORDS;
    // Closed first: a helper that read the previous call's claim word while these fields change
    // then fails its compare-and-swap, so it never runs a chunk with half-written arguments.
    Atomics.store(sync, base + NEXT, CLOSED);
    // Everything a helper reads is in place before the claim word names this call.
    this.args[slot].set(args);
    sync[base + KERNEL] = index;
    sync[base + ARG_COUNT] = args.length;
    sync[base + UNITS] = units;
    sync[base + CHUNKS] = chunks;
    Atomics.store(sync, base + COMPLETED, 0);
    Atomics.store(sync, base + NEXT, (request & 0x7fff) << 16);
    Atomics.store(sync, REQUEST, request);
    Atomics.notify(sync, REQUEST);
    return request;
  }

  private check(slot: number, name: string, request: number, failure: unknown): void {
    if (failure !== undefined) throw failure;
    if (Atomics.load(this.sync, SLOT_BASE + slot * SLOT_WORDS + FAILED) === (request & 0x7fff) + 1)
      throw new Error(`kernel threads: ${name} failed on a helper thread`);
  }

  /**
   * Runs chunks until none are left unclaimed, or `most` of them; a chunk that throws is counted
   * done, and the first error returned.
   */
  private claimChunks(
    slot: number,
    kernel: RangedKernel,
    args: readonly number[],
    units: number,
    chunks: number,
    request: number,
    most = Infinity,
  ): { claimed: number; failure: unknown } {
    const sync = this.sync;
    const base = SLOT_BASE + slot * SLOT_WORDS;
    const tag = request & 0x7fff;
    let failure: unknown;
    let claimed = 0;
    while (claimed < most) {
      const word = Atomics.load(sync, base + NEXT);
      if (word >>> 16 !== tag || (word & 0xffff) >= chunks) break;
      if (Atomics.compareExchange(sync, base + NEXT, word, word + 1) !== word) continue;
      claimed++;
      const chunk = word & 0xffff;
      try {
        kernel(...args, chunkStart(units, chunks, chunk), chunkStart(units, chunks, chunk + 1));
      } catch (error) {
        failure ??= error;
      }
      Atomics.add(sync, base + COMPLETED, 1);
    }
    return { claimed, failure };
  }

  /** Waits until the slot's `chunks` are done; with `helpOut`, running deferred chunks meanwhile. */
  private awaitCompleted(slot: number, chunks: number, helpOut = false): void {
    const sync = this.sync;
    const at = SLOT_BASE + slot * SLOT_WORDS + COMPLETED;
    while (helpOut && Atomics.load(sync, at) < chunks && this.claimDeferredChunk());
    const until = clock.now() + Atomics.load(sync, SPIN_US) / 1000;
    for (let spin = 1; Atomics.load(sync, at) < chunks; spin++) if (spin % SPINS_PER_CLOCK === 0 && clock.now() > until) break;
    for (;;) {
      const completed = Atomics.load(sync, at);
      if (completed >= chunks) return;
      if (!this.canBlock) continue;
      try {
        Atomics.wait(sync, at, completed, 1000);
      } catch {
        this.canBlock = false;
      }
    }
  }

  stop(): void {
    Atomics.store(this.sync, REQUEST, STOP);
    Atomics.notify(this.sync, REQUEST);
    for (const helper of this.helpers) helper.terminate();
  }
}

interface BrowserWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}
interface BrowserWorkerApi {
  Worker?: new (url: string) => BrowserWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}

/** Helpers as Web Workers from a Blob URL, as tf.js starts its own threads (the app's CSP allows blob: workers for them). */
export function browserHelperSpawner(): SpawnHelper | undefined {
  const api = globalThis as BrowserWorkerApi;
  const { Worker, Blob, URL } = api;
  if (Worker === undefined || Blob === undefined || URL === undefined) return undefined;
  return (source) => {
    const url = URL.createObjectURL(
      new Blob([`${source}\nself.onmessage = (event) => { self.onmessage = null; helperMain(event.data, (m) => self.postMessage(m)); };`], {
        type: 'text/javascript',
      }),
    );
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
      onError: (listener) => worker.addEventListener('error', (event) => listener(event.message ?? 'the worker failed to start')),
      terminate: () => worker.terminate(),
    };
  };
}
