export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Extent {
  width: number;
  height: number;
}

export function extent(boxes: readonly Box[]): Extent & { x: number; y: number } {
  if (!boxes.length) return { x: 0, y: 0, width: 0, height: 0 };
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
}

/** The zoom at which an extent fits a viewport, with `margin` screen pixels free on each side. */
export function fitZoom(content: Extent, viewport: Extent, margin = 24): number {
  if (!content.width || !content.height) return 1;
  return Math.min((viewport.width - 2 * margin) / content.width, (viewport.height - 2 * margin) / content.height);
}

/**
 * Cuts a top-down layout into columns placed side by side, so a deep chain fills a wide window:
 * cuts fall only between rows (where no box straddles), as near as possible to equal heights, and
 * the number of columns is the one whose bounding box best matches `aspect` (width / height).
 */
export function wrapColumns(boxes: readonly Box[], aspect: number, gap: number): Box[] {
  if (boxes.length < 4) return [...boxes];
  const all = extent(boxes);
  const sorted = [...boxes].sort((a, b) => a.y - b.y);
  // Free horizontal lines: between the bottom of everything above and the top of the next box.
  const cuts: number[] = [];
  let bottom = -Infinity;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i].y > bottom) cuts.push((bottom + sorted[i].y) / 2);
    bottom = Math.max(bottom, sorted[i].y + sorted[i].height);
  }
  let best: { score: number; boxes: Box[] } = { score: scoreOf(all, aspect), boxes: [...boxes] };
  for (let k = 2; k <= Math.min(24, cuts.length + 1); k++) {
    const chosen: number[] = [];
    for (let i = 1; i < k; i++) {
      const target = all.y + (all.height * i) / k;
      const near = cuts
        .filter((c) => !chosen.includes(c) && c > (chosen[chosen.length - 1] ?? -Infinity))
        .reduce((a, c) => (Math.abs(c - target) < Math.abs(a - target) ? c : a), Infinity);
      if (Number.isFinite(near)) chosen.push(near);
    }
    const bounds = [all.y - 1, ...chosen, Infinity];
    const columns = bounds.slice(0, -1).map((top, i) => sorted.filter((b) => b.y > top && b.y <= bounds[i + 1]));
    const placed: Box[] = [];
    let left = all.x;
    for (const column of columns) {
      if (!column.length) continue;
      const e = extent(column);
      for (const b of column) placed.push({ ...b, x: b.x - all.x + left, y: b.y - e.y + all.y });
      left += all.width + gap;
    }
    const score = scoreOf(extent(placed), aspect);
    if (score > best.score) best = { score, boxes: placed };
  }
  return best.boxes;
}

/** How large the content would be drawn in a viewport of the given aspect: higher is better. */
function scoreOf(e: Extent, aspect: number): number {
  return Math.min(aspect / e.width, 1 / e.height);
}
