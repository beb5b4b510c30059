import { appStore } from '../store/store';
import { autoLayout } from '../layout/autoLayout';
import { fitCanvas } from '../canvas/canvasApi';

export const DEFAULT_REPEAT = 10;

export async function runAutoLayout(): Promise<void> {
  const state = appStore.getState();
  if (!state.design.nodes.length) return;
  state.say('Laying out…');
  try {
    const positions = await autoLayout(state.design);
    // One undo step for the whole layout.
    appStore.getState().moveNodes(positions);
    appStore.getState().say('Auto layout done');
    requestAnimationFrame(() => fitCanvas());
  } catch (error) {
    appStore.getState().say(`Auto layout failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

export function repeatSelection(count = DEFAULT_REPEAT): void {
  appStore.getState().repeatSelection(count);
}
