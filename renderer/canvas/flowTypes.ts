import type { Edge, Node } from '@xyflow/react';
import type { DesignNode, RepeatGroup } from '../../src/graph/design';

export interface LayerNodeData extends Record<string, unknown> {
  node: DesignNode;
  shape: string | null;
  paramCount: number | null;
  problem: { message: string; severity: 'error' | 'warning' } | null;
  inGroup: boolean;
}

export interface GroupNodeData extends Record<string, unknown> {
  group: RepeatGroup;
  /** Summary of the member types, e.g. "LayerNorm → Dense → Dense → Add". */
  contents: string;
  inShape: string | null;
  outShape: string | null;
  problem: { message: string; severity: 'error' | 'warning' } | null;
}

export interface ShapeEdgeData extends Record<string, unknown> {
  /** A shortcut: drawn bowed aside so it reads as a skip over the branch. */
  skip: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type GroupFlowNode = Node<GroupNodeData, 'group'>;
export type GroupFrameFlowNode = Node<GroupNodeData, 'groupFrame'>;
export type FlowNode = LayerFlowNode | GroupFlowNode | GroupFrameFlowNode;
export type FlowEdge = Edge<ShapeEdgeData, 'shape'>;
