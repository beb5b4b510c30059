import { Position, type NodeHandle } from '@xyflow/react';
import type { Direction } from '../layout/layered';

/**
 * Nodes have fixed sizes and handle positions, given to React Flow up front: thousands of nodes then
 * need no DOM measuring pass before edges can be drawn, and re-created node objects keep their geometry.
 */
export const LAYER_SIZE = { width: 200, height: 72 };
export const GROUP_SIZE = { width: 220, height: 88 };
export const BLOCK_SIZE = { width: 240, height: 96 };
const HANDLE = 10;

/** How far a shortcut bows out beside the chain (ShapeEdge); the fit leaves room for it. */
export const SKIP_BOW = 130;

/** Where a folded block's shortcut enters it: the merge inside, reached from beside the block. */
export const SHORTCUT_HANDLE = 'shortcut';

/** Which sides data enters and leaves by, for a direction of flow. */
export function sidesFor(direction: Direction): { input: Position; output: Position; shortcut: Position } {
  return direction === 'right'
    ? { input: Position.Left, output: Position.Right, shortcut: Position.Bottom }
    : { input: Position.Top, output: Position.Bottom, shortcut: Position.Right };
}

function handleAt(size: { width: number; height: number }, position: Position, along = 0.5): { x: number; y: number } {
  switch (position) {
    case Position.Top:
      return { x: size.width * along - HANDLE / 2, y: -HANDLE / 2 };
    case Position.Bottom:
      return { x: size.width * along - HANDLE / 2, y: size.height - HANDLE / 2 };
    case Position.Left:
      return { x: -HANDLE / 2, y: size.height * along - HANDLE / 2 };
    case Position.Right:
      return { x: size.width - HANDLE / 2, y: size.height * along - HANDLE / 2 };
  }
}

/**
 * The handles of a node in the given direction of flow; a folded block also gets a second input on
 * its side (`shortcut`), listed after the main input so edges without a handle id keep using that one.
 */
export function handlesFor(
  size: { width: number; height: number },
  hasInput: boolean,
  hasOutput: boolean,
  direction: Direction = 'down',
  shortcut = false,
): NodeHandle[] {
  const sides = sidesFor(direction);
  const handles: NodeHandle[] = [];
  if (hasInput) handles.push({ id: null, type: 'target', position: sides.input, ...handleAt(size, sides.input), width: HANDLE, height: HANDLE });
  if (shortcut)
    handles.push({ id: SHORTCUT_HANDLE, type: 'target', position: sides.shortcut, ...handleAt(size, sides.shortcut, 0.7), width: HANDLE, height: HANDLE });
  if (hasOutput) handles.push({ id: null, type: 'source', position: sides.output, ...handleAt(size, sides.output), width: HANDLE, height: HANDLE });
  return handles;
}
