/** A line piece in grid coordinates: x along the columns, y along the rows (both 0 … resolution − 1). */
export type Segment = [number, number, number, number];

/**
 * Iso-lines of a square grid at one level (marching squares): in every cell, the points where the
 * level crosses an edge (linearly interpolated), joined in pairs. A cell whose corners alternate
 * (a saddle) is joined around its centre's side. Cells with a missing corner draw nothing.
 */
export function contourSegments(values: readonly (number | null)[], resolution: number, level: number): Segment[] {
  const segments: Segment[] = [];
  const at = (row: number, col: number) => values[row * resolution + col];
  for (let row = 0; row + 1 < resolution; row++) {
    for (let col = 0; col + 1 < resolution; col++) {
      // Corners counter-clockwise from the cell's origin, with their grid coordinates.
      const corners: [number, number, number | null][] = [
        [col, row, at(row, col)],
        [col + 1, row, at(row, col + 1)],
        [col + 1, row + 1, at(row + 1, col + 1)],
        [col, row + 1, at(row + 1, col)],
      ];
      if (corners.some(([, , v]) => v === null || !Number.isFinite(v))) continue;
      const crossings: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const [x0, y0, a] = corners[k] as [number, number, number];
        const [x1, y1, b] = corners[(k + 1) % 4] as [number, number, number];
        if (a < level !== b < level) {
          const t = (level - a) / (b - a);
          crossings.push([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]);
        }
      }
      if (crossings.length === 2) segments.push([...crossings[0], ...crossings[1]]);
      else if (crossings.length === 4) {
        const centre = corners.reduce((sum, [, , v]) => sum + (v as number), 0) / 4 < level;
        const first = (corners[0][2] as number) < level;
        // The centre on corner 0's side joins corners 0 and 2, cutting off 1 and 3; otherwise 0 and 2 are cut off.
        const order = centre === first ? [0, 1, 2, 3] : [1, 2, 3, 0];
        segments.push([...crossings[order[0]], ...crossings[order[1]]], [...crossings[order[2]], ...crossings[order[3]]]);
      }
    }
  }
  return segments;
}
