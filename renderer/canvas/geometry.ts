import { Position, type NodeHandle } from '@xyflow/react';

/**
 * Nodes have fixed sizes and handle positions, given to React Flow up front: thousands of nodes then
 * need no DOM measuring pass before edges can be drawn, and re-created node objects keep their geometry.
 */
export const LAYER_SIZE = { width: 200, height: 72 };
export const GROUP_SIZE = { width: 220, height: 88 };
export const BLOCK_SIZE = { width: 240, height: 96 };
const HANDLE = 10;

export function handlesFor(size: { width: number; height: number }, hasInput: boolean, hasOutput: boolean): NodeHandle[] {
  const handles: NodeHandle[] = [];
  const x = size.width / 2 - HANDLE / 2;
  if (hasInput) handles.push({ id: null, type: 'target', position: Position.Top, x, y: -HANDLE / 2, width: HANDLE, height: HANDLE });
  if (hasOutput) handles.push({ id: null, type: 'source', position: Position.Bottom, x, y: size.height - HANDLE / 2, width: HANDLE, height: HANDLE });
  return handles;
}
