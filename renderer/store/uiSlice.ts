import type { StateCreator } from 'zustand';
import type { Fragment } from '../../src/graph/edit/clipboard';
import type { Reconnection } from '../../src/graph/edit/remove';
import { isDesignDirty, isDirty } from './dirty';
import type { AppState } from './types';

export type Theme = 'light' | 'dark';
export interface StatusMessage {
  text: string;
  tone: 'info' | 'error';
  /** Distinguishes repeated identical messages so screen readers announce each. */
  seq: number;
}

export interface UiSlice {
  theme: Theme;
  status: StatusMessage | null;
  clipboard: Fragment | null;
  /** Asked before removing a merge node whose branch could be rewired past it. */
  pendingReconnect: { nodeIds: string[]; edgeIds: string[]; plans: Reconnection[] } | null;
  /** The canvas centres on this node when `seq` changes (Problems panel clicks). */
  focusRequest: { nodeId: string; seq: number } | null;
  examplesOpen: boolean;
  /** The start screen; open at launch until a document is opened or it is dismissed. */
  welcomeOpen: boolean;
  /** An action waiting for the user to agree to discard unsaved changes. */
  discardAction: (() => void) | null;
  /**
   * Runs `action` now, or after the user agrees to discard unsaved changes. 'design' asks about the
   * design only (opening an example keeps the runs list); 'document' also about unsaved runs (New, Open).
   */
  unlessDirty(action: () => void, scope?: 'design' | 'document'): void;
  setTheme(theme: Theme): void;
  say(text: string, tone?: StatusMessage['tone']): void;
  requestFocus(nodeId: string): void;
  setExamplesOpen(open: boolean): void;
  setWelcomeOpen(open: boolean): void;
}

let seq = 0;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  theme: typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  status: null,
  clipboard: null,
  pendingReconnect: null,
  focusRequest: null,
  examplesOpen: false,
  welcomeOpen: true,
  discardAction: null,
  unlessDirty: (action, scope = 'design') => {
    const state = get();
    if (!(scope === 'design' ? isDesignDirty(state) : isDirty(state))) action();
    else set({ discardAction: action });
  },
  setTheme: (theme) => set({ theme }),
  say: (text, tone = 'info') => set({ status: { text, tone, seq: ++seq } }),
  requestFocus: (nodeId) => set({ focusRequest: { nodeId, seq: ++seq } }),
  setExamplesOpen: (examplesOpen) => set({ examplesOpen }),
  setWelcomeOpen: (welcomeOpen) => set({ welcomeOpen }),
});
