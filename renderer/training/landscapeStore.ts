import { create } from 'zustand';
import type { LandscapeResult } from '../../src/protocol/messages';

export type LandscapePhase = 'idle' | 'computing' | 'stopping' | 'done' | 'stopped' | 'failed';

export type LandscapeData = Omit<LandscapeResult, 'v' | 'type' | 'requestId'>;

/**
 * The loss landscape of the last run: kept outside the panel's components so closing and reopening
 * its section keeps the picture, and apart from the run records (it is not saved with the design).
 */
export interface LandscapeState {
  phase: LandscapePhase;
  /** The run whose trained weights the slice is taken around. */
  runId: string | null;
  /** 0…1 while computing. */
  done: number;
  result: LandscapeData | null;
  /** Why the last request ended without a result. */
  message: string | null;
}

export const useLandscape = create<LandscapeState>(() => ({ phase: 'idle', runId: null, done: 0, result: null, message: null }));
