import type { Edge, Node } from '@xyflow/react';
import type { DesignNode, RepeatGroup } from '../../src/graph/design';
import type { ResidualBlock } from '../../src/graph/blocks';
import type { Direction } from '../layout/layered';

export interface LayerNodeData extends Record<string, unknown> {
  node: DesignNode;
  shape: string | null;
  paramCount: number | null;
  problem: { message: string; severity: 'error' | 'warning' } | null;
  inGroup: boolean;
  /** The residual block this node merges (an Add or Concatenate that closes one), offering "Fold". */
  mergesBlock: string | null;
  /** Which way data flows on the canvas: sets the sides of the handles. */
  direction: Direction;
}

export interface BlockNodeData extends Record<string, unknown> {
  block: ResidualBlock;
  /** Layer types inside, in order, for the strip's cells and titles. */
  layers: { id: string; type: string }[];
  outShape: string | null;
  problem: { message: string; severity: 'error' | 'warning' } | null;
  /** Shared by identical blocks (e.g. "A"), with how many there are; null when the block is unique. */
  badge: { letter: string; count: number } | null;
  inGroup: boolean;
  direction: Direction;
}

export interface GroupNodeData extends Record<string, unknown> {
  group: RepeatGroup;
  /** Summary of the member types, e.g. "LayerNorm → Dense → Dense → Add". */
  contents: string;
  inShape: string | null;
  outShape: string | null;
  problem: { message: string; severity: 'error' | 'warning' } | null;
  direction: Direction;
}

export interface ShapeEdgeData extends Record<string, unknown> {
  /** A shortcut: drawn bowed aside so it reads as a skip over the branch. */
  skip: boolean;
  /** A shortcut into a folded block: it enters the block's side, where the merge inside it is. */
  intoBlock?: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type GroupFlowNode = Node<GroupNodeData, 'group'>;
export type GroupFrameFlowNode = Node<GroupNodeData, 'groupFrame'>;
export type BlockFlowNode = Node<BlockNodeData, 'block'>;
export type FlowNode = LayerFlowNode | GroupFlowNode | GroupFrameFlowNode | BlockFlowNode;
export type FlowEdge = Edge<ShapeEdgeData, 'shape'>;
