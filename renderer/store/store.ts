import { createStore, useStore } from 'zustand';
import { temporal } from 'zundo';
import type { Design } from '../../src/graph/design';
import { createDesignSlice } from './designSlice';
import { createSelectionSlice } from './selectionSlice';
import { createUiSlice } from './uiSlice';
import { createTrainingSlice } from './trainingSlice';
import { createWeightsSlice } from './weightsSlice';
import type { AppState } from './types';

/** Undo covers the design only: selection, theme and messages are not steps. */
type History = { design: Design };

/** How many undo steps are kept; each holds a design sharing most nodes with its neighbours. */
const HISTORY_LIMIT = 200;

export function createAppStore() {
  const store = createStore<AppState>()(
    temporal(
      (...a) => ({
        ...createDesignSlice(...a),
        ...createSelectionSlice(...a),
        ...createUiSlice(...a),
        ...createTrainingSlice(...a),
        ...createWeightsSlice(...a),
      }),
      {
        partialize: (state): History => ({ design: state.design }),
        equality: (past, current) => past.design === current.design,
        limit: HISTORY_LIMIT,
      },
    ),
  );
  let dragOrigin: Design | null = null;
  const history = () => store.temporal.getState();

  return Object.assign(store, {
    /** Pauses history so a whole drag becomes one undo step (see endDrag). */
    beginDrag(): void {
      if (dragOrigin) return;
      dragOrigin = store.getState().design;
      history().pause();
    },
    endDrag(): void {
      if (!dragOrigin) return;
      const origin = dragOrigin;
      dragOrigin = null;
      const final = store.getState().design;
      if (final === origin) {
        history().resume();
        return;
      }
      // Rewind silently, then record one step from the pre-drag design to the final one.
      store.setState({ design: origin });
      history().resume();
      store.setState({ design: final });
    },
    undo(): void {
      history().undo();
    },
    redo(): void {
      history().redo();
    },
    /** Opening or starting a document starts a fresh history. */
    clearHistory(): void {
      history().clear();
    },
  });
}

export type AppStore = ReturnType<typeof createAppStore>;

export const appStore = createAppStore();

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

export function useHistoryCounts(): { past: number; future: number } {
  const past = useStore(appStore.temporal, (s) => s.pastStates.length);
  const future = useStore(appStore.temporal, (s) => s.futureStates.length);
  return { past, future };
}

export { isDirty, isDesignDirty } from './dirty';
