import { useEffect } from 'react';
import { useStore as useFlowStore } from '@xyflow/react';
import { createStore, useStore } from 'zustand';
import type { Design } from '../../src/graph/design';
import type { FlowWindow } from '../canvas/toFlow';
import { LEGIBLE_ZOOM } from '../canvas/faces';
import { isHuge } from './largeView';

/**
 * The part of a huge design the canvas projects: what is on screen plus a margin on every side, so
 * small pans draw nothing new; it moves when the screen leaves it or when zooming in leaves it far
 * larger than the screen.
 */
const windowStore = createStore<{ window: FlowWindow | null }>(() => ({ window: null }));

/** Margin on each side, as a share of the screen's width and height. */
const MARGIN = 0.3;
/** A window this many times the area a fresh one would have is redrawn smaller. */
const SHRINK_AT = 3;

function around(visible: FlowWindow): FlowWindow {
  return {
    x: visible.x - visible.width * MARGIN,
    y: visible.y - visible.height * MARGIN,
    width: visible.width * (1 + 2 * MARGIN),
    height: visible.height * (1 + 2 * MARGIN),
  };
}

const contains = (outer: FlowWindow, inner: FlowWindow): boolean =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

/** Whether the window should move for this view. */
export function windowFor(current: FlowWindow | null, visible: FlowWindow): FlowWindow | null {
  if (current && contains(current, visible)) {
    const fresh = around(visible);
    if (current.width * current.height <= fresh.width * fresh.height * SHRINK_AT) return null;
  }
  return around(visible);
}

/** Inside <ReactFlow>: follows the viewport (panning, zooming, fitting, centring on a problem). */
export function ViewWindowTracker({ enabled }: { enabled: boolean }) {
  const [tx, ty, zoom] = useFlowStore((s) => s.transform);
  const width = useFlowStore((s) => s.width);
  const height = useFlowStore((s) => s.height);
  useEffect(() => {
    if (!enabled) {
      if (windowStore.getState().window) windowStore.setState({ window: null });
      return;
    }
    if (!width || !height) return;
    const visible = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
    const next = windowFor(windowStore.getState().window, visible);
    if (next) windowStore.setState({ window: next });
  }, [enabled, tx, ty, zoom, width, height]);
  return null;
}

/** Before the canvas has a size: what showStart puts on a 1400×900 screen, around the design's start. */
function startWindow(design: Design): FlowWindow {
  const start = design.nodes.find((n) => n.type === 'Input') ?? design.nodes[0];
  const p = start?.position ?? { x: 0, y: 0 };
  const margin = 120 / LEGIBLE_ZOOM;
  return around({ x: p.x - margin, y: p.y - margin, width: 1400 / LEGIBLE_ZOOM, height: 900 / LEGIBLE_ZOOM });
}

/** The window the canvas projects, or null (project everything) for designs that are not huge. */
export function useViewWindow(design: Design): FlowWindow | null {
  const window = useStore(windowStore, (s) => s.window);
  if (!isHuge(design)) return null;
  return window ?? startWindow(design);
}
