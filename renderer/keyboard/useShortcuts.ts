import { useEffect } from 'react';
import { appStore } from '../store/store';
import { newDocumentAsked, openFileAsked, saveFile } from '../files/fileActions';

const NUDGE = 10;
const NUDGE_FAR = 50;

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    target.closest('[role="menu"],[role="dialog"],[role="alertdialog"]') !== null
  );
}

/** Application shortcuts; keys typed into form fields keep their usual meaning. */
export function handleShortcut(e: KeyboardEvent): void {
  if (typingIn(e.target)) return;
  const state = appStore.getState();
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  let handled = true;
  if (mod && key === 'z' && e.shiftKey) appStore.redo();
  else if (mod && key === 'z') appStore.undo();
  else if (mod && key === 'y') appStore.redo();
  else if (mod && key === 'c') state.copySelection();
  else if (mod && key === 'v') state.paste();
  else if (mod && key === 'd') state.duplicateSelection();
  else if (mod && key === 'a') state.selectAll();
  else if (mod && key === 's') void saveFile(e.shiftKey);
  else if (mod && key === 'o') openFileAsked();
  else if (mod && e.altKey && key === 'n') newDocumentAsked();
  else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) state.deleteSelection();
  else if (e.key === 'Escape') {
    if (state.pendingReconnect) state.resolveReconnect(null);
    else state.clearSelection();
  } else if (!mod && e.key.startsWith('Arrow') && state.selectedIds.size) {
    // React Flow moves a focused node with the arrows itself; elsewhere the selection moves here.
    if (e.target instanceof HTMLElement && e.target.closest('.react-flow__node')) return;
    const step = e.shiftKey ? NUDGE_FAR : NUDGE;
    const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key] ?? [0, 0];
    state.nudgeSelection(dx, dy);
  } else handled = false;
  if (handled) e.preventDefault();
}

export function useShortcuts(): void {
  useEffect(() => {
    window.addEventListener('keydown', handleShortcut);
    return () => window.removeEventListener('keydown', handleShortcut);
  }, []);
}
