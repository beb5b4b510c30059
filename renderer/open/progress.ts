import { createStore, useStore } from 'zustand';
import { OPEN_STAGES, type OpenStage } from './messages';

export interface OpeningState {
  name: string;
  stage: OpenStage;
  /** Items received so far while the design crosses from the worker, of `total`. */
  done?: number;
  total?: number;
}

/** The file being opened, while it is: drives the progress bar over the canvas. */
export const openingStore = createStore<{ opening: OpeningState | null }>()(() => ({ opening: null }));

export function setOpening(opening: OpeningState | null): void {
  openingStore.setState({ opening });
}

export function useOpening(): OpeningState | null {
  return useStore(openingStore, (s) => s.opening);
}

/** 1-based position of a stage, for aria-valuenow. */
export const stageNumber = (stage: OpenStage): number => OPEN_STAGES.indexOf(stage) + 1;

/** Resolves once the browser has painted a frame. */
export function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
