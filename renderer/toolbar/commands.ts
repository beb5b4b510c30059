import { appStore } from '../store/store';
import { autoLayout, designDirection } from '../layout/autoLayout';
import type { Direction } from '../layout/layered';
import { setDirection } from '../../src/graph/blocksEdit';
import { canvasElement } from '../canvas/canvasApi';
import { fitDrawn } from '../layout/openView';

export const DEFAULT_REPEAT = 10;

export async function runAutoLayout(): Promise<void> {
  const state = appStore.getState();
  if (!state.design.nodes.length) return;
  state.say('Laying out…');
  try {
    // A long chain wraps into columns shaped like the window (one column when that reads best).
    const positions = await autoLayout(state.design, { wrapAspect: viewportAspect() });
    // One undo step for the whole layout.
    appStore.getState().moveNodes(positions);
    appStore.getState().say('Auto layout done');
    requestAnimationFrame(() => fitDrawn(appStore.getState().design));
  } catch (error) {
    appStore.getState().say(`Auto layout failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

export function repeatSelection(count = DEFAULT_REPEAT): void {
  appStore.getState().repeatSelection(count);
}

function viewportAspect(): number {
  const r = canvasElement()?.getBoundingClientRect();
  return r && r.height > 0 ? r.width / r.height : 1.6;
}

/**
 * Folds or unfolds residual blocks and lays the result out again (wrapped to the window), as one
 * undo step: folding leaves gaps where the blocks were, unfolding needs room for their layers.
 */
export async function foldAndLayout(blockIds: readonly string[] | 'all', folded: boolean): Promise<void> {
  const before = appStore.getState().design;
  appStore.beginDrag();
  try {
    appStore.getState().foldBlocks(blockIds, folded);
    const changed = appStore.getState().design;
    if (changed === before) return;
    const positions = await autoLayout(changed, { wrapAspect: viewportAspect(), compact: true });
    // Another edit while ELK ran keeps its result; the fold alone is then the step.
    if (appStore.getState().design === changed) appStore.getState().moveNodes(positions);
  } catch (error) {
    appStore.getState().say(`Layout after folding failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
  } finally {
    appStore.endDrag();
  }
  requestAnimationFrame(() => fitDrawn(appStore.getState().design));
}

/**
 * Switches the direction data flows on the canvas (a view setting saved with the design) and lays the
 * network out again in that direction, wrapped to the window, as one undo step.
 */
export async function setLayoutDirection(direction: Direction): Promise<void> {
  const before = appStore.getState().design;
  const changed = setDirection(before, direction);
  if (changed === before) return;
  appStore.beginDrag();
  try {
    appStore.setState({ design: changed });
    const positions = await autoLayout(changed, { wrapAspect: viewportAspect(), compact: true });
    // An edit made while the layout ran keeps its result; the switch alone is then the step.
    if (appStore.getState().design === changed) appStore.getState().moveNodes(positions);
    appStore.getState().say(direction === 'right' ? 'Laid out left to right' : 'Laid out top-down');
  } catch (error) {
    appStore.getState().say(`Layout after the direction change failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
  } finally {
    appStore.endDrag();
  }
  requestAnimationFrame(() => fitDrawn(appStore.getState().design));
}

export function toggleLayoutDirection(): Promise<void> {
  return setLayoutDirection(designDirection(appStore.getState().design) === 'right' ? 'down' : 'right');
}
