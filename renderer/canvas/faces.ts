/**
 * Semantic zoom. Node text is 14 px (the name) at zoom 1: at FULL_FACE_ZOOM and above it reads at
 * 10 px or more, and nodes show everything. Between LEGIBLE_ZOOM and FULL_FACE_ZOOM nodes show their
 * name and statistic in large type (still at least 10 px on screen, nodes at least 28 px tall); below
 * LEGIBLE_ZOOM nodes are compact: filled with the statistic's colour (the layer family's colour with
 * the overlay off), no text, no sparkline, no handles.
 */
export const FULL_FACE_ZOOM = 0.72;
export const LEGIBLE_ZOOM = 0.4;

export type Face = 'full' | 'name' | 'compact';

export function faceFor(zoom: number): Face {
  return zoom >= FULL_FACE_ZOOM ? 'full' : zoom >= LEGIBLE_ZOOM ? 'name' : 'compact';
}
