/**
 * What happens when the window closes (and so when the app quits: quitting closes the window first).
 * Writing the window state and clearing recovery are asynchronous, and Electron does not wait for a
 * `close` handler's promises: the first close is held back until that bookkeeping has settled, or a
 * short timeout has passed so a stuck disk never keeps the app from quitting, and then the window is
 * closed for real.
 */

export const QUIT_BOOKKEEPING_TIMEOUT_MS = 2000;

export interface CloseSequenceSteps {
  /** True when the document has unsaved changes. */
  isDirty(): boolean;
  /** Asks the user (synchronously, inside the `close` event); true discards the changes. */
  confirmDiscard(): boolean;
  /** The bookkeeping to finish first; `discarded` when the user chose to throw unsaved work away. */
  bookkeeping(discarded: boolean): Promise<unknown>[];
  /** Closes the window again once bookkeeping is done; this time the close goes through. */
  closeWindow(): void;
  /** A bookkeeping step failed or did not finish in time: said, never blocking the quit. */
  report(message: string): void;
  setTimer?(callback: () => void, ms: number): unknown;
  timeoutMs?: number;
}

export type CloseSequenceState = 'open' | 'finishing' | 'closing';

export interface CloseSequence {
  /** The window's `close` handler: true means "prevent this close" (event.preventDefault()). */
  onClose(): boolean;
  readonly state: CloseSequenceState;
  /** Settles when the bookkeeping of the current close has finished or timed out. */
  readonly finished: Promise<void>;
}

export function createCloseSequence(steps: CloseSequenceSteps): CloseSequence {
  let state: CloseSequenceState = 'open';
  let finished: Promise<void> = Promise.resolve();
  const setTimer = steps.setTimer ?? ((callback: () => void, ms: number) => setTimeout(callback, ms));
  const timeoutMs = steps.timeoutMs ?? QUIT_BOOKKEEPING_TIMEOUT_MS;

  const finish = async (discarded: boolean): Promise<void> => {
    let tasks: Promise<unknown>[];
    try {
      tasks = steps.bookkeeping(discarded);
    } catch (error) {
      tasks = [Promise.reject(error)];
    }
    const settled = Promise.allSettled(tasks).then((results) => {
      for (const r of results)
        if (r.status === 'rejected') steps.report(`Could not finish before closing: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
      return 'settled' as const;
    });
    const timedOut = new Promise<'timeout'>((resolve) => setTimer(() => resolve('timeout'), timeoutMs));
    if ((await Promise.race([settled, timedOut])) === 'timeout')
      steps.report(`Closing without waiting longer than ${timeoutMs} ms for the window state and recovery files.`);
    state = 'closing';
    steps.closeWindow();
  };

  return {
    onClose() {
      if (state === 'closing') return false;
      if (state === 'finishing') return true;
      const dirty = steps.isDirty();
      if (dirty && !steps.confirmDiscard()) return true;
      state = 'finishing';
      finished = finish(dirty);
      return true;
    },
    get state() {
      return state;
    },
    get finished() {
      return finished;
    },
  };
}
