/**
 * Helper threads for the engine's own kernels under tf.js' threaded wasm build. XNNPACK's pool
 * cannot run our code, so each helper is a worker holding its own instance of our kernel module on
 * the same shared memory. A call is cut into contiguous ranges of independent units (output rows,
 * filter taps); the caller runs the first range itself while each helper runs one of the others,
 * and nothing returns until all are done. Handing a range over costs an Atomics.notify, not a
 * message, so even the small calls of a training step gain.
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

/** Sync words, then the arguments (float64: byte offsets past 2 GiB and floats both stay exact). */
const SLOT_BYTES = 256;
const ARGS_OFFSET = 16;
const MAX_ARGS = (SLOT_BYTES - ARGS_OFFSET) / 8;
const REQUEST = 0;
const DONE = 1;
const KERNEL = 2;
const ARG_COUNT = 3;
/** A request number no call uses: the helper's loop ends. */
const STOP = -1;

/**
 * The helper's whole program, as text because it must run in a fresh worker in both Node and
 * browsers with no bundler in between. It waits on its request word, runs the named kernel on the
 * arguments in its slot and publishes the request's number (negated on failure) in its done word.
 */
export const HELPER_SOURCE = `
function helperMain(setup, send) {
  WebAssembly.instantiate(setup.module, { env: { memory: setup.memory } }).then((instance) => {
    const kernels = setup.names.map((name) => instance.exports[name]);
    const sync = new Int32Array(setup.control, setup.slot * ${SLOT_BYTES}, 4);
    const args = new Float64Array(setup.control, setup.slot * ${SLOT_BYTES} + ${ARGS_OFFSET}, ${MAX_ARGS});
    send({ ready: true });
    let seen = 0;
    for (;;) {
      Atomics.wait(sync, ${REQUEST}, seen);
      seen = Atomics.load(sync, ${REQUEST});
      if (seen === ${STOP}) return;
      let done = seen;
      try {
        kernels[sync[${KERNEL}]](...args.subarray(0, sync[${ARG_COUNT}]));
      } catch (error) {
        done = -seen;
      }
      Atomics.store(sync, ${DONE}, done);
      Atomics.notify(sync, ${DONE});
    }
  }, (error) => send({ error: String(error && error.message || error) }));
}
`;

interface SharedBufferConstructor {
  new (bytes: number): ArrayBufferLike;
}

/** What a split kernel is told besides its arguments: which units of the call to run. */
export type RangedKernel = (...args: number[]) => void;

export class KernelThreads {
  private requests = 0;
  private readonly syncs: Int32Array[];
  private readonly args: Float64Array[];
  /** Where the caller may block (workers, Node) it waits; a page's main thread must spin. */
  private canBlock = true;

  private constructor(
    private readonly helpers: HelperThread[],
    control: ArrayBufferLike,
    private readonly names: readonly string[],
  ) {
    this.syncs = helpers.map((_, slot) => new Int32Array(control, slot * SLOT_BYTES, 4));
    this.args = helpers.map((_, slot) => new Float64Array(control, slot * SLOT_BYTES + ARGS_OFFSET, MAX_ARGS));
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
    const control = new SharedBuffer(count * SLOT_BYTES);
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
          helper.post({ module, memory, control, slot, names });
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

  get helperCount(): number {
    return this.helpers.length;
  }

  /**
   * Runs `kernel` (the caller's instance of export `name`) over units [0, units): the last two
   * arguments it is given are the range. Ranges are equal shares; the caller takes the first.
   */
  run(name: string, kernel: RangedKernel, args: readonly number[], units: number): void {
    const parts = Math.min(units, this.helpers.length + 1);
    if (parts <= 1) {
      kernel(...args, 0, units);
      return;
    }
    const index = this.names.indexOf(name);
    if (index < 0) throw new Error(`kernel threads: ${name} is not one of the split kernels`);
    if (args.length + 2 > MAX_ARGS) throw new Error(`kernel threads: ${name} has more than ${MAX_ARGS - 2} arguments`);
    const request = (this.requests = (this.requests % 0x3fffffff) + 1);
    const bound = (part: number) => Math.round((units * part) / parts);
    for (let part = 1; part < parts; part++) {
      const sync = this.syncs[part - 1];
      const slotArgs = this.args[part - 1];
      if (sync === undefined || slotArgs === undefined) throw new Error('kernel threads: missing helper slot');
      slotArgs.set(args);
      slotArgs[args.length] = bound(part);
      slotArgs[args.length + 1] = bound(part + 1);
      sync[KERNEL] = index;
      sync[ARG_COUNT] = args.length + 2;
      Atomics.store(sync, REQUEST, request);
      Atomics.notify(sync, REQUEST);
    }
    let failure: unknown;
    try {
      kernel(...args, 0, bound(1));
    } catch (error) {
      failure = error;
    }
    // Every helper must finish before the memory it writes is handed on, even after our own failure.
    for (let part = 1; part < parts; part++) {
      const sync = this.syncs[part - 1];
      if (sync === undefined) continue;
      const done = this.awaitDone(sync, request);
      if (done !== request && failure === undefined) failure = new Error(`kernel threads: ${name} failed on helper ${part - 1}`);
    }
    if (failure !== undefined) throw failure;
  }

  private awaitDone(sync: Int32Array, request: number): number {
    for (let spin = 0; spin < 2000; spin++) {
      const done = Atomics.load(sync, DONE);
      if (done === request || done === -request) return done;
    }
    for (;;) {
      const done = Atomics.load(sync, DONE);
      if (done === request || done === -request) return done;
      if (this.canBlock) {
        try {
          Atomics.wait(sync, DONE, done, 1000);
        } catch {
          this.canBlock = false;
        }
      }
    }
  }

  stop(): void {
    for (const sync of this.syncs) {
      Atomics.store(sync, REQUEST, STOP);
      Atomics.notify(sync, REQUEST);
    }
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
