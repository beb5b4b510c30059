import { z } from 'zod';
import { BackendAttempt } from '../../src/protocol/messages';
import { BackendName } from '../../src/schema/settings';
import type { DesignKind } from '../../src/engine/backends/threadChoice';

/**
 * What the page tells the engine worker before it chooses a backend. It travels in the Worker's
 * `name` (the one value a worker can read before any message arrives), as JSON after this prefix.
 */
const NAME_PREFIX = 'rescanvas-engine ';

export const WorkerOptions = z.strictObject({
  /** Try only this backend and fail loudly if it cannot start (a software GPU is then accepted). */
  backend: BackendName.optional(),
  /** Threads for the threaded wasm build instead of one per core (benchmarks compare counts with it). */
  wasmThreads: z.number().int().min(1).max(64).optional(),
  /** The kind of design this worker will train, which sets its wasm thread count (threadChoice.ts). */
  designKind: z.enum(['conv', 'dense'] satisfies [DesignKind, DesignKind]).optional(),
  /** Backends the host tried before starting this worker (the desktop's tfjs-node), shown first among "not used". */
  skipped: z.array(BackendAttempt).max(4).default([]),
  /** The Web Lock this worker holds for life, so the page notices an end that fires no error event (liveness.ts). */
  lock: z.string().max(200).optional(),
});
export type WorkerOptions = z.infer<typeof WorkerOptions>;
export type WorkerOptionsInput = z.input<typeof WorkerOptions>;

export function workerName(options: WorkerOptionsInput): string {
  return `${NAME_PREFIX}${JSON.stringify(WorkerOptions.parse(options))}`;
}

/** The options in a worker's name; a name this app did not write means the defaults, a malformed one an error. */
export function parseWorkerName(name: string): { ok: true; options: WorkerOptions } | { ok: false; error: string } {
  if (!name.startsWith(NAME_PREFIX)) return { ok: true, options: WorkerOptions.parse({}) };
  let raw: unknown;
  try {
    raw = JSON.parse(name.slice(NAME_PREFIX.length));
  } catch {
    return { ok: false, error: 'the engine worker was started with unreadable options' };
  }
  const parsed = WorkerOptions.safeParse(raw);
  return parsed.success
    ? { ok: true, options: parsed.data }
    : {
        ok: false,
        error: `the engine worker was started with invalid options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`,
      };
}

/**
 * `?backend=webgl` on the page forces the engine's backend and `?threads=2` the wasm thread count
 * (for comparing backends and for the browser tests); without them the worker chooses.
 */
export function optionsFromSearch(search: string): WorkerOptionsInput {
  const params = new URLSearchParams(search);
  const backend = BackendName.safeParse(params.get('backend'));
  const threads = WorkerOptions.shape.wasmThreads.safeParse(Number(params.get('threads') ?? Number.NaN));
  return { ...(backend.success ? { backend: backend.data } : {}), ...(threads.success && threads.data !== undefined ? { wasmThreads: threads.data } : {}) };
}
