import type * as tfNamespace from '@tensorflow/tfjs';
import type { FromEngine } from '../protocol/messages';
import type { EngineLink } from '../protocol/request';
import { EngineSession, type SessionHost } from './session';

export interface InProcessEngine {
  /** The protocol line to the session: what the CLI and lessons speak, as the UI does to a worker. */
  readonly link: EngineLink;
  readonly session: EngineSession;
  /** Resolves when every message sent so far has been handled and the run they started, if any, has ended. */
  settled(): Promise<void>;
  dispose(): void;
}

/**
 * An EngineSession in this process behind an EngineLink, so the CLI and the lessons speak the same
 * protocol as the UI does to its worker, with no second orchestration of the engine's parts.
 */
export function inProcessEngine(tf: typeof tfNamespace, host: Omit<SessionHost, 'post'>): InProcessEngine {
  const listeners = new Set<(message: FromEngine) => void>();
  const session = new EngineSession(tf, { ...host, post: (message) => [...listeners].forEach((l) => l(message)) });
  const handling = new Set<Promise<void>>();
  return {
    session,
    link: {
      send: (message) => {
        const handled = session.handle(message).finally(() => handling.delete(handled));
        handling.add(handled);
      },
      subscribe: (listener) => {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
    },
    settled: async () => {
      while (handling.size > 0) await Promise.all([...handling]);
      await session.idle();
    },
    dispose: () => {
      session.dispose();
      listeners.clear();
    },
  };
}
