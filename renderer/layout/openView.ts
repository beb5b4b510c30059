import type { Design } from '../../src/graph/design';
import { designBlocks, foldedOwner, setFolded } from '../../src/graph/blocksEdit';
import { appStore } from '../store/store';
import { canvasInstance, canvasElement } from '../canvas/canvasApi';
import { BLOCK_SIZE, GROUP_SIZE, LAYER_SIZE, SKIP_BOW } from '../canvas/geometry';
import { FULL_FACE_ZOOM, LEGIBLE_ZOOM } from '../canvas/faces';
import { autoLayout } from './autoLayout';
import { isHuge, showStart } from '../open/largeView';
import { extent, fitZoom, type Box, type Extent } from './wrap';

/** After the next paint in a page; in Node (store tests open designs without a DOM) after the current task. */
const nextFrame = (callback: () => void): void =>
  void (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => callback()) : setTimeout(callback, 0));

/** Screen pixels left free around the network when it is fitted; the overlay bar sits over the top edge. */
const MARGIN = 8;

/** Height of the canvas's top edge covered by the floating overlay bar (it wraps onto two lines in narrow windows). */
function topBar(): number {
  const el = canvasElement();
  const bar = el?.parentElement?.querySelector('.overlay-bar') ?? document.querySelector('.overlay-bar');
  if (!el || !bar) return 44;
  return Math.max(0, bar.getBoundingClientRect().bottom - el.getBoundingClientRect().top) + 4;
}

/** The boxes the canvas draws for a design at its saved positions. */
export function drawnBoxes(design: Design): Box[] {
  const collapsed = new Map<string, string>();
  for (const g of design.groups) if (g.collapsed) for (const id of g.nodeIds) collapsed.set(id, g.id);
  const owner = foldedOwner(design);
  const boxes: Box[] = [];
  const grouped = new Map<string, { x: number; y: number; size: Extent }>();
  for (const n of design.nodes) {
    const key = collapsed.get(n.id) ?? (owner.has(n.id) ? `block:${owner.get(n.id)?.id}` : null);
    if (!key) {
      boxes.push({ id: n.id, ...n.position, ...LAYER_SIZE });
      continue;
    }
    const at = grouped.get(key);
    const size = collapsed.has(n.id) ? GROUP_SIZE : BLOCK_SIZE;
    grouped.set(key, at ? { x: Math.min(at.x, n.position.x), y: Math.min(at.y, n.position.y), size } : { ...n.position, size });
  }
  for (const [id, g] of grouped) boxes.push({ id, x: g.x, y: g.y, ...g.size });
  return boxes;
}

/**
 * The network's extent with room for its shortcuts, which bow out beside the chain (right of it when
 * data flows down, below it when it flows right): fitted to the nodes alone, the last column's shortcuts
 * and their shape labels ran off the canvas.
 */
function withShortcuts(design: Design, e: Extent & { x: number; y: number }): Extent & { x: number; y: number } {
  if (!designBlocks(design).length) return e;
  const reach = SKIP_BOW * 0.75;
  return design.view?.direction === 'right' ? { ...e, height: e.height + reach } : { ...e, width: e.width + reach };
}

function viewportSize(): Extent {
  const el = canvasElement();
  const r = el?.getBoundingClientRect();
  return r && r.width > 100 && r.height > 100 ? { width: r.width, height: r.height - topBar() } : { width: 1000, height: 600 };
}

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A floating panel's rectangle in canvas pixels (relative to the canvas's top left), when it is shown. */
function panelRect(selector: string): Rect | null {
  const el = canvasElement();
  const panel = el?.querySelector(selector);
  if (!el || !panel) return null;
  const c = el.getBoundingClientRect();
  const r = panel.getBoundingClientRect();
  return r.width && r.height ? { left: r.left - c.left, top: r.top - c.top, right: r.right - c.left, bottom: r.bottom - c.top } : null;
}

/**
 * Centres the drawn network in the canvas at the largest zoom that shows all of it (at most 1), and
 * keeps every node clear of the minimap and the zoom controls in the bottom corners: when the plain
 * fit would put a node under one, the network is fitted between them or above them, whichever is
 * drawn larger.
 */
export function fitDrawn(design: Design): void {
  const flow = canvasInstance();
  if (!flow) return;
  const view = viewportSize();
  const top = topBar();
  const boxes = drawnBoxes(design);
  const e = withShortcuts(design, extent(boxes));
  // The network fitted and centred in the rectangle (left, top) – (left + width, top + height) of the canvas.
  const fitIn = (left: number, areaTop: number, width: number, height: number) => {
    const zoom = Math.min(1, fitZoom(e, { width, height }, MARGIN));
    return { x: left + width / 2 - (e.x + e.width / 2) * zoom, y: areaTop + height / 2 - (e.y + e.height / 2) * zoom, zoom };
  };
  const el = canvasElement();
  // A minimap the previous fit set aside is display:none and measures as nothing: shown again for the
  // measurement (the same task, so never painted), or this fit would ignore it and then bring it back
  // over the nodes.
  if (el) {
    delete el.dataset.minimap;
    delete el.dataset.controls;
  }
  const minimap = panelRect('.react-flow__minimap');
  const controls = panelRect('.react-flow__controls');
  const covering = (panels: Rect[], v: { x: number; y: number; zoom: number }): boolean =>
    panels.some((p) =>
      boxes.some((b) => {
        const left = v.x + b.x * v.zoom;
        const upper = v.y + b.y * v.zoom;
        return left < p.right && left + b.width * v.zoom > p.left && upper < p.bottom && upper + b.height * v.zoom > p.top;
      }),
    );
  // Between the panels (left of those on the right, right of those on the left), or above all of them.
  const clearOf = (panels: Rect[]) => {
    const full = fitIn(0, top, view.width, view.height);
    if (!covering(panels, full)) return full;
    const middle = view.width / 2;
    const left = Math.max(0, ...panels.filter((p) => p.right < middle).map((p) => p.right + MARGIN));
    const right = Math.min(view.width, ...panels.filter((p) => p.left > middle).map((p) => p.left - MARGIN));
    const bottom = Math.min(...panels.map((p) => p.top - MARGIN));
    const candidates = [fitIn(left, top, right - left, view.height), fitIn(0, top, view.width, bottom - top)].sort((a, b) => b.zoom - a.zoom);
    return candidates.find((c) => !covering(panels, c)) ?? candidates[0];
  };
  const plain = fitIn(0, top, view.width, view.height);
  let best = clearOf([minimap, controls].filter((r): r is Rect => !!r));
  let hideMinimap = false;
  let hideControls = false;
  // Fitting around both panels must not make the names unreadable. Then the minimap (a map of what is
  // off-screen, and the whole network is in view) steps aside, and only the zoom controls are avoided.
  if (minimap && plain.zoom >= LEGIBLE_ZOOM && best.zoom < LEGIBLE_ZOOM) {
    hideMinimap = true;
    const clearOfControls = clearOf(controls ? [controls] : []);
    // Legible names come first: the zoom controls then step aside too when they would cover a node
    // (they covered the names of the first column's last rows); wheel and pinch still zoom.
    best = clearOfControls.zoom >= LEGIBLE_ZOOM ? clearOfControls : plain;
    hideControls = !!controls && covering([controls], best);
  }
  if (el) {
    if (hideMinimap) el.dataset.minimap = 'hidden';
    else delete el.dataset.minimap;
    if (hideControls) el.dataset.controls = 'hidden';
  }
  void flow.setViewport(best);
}

/**
 * What opening a design shows: as saved when the whole network is legible that way; otherwise the
 * residual blocks fold (unless the file says which are folded) and the chain wraps into columns
 * shaped like the window. The arrangement is view state: the opened document is not marked changed.
 */
export async function arrangeOnOpen(opened: Design): Promise<void> {
  const view = viewportSize();
  const legible = (d: Design, face: number): boolean => fitZoom(extent(drawnBoxes(d)), view, MARGIN) >= face;
  // Past this size the layered layout would hold the page for minutes: such a design opens as saved, at its start.
  if (isHuge(opened)) {
    nextFrame(() => showStart(opened));
    return;
  }
  if (!opened.nodes.length || legible(opened, FULL_FACE_ZOOM)) {
    nextFrame(() => fitDrawn(opened));
    return;
  }
  let next = opened;
  const aspect = view.width / view.height;
  const candidates: Design[] = [];
  // Unfolded but wrapped first: every layer stays in view when that is legible; then folded.
  candidates.push(opened);
  if (opened.view?.folded === undefined && designBlocks(opened).length)
    candidates.push(
      setFolded(
        opened,
        designBlocks(opened).map((b) => b.id),
        true,
      ),
    );
  for (const candidate of candidates) {
    const positions = await autoLayout(candidate, { wrapAspect: aspect, compact: true });
    next = {
      ...candidate,
      nodes: candidate.nodes.map((n) => {
        const p = positions.get(n.id);
        return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: p } : n;
      }),
    };
    if (legible(next, FULL_FACE_ZOOM)) break;
  }
  if (!legible(next, LEGIBLE_ZOOM)) {
    // Still too deep for the window: keep the most compact arrangement found; zooming in reads it.
  }
  const state = appStore.getState();
  // The user may have edited (or opened something else) while the layout ran.
  if (state.design !== opened) return;
  appStore.setState({ design: next, savedDesign: next });
  appStore.clearHistory();
  nextFrame(() => fitDrawn(next));
}
