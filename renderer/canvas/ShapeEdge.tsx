import { memo } from 'react';
import { BaseEdge, Position, getBezierPath, type EdgeProps } from '@xyflow/react';
import type { FlowEdge } from './flowTypes';
import { SKIP_BOW } from './geometry';
// Training overlay (issue 7): the backward graph drawn over this edge.
import { OverlayEdge } from '../overlay/OverlayEdge';

/** A straight edge between stacked nodes shorter than this has no room for its label on it. */
const SHORT_EDGE = 40;

/**
 * The path of a shortcut: it leaves the fork and bows out beside the chain (to the right when data
 * flows down, below when it flows right), then comes back into the merge's input, or, into a folded
 * block, straight into the block's side where the merge is.
 */
function skipPath(sx: number, sy: number, tx: number, ty: number, sourcePosition: Position, intoBlock: boolean): [string, number, number] {
  if (sourcePosition === Position.Right) {
    const side = Math.max(sy, ty) + (intoBlock ? SKIP_BOW / 2 : SKIP_BOW);
    const end = intoBlock ? `${tx},${side} ${tx},${ty}` : `${tx - 40},${side} ${tx},${ty}`;
    return [`M ${sx},${sy} C ${sx + 40},${side} ${end}`, (sx + tx) / 2, side - SKIP_BOW * 0.25];
  }
  const side = Math.max(sx, tx) + (intoBlock ? SKIP_BOW / 2 : SKIP_BOW);
  const end = intoBlock ? `${side},${ty} ${tx},${ty}` : `${side},${ty - 40} ${tx},${ty}`;
  return [`M ${sx},${sy} C ${side},${sy + 40} ${end}`, side - SKIP_BOW * 0.25, (sy + ty) / 2];
}

/** A data edge labelled with its tensor shape; shortcuts bow out to the side so they read as skips. */
function ShapeEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, data, markerEnd, selected }: EdgeProps<FlowEdge>) {
  const [path, centreX, centreY] = data?.skip
    ? skipPath(sourceX, sourceY, targetX, targetY, sourcePosition, !!data.intoBlock)
    : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  // Centred on a short edge between stacked nodes the label covered both handles: it goes beside the edge.
  const vertical = sourcePosition === Position.Bottom && Math.abs(targetX - sourceX) < 4 && Math.abs(targetY - sourceY) < SHORT_EDGE;
  const horizontal = sourcePosition === Position.Right && Math.abs(targetY - sourceY) < 4 && Math.abs(targetX - sourceX) < SHORT_EDGE;
  const beside = !data?.skip && (vertical || horizontal);
  const labelX = beside && vertical ? centreX + 10 : centreX;
  const labelY = beside && horizontal ? centreY - 12 : centreY;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`${data?.skip ? 'edge-skip' : ''}${selected ? ' edge-selected' : ''}`} />
      {/* The shape label is plain SVG text on a halo of the canvas colour: React Flow's own label measures
        itself with getBBox on mount, which cost seconds when thousands of edges appeared at once. */}
      {label && (
        <text
          x={labelX}
          y={labelY}
          className="react-flow__edge-text edge-shape-label"
          textAnchor={beside && vertical ? 'start' : 'middle'}
          dominantBaseline="central"
        >
          {label}
        </text>
      )}
      <OverlayEdge edgeId={id} path={path} />
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
