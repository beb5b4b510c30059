import type { Design } from '../../src/graph/design';
import { canvasElement, canvasInstance } from '../canvas/canvasApi';
import { LEGIBLE_ZOOM } from '../canvas/faces';

/**
 * Above this many nodes a design does not open fitted to the window: at the zoom that shows all of
 * 50,000 nodes every one of them is on screen, and drawing them all holds the page for minutes.
 * It opens at its start instead, at a zoom where names read, and the canvas draws what is in view.
 */
export const HUGE_DESIGN = 5000;

export const isHuge = (design: Pick<Design, 'nodes'>): boolean => design.nodes.length > HUGE_DESIGN;

/** Puts the design's Input (else its top-left node) near the top-left corner of the canvas. */
export function showStart(design: Design): void {
  const flow = canvasInstance();
  if (!flow || !design.nodes.length) return;
  const start =
    design.nodes.find((n) => n.type === 'Input') ?? design.nodes.reduce((a, n) => (n.position.y + n.position.x < a.position.y + a.position.x ? n : a));
  const rect = canvasElement()?.getBoundingClientRect();
  const zoom = LEGIBLE_ZOOM;
  const margin = rect ? Math.min(120, rect.width / 8) : 80;
  void flow.setViewport({ x: margin - start.position.x * zoom, y: margin - start.position.y * zoom, zoom });
}
