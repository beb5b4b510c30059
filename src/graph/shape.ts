/** A tensor shape without the batch dimension: [features] or [height, width, channels]. */
export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return `[?, ${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeSize(shape: Shape): number {
  return shape.reduce((n, d) => n * d, 1);
}
