import { memo, useEffect, useRef } from 'react';
import { useApp } from '../store/store';
import { statsStore } from './statsStore';
import { logPosition, viridis } from './colour';

/** Edge widths in the backward view, in screen pixels at zoom 1. */
const MIN_WIDTH = 1;
const MAX_WIDTH = 9;

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
    let last = { stroke: '', width: '', norm: null as string | null };
    const unsubscribe = statsStore.subscribeEdge(edgeId, (norm, frame) => {
      const v = norm ?? NaN;
      const t = logPosition(v, frame.edgeLogMin, frame.edgeLogMax);
      const finite = Number.isFinite(v);
      const stroke = finite ? viridis(t) : 'var(--edge)';
      const width = String(finite ? MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * t : MIN_WIDTH);
      // The gradient w.r.t. the Input (no variable precedes it) is never measured: no attribute then.
      const attr = finite ? String(v) : '';
      if (stroke !== last.stroke) el.style.stroke = stroke;
      if (width !== last.width) el.style.strokeWidth = width;
      if (attr !== last.norm) {
        el.classList.toggle('overlay-edge-unmeasured', !finite);
        if (finite) host?.setAttribute('data-grad-norm', attr);
        else host?.removeAttribute('data-grad-norm');
      }
      last = { stroke, width, norm: attr };
    });
    return () => {
      unsubscribe();
      host?.removeAttribute('data-grad-norm');
    };
  }, [backward, edgeId]);

  if (!backward) return null;
  return <path ref={ref} d={path} className="overlay-edge" markerStart="url(#overlay-arrow-back)" fill="none" />;
}

export const OverlayEdge = memo(OverlayEdgeView);
