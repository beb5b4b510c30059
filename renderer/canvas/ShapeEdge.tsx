import { memo } from 'react';
import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';
import type { FlowEdge } from './flowTypes';
// Training overlay (issue 7): the backward graph drawn over this edge.
import { OverlayEdge } from '../overlay/OverlayEdge';

const SKIP_BOW = 130;

/** A data edge labelled with its tensor shape; shortcuts bow out to the side so they read as skips. */
function ShapeEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, data, markerEnd, selected }: EdgeProps<FlowEdge>) {
  let path: string;
  let labelX: number;
  let labelY: number;
  if (data?.skip) {
    const side = Math.max(sourceX, targetX) + SKIP_BOW;
    path = `M ${sourceX},${sourceY} C ${side},${sourceY + 40} ${side},${targetY - 40} ${targetX},${targetY}`;
    labelX = (sourceX + targetX) / 2 + SKIP_BOW * 0.75;
    labelY = (sourceY + targetY) / 2;
  } else {
    [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  }
  return (
    <>
    <BaseEdge
      id={id}
      path={path}
      markerEnd={markerEnd}
      label={label}
      labelX={labelX}
      labelY={labelY}
      labelShowBg
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={3}
      className={`${data?.skip ? 'edge-skip' : ''}${selected ? ' edge-selected' : ''}`}
    />
    <OverlayEdge edgeId={id} path={path} />
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
