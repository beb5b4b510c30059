import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { LayerNode } from './LayerNode';
import { GroupFrame, GroupNode } from './GroupNode';
import { ShapeEdge } from './ShapeEdge';
import { BlockNode } from './BlockNode';

/** Module-level constants: a new object per render would make React Flow re-mount every node. */
export const nodeTypes: NodeTypes = { layer: LayerNode, group: GroupNode, groupFrame: GroupFrame, block: BlockNode };
export const edgeTypes: EdgeTypes = { shape: ShapeEdge };
