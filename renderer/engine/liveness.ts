/**
 * Noticing an engine worker that ended without a word. A worker that closes itself, or that the
 * browser stops, fires no error event and silently drops what is posted to it, so a run would wait
 * forever. The worker holds a Web Lock for its whole life; the page asks for the same lock and is
 * granted it only once the worker's context is gone, however it went. No polling and no timeout that
 * a long training step could trip.
 */

/** The part of the Web Locks API used here (navigator.locks in pages and workers). */
interface Locks {
  request(name: string, options: { signal?: AbortSignal; ifAvailable?: boolean }, callback: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

const locksOf = (scope: { navigator?: { locks?: unknown } }): Locks | null => (scope.navigator?.locks as Locks | undefined) ?? null;

const LOCK_PREFIX = 'rescanvas-engine-';

/** A fresh lock name for one worker, passed to it as the worker's `name`. */
export function livenessLockName(): string {
  return `${LOCK_PREFIX}${crypto.randomUUID()}`;
}

/**
 * Worker side: takes the lock named by this worker's name and never releases it. Resolves true once
 * held; false where there is nothing to hold (no Web Locks, or a worker not named for it).
 */
export function holdLivenessLock(scope: { name?: string; navigator?: { locks?: unknown } }): Promise<boolean> {
  const locks = locksOf(scope);
  const name = scope.name ?? '';
  if (!locks || !name.startsWith(LOCK_PREFIX)) return Promise.resolve(false);
  return new Promise((resolve) => {
    locks
      .request(name, {}, () => {
        resolve(true);
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(false));
  });
}

/**
 * Page side: calls `onGone` once the worker holding `name` has ended. Call it after the worker has
 * spoken (it takes its lock before anything else): a lock nobody holds is not watched, so a worker
 * without Web Locks is never mistaken for a dead one. Returns a function that stops watching.
 */
export function watchLiveness(name: string, onGone: () => void, scope: { navigator?: { locks?: unknown } } = globalThis): () => void {
  const locks = locksOf(scope);
  const controller = new AbortController();
  if (!locks) return () => undefined;
  void locks
    .query()
    .then((state) => {
      if (controller.signal.aborted || !state.held?.some((lock) => lock.name === name)) return;
      return locks.request(name, { signal: controller.signal }, () => {
        if (!controller.signal.aborted) onGone();
      });
    })
    .catch(() => undefined); // aborted: the connection replaced or dropped this worker itself
  return () => controller.abort();
}
