/**
 * The one place a request is matched to its answer: every protocol that sends requests over a
 * message stream (the engine's, the renderer's data worker) subscribes here, lets its own `match`
 * say which message settles the request, and gets the unsubscribe, timeout and cancellation right
 * once. Messages that answer other requests pass by untouched.
 */

/** A stream of incoming messages one can listen to and stop listening to. */
export interface ReplySource<In> {
  subscribe(listener: (message: In) => void): () => void;
}

/** What one incoming message means to a pending request; null: not ours (or only progress, already handled). */
export type Settle<R> = { value: R } | { error: Error } | null;

/** The part of AbortSignal used here (src/ has no DOM or Node types). */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface AwaitReplyOptions {
  /** Rejects with `timeoutError()` when nothing settled the request within this time; no limit when omitted. */
  timeoutMs?: number;
  timeoutError?: () => Error;
  /** Rejects at once with `cancelError()` on abort and calls `onCancel` (to tell the other side to stop). */
  signal?: CancelSignal;
  cancelError?: () => Error;
  onCancel?: () => void;
}

const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
let sequence = 0;

/** Ids unique within this process and unlikely to meet another process's (a page and a CLI may share an engine log). */
export function nextRequestId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence.toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
}

/**
 * Subscribes, then calls `send`; resolves or rejects with the first message `match` settles on.
 * Subscribing first means a reply sent synchronously (an in-process peer) is not missed.
 */
export function awaitReply<In, R>(source: ReplySource<In>, send: () => void, match: (message: In) => Settle<R>, options: AwaitReplyOptions = {}): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let timer: unknown = null;
    let settled = false;
    const onAbort = (): void => {
      finish();
      options.onCancel?.();
      reject(options.cancelError?.() ?? new Error('cancelled'));
    };
    const finish = (): void => {
      settled = true;
      if (timer !== null) timers.clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    };
    const unsubscribe = source.subscribe((message) => {
      if (settled) return;
      const outcome = match(message);
      if (!outcome) return;
      finish();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    });
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort);
    if (options.timeoutMs !== undefined) {
      timer = timers.setTimeout(() => {
        finish();
        reject(options.timeoutError?.() ?? new Error(`no answer within ${Math.round(options.timeoutMs ?? 0)} ms`));
      }, options.timeoutMs);
    }
    send();
  });
}
