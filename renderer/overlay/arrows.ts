/** Backward edge widths, in flow units (screen pixels at zoom 1). */
export const EDGE_MIN_WIDTH = 1;
export const EDGE_MAX_WIDTH = 9;

/**
 * Arrowheads of the backward graph, sized in flow units by the width of the edge they end. Sized in
 * stroke widths (SVG's default) a 9-unit edge carried a 45-unit arrowhead, wider than a node's name;
 * a fixed size would vanish into the thickest strokes. Three sizes keep the head a little wider than
 * its stroke, and switching between them is one attribute write when an edge crosses a band.
 */
export const OVERLAY_ARROWS = [
  { id: 'overlay-arrow-back-s', size: 8, upTo: 3 },
  { id: 'overlay-arrow-back-m', size: 11, upTo: 6 },
  { id: 'overlay-arrow-back-l', size: 15, upTo: Infinity },
] as const;

/** The `marker-start` value for an edge drawn `width` units wide. */
export function arrowFor(width: number): string {
  const arrow = OVERLAY_ARROWS.find((a) => width <= a.upTo) ?? OVERLAY_ARROWS[OVERLAY_ARROWS.length - 1];
  return `url(#${arrow.id})`;
}
