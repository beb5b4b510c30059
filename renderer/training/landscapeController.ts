import { EngineReplyError, request } from '../../src/protocol/request';
import { appStore } from '../store/store';
import { requireEngine } from './controller';
import { useLandscape } from './landscapeStore';

export interface LandscapeOptions {
  resolution: number;
  span: number;
  samples: number;
  /** Seed of the two random directions. */
  seed: number;
}

export const landscapeBusy = (): boolean => {
  const phase = useLandscape.getState().phase;
  return phase === 'computing' || phase === 'stopping';
};

/**
 * Asks the engine for the loss on a 2-D slice around the weights of the run that just ended. The
 * engine takes the slice around the weights it holds: those of the last run, which is the active one
 * whenever the panel offers this.
 */
export async function computeLandscape(options: LandscapeOptions): Promise<void> {
  const s = appStore.getState();
  const runId = s.activeRunId;
  if (!runId || s.runPhase !== 'idle' || landscapeBusy()) return;
  // A finer slice of the same run keeps the last picture on screen until it replaces it (or is stopped).
  const previous = useLandscape.getState();
  useLandscape.setState({ phase: 'computing', runId, done: 0, result: previous.runId === runId ? previous.result : null, message: null });
  try {
    const { v: _v, type: _type, requestId: _id, ...result } = await request(requireEngine(), { type: 'lossLandscape', ...options });
    useLandscape.setState({ phase: 'done', done: 1, result });
  } catch (error) {
    if (error instanceof EngineReplyError && error.code === 'stopped') {
      const { done, result } = useLandscape.getState();
      const kept = result ? ' The picture is the last complete one.' : '';
      useLandscape.setState({ phase: 'stopped', message: `Stopped at ${Math.round(done * 100)}%; the weights are as training left them.${kept}` });
    } else {
      const text = error instanceof Error ? error.message : String(error);
      useLandscape.setState({ phase: 'failed', message: `The loss landscape could not be computed: ${text}` });
    }
  }
}

/** Ends the computation early; the engine puts every weight back before it answers. */
export function stopLandscape(): void {
  if (useLandscape.getState().phase !== 'computing') return;
  useLandscape.setState({ phase: 'stopping' });
  requireEngine().send({ type: 'stopLandscape' });
}

/** The engine computes one landscape at a time, so its progress needs no request id to be placed. */
export function landscapeProgress(done: number): void {
  if (landscapeBusy()) useLandscape.setState({ done });
}
