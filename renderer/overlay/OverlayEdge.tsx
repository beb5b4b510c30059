import { memo, useEffect, useRef } from 'react';
import { useApp } from '../store/store';
import { statsStore } from './statsStore';
import { logPosition, viridis } from './colour';
import { arrowFor, EDGE_MAX_WIDTH as MAX_WIDTH, EDGE_MIN_WIDTH as MIN_WIDTH } from './arrows';

/**
 * The backward graph drawn over one edge: the same path with the arrow at the source end (gradient
 * flows target → source), its width and colour set by the gradient norm on a log scale, and
 * `data-grad-norm` on the edge element. Painted from the stats store, never through React state.
 */
function OverlayEdgeView({ edgeId, path }: { edgeId: string; path: string }) {
  const backward = useApp((s) => s.overlayMode === 'backward');
  const ref = useRef<SVGPathElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!backward || !el) return;
    const host = el.closest<SVGGElement>('.react-flow__edge');
    // Only what changed is written: a repeated style or attribute write still costs a restyle.
    let last = { stroke: '', width: '', arrow: arrowFor(MIN_WIDTH), norm: null as string | null };
    const unsubscribe = statsStore.subscribeEdge(edgeId, (norm, frame) => {
      const v = norm ?? NaN;
      const t = logPosition(v, frame.edgeLogMin, frame.edgeLogMax);
      const finite = Number.isFinite(v);
      const stroke = finite ? viridis(t) : 'var(--edge)';
      const units = finite ? MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * t : MIN_WIDTH;
      const width = String(units);
      const arrow = arrowFor(units);
      // The gradient w.r.t. the Input (no variable precedes it) is never measured: no attribute then.
      const attr = finite ? String(v) : '';
      if (stroke !== last.stroke) el.style.stroke = stroke;
      if (width !== last.width) el.style.strokeWidth = width;
      if (arrow !== last.arrow) el.setAttribute('marker-start', arrow);
      if (attr !== last.norm) {
        el.classList.toggle('overlay-edge-unmeasured', !finite);
        if (finite) host?.setAttribute('data-grad-norm', attr);
        else host?.removeAttribute('data-grad-norm');
      }
      last = { stroke, width, arrow, norm: attr };
    });
    return () => {
      unsubscribe();
      host?.removeAttribute('data-grad-norm');
    };
  }, [backward, edgeId]);

  if (!backward) return null;
  return <path ref={ref} d={path} className="overlay-edge" markerStart={arrowFor(MIN_WIDTH)} fill="none" />;
}

export const OverlayEdge = memo(OverlayEdgeView);
