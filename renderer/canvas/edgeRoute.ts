/**
 * Routes a data edge that spans several ranks around the nodes between its ends. React Flow's bezier
 * runs straight across the ranks it spans, so an edge into a side column (the Projection shortcut
 * example: the fork → projection edge) was drawn under the bodies of the layers it passed: hidden.
 * Pure geometry in flow coordinates, so it is tested without a browser.
 */

export interface Point {
  x: number;
  y: number;
}
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Route {
  path: string;
  labelX: number;
  labelY: number;
}

type Cubic = [Point, Point, Point, Point];

/** Room left between a routed edge's run and the nodes beside it. */
const CLEARANCE = 16;
/** Corner radius of a routed edge's bends. */
const RADIUS = 10;
const SAMPLES_PER_SEGMENT = 24;

function cubicAt([p0, p1, p2, p3]: Cubic, t: number): Point {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y };
}

/** Samples along the segments that fall inside any rectangle (shrunk by a pixel, so touching is not covering). */
export function coveredSamples(segments: readonly Cubic[], rects: readonly Rect[]): number {
  let hits = 0;
  for (const seg of segments)
    for (let i = 0; i <= SAMPLES_PER_SEGMENT; i++) {
      const p = cubicAt(seg, i / SAMPLES_PER_SEGMENT);
      if (rects.some((r) => p.x > r.x + 1 && p.x < r.x + r.width - 1 && p.y > r.y + 1 && p.y < r.y + r.height - 1)) hits++;
    }
  return hits;
}

/** React Flow's bezier between a bottom handle and a top handle (curvature 0.25, target below source). */
export function defaultCurve(s: Point, t: Point): Cubic {
  const mid = (t.y - s.y) / 2;
  return [s, { x: s.x, y: s.y + mid }, { x: t.x, y: t.y - mid }, t];
}

/** A polyline of axis-parallel runs with rounded corners, as cubic segments. */
function rounded(points: readonly Point[]): Cubic[] {
  const pts = points.filter((p, i) => i === 0 || p.x !== points[i - 1].x || p.y !== points[i - 1].y);
  const segs: Cubic[] = [];
  let from = pts[0];
  for (let i = 1; i < pts.length; i++) {
    const corner = pts[i];
    const next = pts[i + 1];
    const inLen = Math.hypot(corner.x - from.x, corner.y - from.y);
    const r = next ? Math.min(RADIUS, inLen / 2, Math.hypot(next.x - corner.x, next.y - corner.y) / 2) : 0;
    const toward = (a: Point, b: Point, d: number): Point => {
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      return { x: a.x + ((b.x - a.x) * d) / len, y: a.y + ((b.y - a.y) * d) / len };
    };
    const end = next ? toward(corner, from, r) : corner;
    segs.push([
      from,
      toward(from, end, Math.hypot(end.x - from.x, end.y - from.y) / 3),
      toward(end, from, Math.hypot(end.x - from.x, end.y - from.y) / 3),
      end,
    ]);
    if (next) {
      const after = toward(corner, next, r);
      segs.push([end, corner, corner, after]);
      from = after;
    }
  }
  return segs;
}

interface Candidate {
  segments: Cubic[];
  label: Point;
}

/**
 * Candidate routes for an edge flowing down from `s` (a bottom handle) to `t` (a top handle), in the
 * order they are preferred: along the gap under the source then down the target's column; down the
 * source's column then along the gap above the target; out beside the nodes in between, right or left.
 */
function candidates(s: Point, t: Point, between: readonly Rect[]): Candidate[] {
  const gap = Math.min(CLEARANCE / 2 + 2, (t.y - s.y) / 4);
  const y1 = s.y + gap;
  const y2 = t.y - gap;
  const midY = (s.y + t.y) / 2;
  const out: Candidate[] = [
    // Labels go on the long run, away from the gap the neighbouring edges' labels share.
    { segments: rounded([s, { x: s.x, y: y1 }, { x: t.x, y: y1 }, t]), label: { x: t.x, y: (y1 + t.y) / 2 } },
    { segments: rounded([s, { x: s.x, y: y2 }, { x: t.x, y: y2 }, t]), label: { x: s.x, y: (s.y + y2) / 2 } },
  ];
  const band = between.filter((r) => r.y < y2 && r.y + r.height > y1);
  if (band.length) {
    const right = Math.max(s.x, t.x, ...band.map((r) => r.x + r.width)) + CLEARANCE;
    const left = Math.min(s.x, t.x, ...band.map((r) => r.x)) - CLEARANCE;
    const sides = [right, left].sort((a, b) => Math.abs(a - s.x) + Math.abs(a - t.x) - (Math.abs(b - s.x) + Math.abs(b - t.x)));
    for (const x of sides) out.push({ segments: rounded([s, { x: s.x, y: y1 }, { x, y: y1 }, { x, y: y2 }, { x: t.x, y: y2 }, t]), label: { x, y: midY } });
  }
  return out;
}

const transpose = (p: Point): Point => ({ x: p.y, y: p.x });
const transposeRect = (r: Rect): Rect => ({ x: r.y, y: r.x, width: r.height, height: r.width });

function pathOf(segments: readonly Cubic[], flip: boolean): string {
  const f = (p: Point) => (flip ? transpose(p) : p);
  const fmt = (p: Point) => `${f(p).x},${f(p).y}`;
  return `M ${fmt(segments[0][0])} ${segments.map((s) => `C ${fmt(s[1])} ${fmt(s[2])} ${fmt(s[3])}`).join(' ')}`;
}

/**
 * A route for the edge from `source` to `target` that no node in `obstacles` covers (the edge's own
 * ends left out by the caller), or null when React Flow's own bezier is already clear, or the edge
 * runs backwards. `flow` is the direction data flows: down (bottom → top handles) or right.
 */
export function routeAround(source: Point, target: Point, obstacles: readonly Rect[], flow: 'down' | 'right'): Route | null {
  const flip = flow === 'right';
  const s = flip ? transpose(source) : source;
  const t = flip ? transpose(target) : target;
  if (t.y <= s.y) return null;
  // Only the nodes between the two ends can be crossed (the side routes go past their outer edges).
  const between = obstacles.map((r) => (flip ? transposeRect(r) : r)).filter((r) => r.y < t.y && r.y + r.height > s.y);
  if (coveredSamples([defaultCurve(s, t)], between) === 0) return null;
  let best: { c: Candidate; hits: number } | null = null;
  for (const c of candidates(s, t, between)) {
    const hits = coveredSamples(c.segments, between);
    if (!best || hits < best.hits) best = { c, hits };
    if (hits === 0) break;
  }
  if (!best) return null;
  const label = flip ? transpose(best.c.label) : best.c.label;
  return { path: pathOf(best.c.segments, flip), labelX: label.x, labelY: label.y };
}
