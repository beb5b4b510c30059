import { memo } from 'react';
import { BaseEdge, Position, getBezierPath, useStoreApi, type EdgeProps } from '@xyflow/react';
import type { FlowEdge } from './flowTypes';
import { LAYER_SIZE, SKIP_BOW } from './geometry';
import { routeAround, type Rect, type Route } from './edgeRoute';
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

/** Past this many nodes an edge does not look for the nodes it crosses (a scan per long edge); such designs are drawn compact when whole. */
const ROUTED_NODE_LIMIT = 3000;

type NodeLookup = ReturnType<ReturnType<typeof useStoreApi>['getState']>['nodeLookup'];

/**
 * An edge that spans more than one rank (into a side column, say) would cross the layers between
 * its ends: it is routed around those it would be hidden under. Read from the store when the edge
 * renders (its ends moved), not subscribed: a subscription per edge would re-render every edge on any drag.
 */
function longEdgeRoute(
  lookup: NodeLookup,
  ids: { source: string; target: string },
  s: { x: number; y: number },
  t: { x: number; y: number },
  flow: 'down' | 'right',
): Route | null {
  const span = flow === 'down' ? t.y - s.y : t.x - s.x;
  if (span <= (flow === 'down' ? LAYER_SIZE.height : LAYER_SIZE.width) || lookup.size > ROUTED_NODE_LIMIT) return null;
  const obstacles: Rect[] = [];
  for (const [nodeId, n] of lookup) {
    if (nodeId === ids.source || nodeId === ids.target || n.hidden || n.type === 'groupFrame') continue;
    const width = n.measured.width ?? n.width ?? 0;
    const height = n.measured.height ?? n.height ?? 0;
    if (width > 0 && height > 0) obstacles.push({ ...n.internals.positionAbsolute, width, height });
  }
  return routeAround(s, t, obstacles, flow);
}

/** A data edge labelled with its tensor shape; shortcuts bow out to the side so they read as skips. */
function ShapeEdgeView({
  id,
  source,
  target,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  label,
  data,
  markerEnd,
  selected,
}: EdgeProps<FlowEdge>) {
  const store = useStoreApi();
  const flow =
    sourcePosition === Position.Right && targetPosition === Position.Left
      ? 'right'
      : sourcePosition === Position.Bottom && targetPosition === Position.Top
        ? 'down'
        : null;
  const routed =
    !data?.skip && flow ? longEdgeRoute(store.getState().nodeLookup, { source, target }, { x: sourceX, y: sourceY }, { x: targetX, y: targetY }, flow) : null;
  const [path, centreX, centreY] = data?.skip
    ? skipPath(sourceX, sourceY, targetX, targetY, sourcePosition, !!data.intoBlock)
    : routed
      ? [routed.path, routed.labelX, routed.labelY]
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
