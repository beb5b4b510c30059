import type { Point } from '../../src/graph/edit';

/** Which way the data flows on the canvas: top to bottom, or left to right. */
export type Direction = 'down' | 'right';

export interface LayeredBox {
  id: string;
  width: number;
  height: number;
}

export interface LayeredOptions {
  direction?: Direction;
  /** Cut the layered chain into columns (down) or rows (right) so the whole fills a viewport of this shape (width / height). */
  wrapAspect?: number;
  /** Space between consecutive layers along the flow. */
  between?: number;
  /** Space between boxes side by side in one layer. */
  beside?: number;
  /** Space between the columns (or rows) of a wrapped chain. */
  wrapGap?: number;
}

/**
 * A layered layout in time linear in the size of the graph, for networks far too large for ELK (a
 * 2,004-node chain did not finish in ELK within two minutes). Layers are longest-path distances from
 * the inputs; the longest path through the network (the residual branches) runs straight down one
 * lane, and everything else (projection shortcuts, parallel branches) sits in lanes beside it, so
 * identity shortcuts are edges that skip layers beside the chain. With `wrapAspect` the chain is cut
 * between layers, preferring cuts that as few edges cross (between residual blocks, not inside one),
 * into as many columns as make the whole best fill the viewport.
 *
 * Boxes are placed with their centres on their lane's centre line, so straight edges stay straight
 * between boxes of different sizes. The graph should be acyclic; boxes on a cycle are placed after
 * their other inputs, in the order given.
 */
export function layeredLayout(
  boxes: readonly LayeredBox[],
  edges: readonly { source: string; target: string }[],
  options: LayeredOptions = {},
): Map<string, Point> {
  const n = boxes.length;
  const out = new Map<string, Point>();
  if (!n) return out;
  const down = (options.direction ?? 'down') === 'down';
  const between = options.between ?? 24;
  const beside = options.beside ?? 60;
  const wrapGap = options.wrapGap ?? 60;
  const index = new Map<string, number>();
  boxes.forEach((b, i) => index.set(b.id, i));

  // Compressed adjacency (successors and predecessors), edges in the order given.
  const src: number[] = [];
  const dst: number[] = [];
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    src.push(s);
    dst.push(t);
  }
  const m = src.length;
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) {
    outStart[src[k] + 1]++;
    inStart[dst[k] + 1]++;
  }
  for (let i = 0; i < n; i++) {
    outStart[i + 1] += outStart[i];
    inStart[i + 1] += inStart[i];
  }
  const succ = new Int32Array(m);
  const pred = new Int32Array(m);
  {
    const o = outStart.slice(0, n);
    const p = inStart.slice(0, n);
    for (let k = 0; k < m; k++) {
      succ[o[src[k]]++] = dst[k];
      pred[p[dst[k]]++] = src[k];
    }
  }

  // Topological order (Kahn), inputs in the order given; what a cycle leaves over goes last.
  const order = new Int32Array(n);
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) indeg[i] = inStart[i + 1] - inStart[i];
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (!indeg[i]) order[tail++] = i;
  const placed = new Uint8Array(n);
  while (tail < n) {
    while (head < tail) {
      const v = order[head++];
      placed[v] = 1;
      for (let k = outStart[v]; k < outStart[v + 1]; k++) if (--indeg[succ[k]] === 0) order[tail++] = succ[k];
    }
    if (tail < n) {
      // A cycle: release the first box not yet placed.
      let v = 0;
      while (placed[v] || indeg[v] === 0) v++;
      indeg[v] = 0;
      order[tail++] = v;
    }
  }
  const rank = new Int32Array(n);
  order.forEach((v, i) => (rank[v] = i));
  const forward = (from: number, to: number): boolean => rank[from] < rank[to];

  // Layers: longest path from the inputs; an input is moved down to just above its first consumer.
  const layer = new Int32Array(n);
  for (const v of order) {
    for (let k = inStart[v]; k < inStart[v + 1]; k++) if (forward(pred[k], v)) layer[v] = Math.max(layer[v], layer[pred[k]] + 1);
  }
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    if (inStart[v + 1] > inStart[v] || outStart[v + 1] === outStart[v]) continue;
    let first = Infinity;
    for (let k = outStart[v]; k < outStart[v + 1]; k++) if (forward(v, succ[k])) first = Math.min(first, layer[succ[k]]);
    if (Number.isFinite(first)) layer[v] = first - 1;
  }
  // Longest path from each box to an output, to find the spine (the longest path through the net).
  const below = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    for (let k = outStart[v]; k < outStart[v + 1]; k++) {
      const w = succ[k];
      if (forward(v, w) && layer[w] === layer[v] + 1) below[v] = Math.max(below[v], below[w] + 1);
    }
  }

  // Lanes: the spine (which passes through every layer) in lane 0, each other box in the first free
  // lane at or right of its inputs' mean.
  const lane = new Int32Array(n).fill(-1);
  let layers = 0;
  for (let v = 0; v < n; v++) layers = Math.max(layers, layer[v] + 1);
  // Side lanes taken per layer (created only for layers that have boxes beside the spine).
  const used = new Map<number, Set<number>>();
  // Start the spine at the input with the longest path below it; follow successors one layer down.
  let cur = -1;
  for (const v of order) if (layer[v] === 0 && (cur < 0 || below[v] > below[cur])) cur = v;
  while (cur >= 0) {
    lane[cur] = 0;
    let next = -1;
    for (let k = outStart[cur]; k < outStart[cur + 1] && next < 0; k++) {
      const w = succ[k];
      if (layer[w] === layer[cur] + 1 && below[w] === below[cur] - 1 && lane[w] < 0) next = w;
    }
    cur = next;
  }
  let lanes = 1;
  for (const v of order) {
    if (lane[v] >= 0) continue;
    let sum = 0;
    let count = 0;
    for (let k = inStart[v]; k < inStart[v + 1]; k++) {
      if (lane[pred[k]] >= 0) {
        sum += lane[pred[k]];
        count++;
      }
    }
    let want = count ? Math.max(1, Math.round(sum / count)) : 1;
    let taken = used.get(layer[v]);
    if (!taken) used.set(layer[v], (taken = new Set()));
    while (taken.has(want)) want++;
    lane[v] = want;
    taken.add(want);
    lanes = Math.max(lanes, want + 1);
  }

  // Sizes along the flow (per layer) and across it (one lane width for all, the widest box).
  const along = (b: LayeredBox): number => (down ? b.height : b.width);
  const across = (b: LayeredBox): number => (down ? b.width : b.height);
  const thickness = new Float64Array(layers);
  let laneWidth = 0;
  for (let v = 0; v < n; v++) {
    thickness[layer[v]] = Math.max(thickness[layer[v]], along(boxes[v]));
    laneWidth = Math.max(laneWidth, across(boxes[v]));
  }
  const pitch = laneWidth + beside;
  const start = new Float64Array(layers + 1);
  for (let l = 0; l < layers; l++) start[l + 1] = start[l] + thickness[l] + between;
  const total = start[layers] - between;

  // Wrapping: the lane band's width is fixed, so the number of columns follows from the aspect alone.
  const band = lanes * pitch - beside;
  const breaks = chooseBreaks(options.wrapAspect, down, band, wrapGap, total, start, layers, layer, src, dst);

  const columnOf = new Int32Array(layers);
  for (let c = 0, l = 0; l < layers; l++) {
    while (c < breaks.length && l >= breaks[c]) c++;
    columnOf[l] = c;
  }
  const columnStart = [0, ...breaks];
  for (let v = 0; v < n; v++) {
    const l = layer[v];
    const b = boxes[v];
    const c = columnOf[l];
    const a = start[l] - start[columnStart[c]] + (thickness[l] - along(b)) / 2;
    const x = c * (band + wrapGap) + lane[v] * pitch + (laneWidth - across(b)) / 2;
    out.set(b.id, down ? { x: Math.round(x), y: Math.round(a) } : { x: Math.round(a), y: Math.round(x) });
  }
  return out;
}

/**
 * The layers at which new columns start. The count is the one whose bounding box is drawn largest in
 * a viewport of `aspect`; each cut goes, within a window around its ideal place, where the fewest
 * edges cross (a residual block's shortcut makes cutting inside the block cost one more edge).
 */
function chooseBreaks(
  aspect: number | undefined,
  down: boolean,
  band: number,
  gap: number,
  total: number,
  start: Float64Array,
  layers: number,
  layer: Int32Array,
  src: number[],
  dst: number[],
): number[] {
  if (!aspect || layers < 4) return [];
  // Score: the zoom at which the whole fits a viewport of width `aspect` and height 1.
  const score = (k: number): number => {
    const wide = k * band + (k - 1) * gap;
    const long = total / k;
    return down ? Math.min(aspect / wide, 1 / long) : Math.min(aspect / long, 1 / wide);
  };
  let k = 1;
  const most = Math.min(layers, 2000);
  for (let c = 2; c <= most; c++) if (score(c) > score(k)) k = c;
  if (k === 1) return [];
  // crossing[l]: edges from a layer ≤ l to a layer > l (the cost of cutting between l and l + 1).
  const crossing = new Int32Array(layers + 1);
  for (let e = 0; e < src.length; e++) {
    const a = Math.min(layer[src[e]], layer[dst[e]]);
    const b = Math.max(layer[src[e]], layer[dst[e]]);
    crossing[a]++;
    crossing[b]--;
  }
  for (let l = 1; l <= layers; l++) crossing[l] += crossing[l - 1];
  const breaks: number[] = [];
  const windowLength = total / k / 6;
  let l = 1;
  for (let i = 1; i < k; i++) {
    const target = (total * i) / k;
    // First layer starting at or after the window's beginning.
    while (l < layers - 1 && start[l] < target - windowLength) l++;
    let best = -1;
    for (let j = l; j < layers && start[j] <= target + windowLength; j++) {
      if (breaks.length && j <= breaks[breaks.length - 1]) continue;
      const cost = crossing[j - 1];
      if (best < 0 || cost < crossing[best - 1] || (cost === crossing[best - 1] && Math.abs(start[j] - target) < Math.abs(start[best] - target))) best = j;
    }
    if (best > 0) breaks.push(best);
  }
  return breaks;
}
