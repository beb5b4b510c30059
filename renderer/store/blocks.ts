import { createStore, useStore } from 'zustand';
import type { Design } from '../../src/graph/design';
import { detectBlocks } from '../../src/graph/blocks';
import { deferBlockDetection, primeDesignBlocks } from '../../src/graph/blocksEdit';
import { designWorker } from '../open/designWorkerClient';
import { WORKER_LIMIT } from './validation';

/**
 * Block detection for large designs after an edit, off the page: the edit draws at once with the
 * blocks it cannot have changed (provisionalBlocks), and the exact blocks arrive from the design
 * worker a moment later; `version` then moves so the canvas draws them.
 */
export const blocksStore = createStore<{ version: number }>(() => ({ version: 0 }));

/** After a pause in editing, so a burst of edits (a drag, typing) costs one detection. */
const DELAY_MS = 150;

let wanted: Design | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let running = false;

function request(design: Design): void {
  if (design === wanted) return;
  wanted = design;
  if (timer) clearTimeout(timer);
  if (!running) timer = setTimeout(() => void run(), DELAY_MS);
}

/** Without the worker: on the page, when it is idle. */
function detectWhenIdle(design: Design): Promise<void> {
  return new Promise((resolve) => {
    const go = (): void => {
      primeDesignBlocks(design, detectBlocks(design));
      resolve();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: 2000 });
    else setTimeout(go, 0);
  });
}

async function run(): Promise<void> {
  timer = null;
  const design = wanted;
  if (!design) return;
  running = true;
  try {
    const blocks = await designWorker.blocks(design);
    if (blocks) primeDesignBlocks(design, blocks);
    else await detectWhenIdle(design);
  } finally {
    running = false;
  }
  blocksStore.setState((s) => ({ version: s.version + 1 }));
  if (wanted !== design) timer = setTimeout(() => void run(), DELAY_MS);
}

deferBlockDetection(request, WORKER_LIMIT);

/** Moves when blocks detected later than their design's edit arrive. */
export function useBlocksVersion(): number {
  return useStore(blocksStore, (s) => s.version);
}
