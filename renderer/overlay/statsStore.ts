import type { Design } from '../../src/graph/design';
import type { StatsFrame } from '../../src/schema/stats';
import { buildOverlayLayout, type OverlayLayout } from './layout';
import { displayFrame, type FrameDisplay, type NodeDisplay, type OverlayMode } from './display';

/**
 * Stats frames live here, outside React state (architecture.md, "Streaming to the canvas"): a frame
 * is stored, and on the next animation frame each subscribed node or edge is handed its own values
 * and paints itself through its DOM ref. A frame never re-renders a React component.
 */

/** Recorded frames are kept up to this many bytes; beyond it older frames are thinned, every other one dropped. */
const HISTORY_BYTES = 96 * 1024 * 1024;

export interface StatsStoreOptions {
  /** Schedules the paint (requestAnimationFrame in the page). */
  schedule?: (callback: () => void) => void;
  now?: () => number;
}

export interface ApplyTiming {
  /** Main-thread time to store, reduce and paint one frame. */
  ms: number;
  seq: number;
}

type NodeListener = (display: NodeDisplay | undefined, frame: FrameDisplay) => void;
type EdgeListener = (gradNorm: number | undefined, frame: FrameDisplay) => void;
type Listener = () => void;

/** A run log shown instead of live training (renderer/replay). */
export interface ReplayInfo {
  /** The log's file name. */
  name: string;
  /** Frames in the log, before any thinning to fit the history budget. */
  loggedFrames: number;
}

function frameBytes(frame: StatsFrame): number {
  const n = frame.nodes;
  return (
    (n.activation.length +
      n.activationHistogram.length +
      n.gradient.length +
      n.gradientHistogram.length +
      frame.edges.gradient.length +
      frame.weights.values.length +
      frame.groups.values.length) *
      4 +
    64 * n.ids.length
  );
}

export class StatsStore {
  private history: StatsFrame[] = [];
  private historyBytes = 0;
  /** Index into history shown on the canvas; null follows the latest frame. */
  private cursor: number | null = null;
  private replaying: ReplayInfo | null = null;
  private mode: OverlayMode = 'off';
  private design: Design | null = null;
  private layoutCache: { design: Design; ids: readonly string[]; edgeIds: readonly string[]; layout: OverlayLayout } | null = null;
  private displayCache: { frame: StatsFrame; mode: OverlayMode; layout: OverlayLayout; display: FrameDisplay } | null = null;
  private nodeListeners = new Map<string, Set<NodeListener>>();
  private edgeListeners = new Map<string, Set<EdgeListener>>();
  private listeners = new Set<Listener>();
  private scheduled = false;
  private pendingSeqs: number[] = [];
  private ackListener: ((seq: number) => void) | null = null;
  /** The last few apply timings, for the benchmark and the panel's own health line. */
  readonly timings: ApplyTiming[] = [];
  private readonly schedule: (callback: () => void) => void;
  private readonly now: () => number;
  private receivedAt = new Map<number, number>();

  constructor(options: StatsStoreOptions = {}) {
    this.schedule = options.schedule ?? ((callback) => requestAnimationFrame(() => callback()));
    this.now = options.now ?? (() => performance.now());
  }

  /** Called after a frame is painted with its sequence number: the engine's statsAck. */
  onAck(listener: ((seq: number) => void) | null): void {
    this.ackListener = listener;
  }

  /** Adds one frame from the engine; painting happens on the next animation frame. */
  push(frame: StatsFrame, seq: number): void {
    const started = this.now();
    const last = this.history[this.history.length - 1];
    // Live training replaces a replay outright, whatever run ids the two carry.
    if ((last && last.runId !== frame.runId) || this.replaying) this.clear();
    this.history.push(frame);
    this.historyBytes += frameBytes(frame);
    if (this.historyBytes > HISTORY_BYTES) this.thin();
    this.pendingSeqs.push(seq);
    this.receivedAt.set(seq, this.now() - started);
    this.request();
  }

  clear(): void {
    this.history = [];
    this.historyBytes = 0;
    this.cursor = null;
    this.displayCache = null;
    this.replaying = null;
    this.request();
  }

  /**
   * Replaces the history with a recorded run (a run log) and shows its last frame. Nothing is
   * acknowledged to the engine; the next live frame or clear() ends the replay.
   */
  loadRecording(frames: readonly StatsFrame[], name: string): void {
    this.history = [...frames];
    this.historyBytes = this.history.reduce((sum, f) => sum + frameBytes(f), 0);
    while (this.historyBytes > HISTORY_BYTES && this.history.length > 2) this.thin();
    this.cursor = null;
    this.displayCache = null;
    this.pendingSeqs = [];
    this.receivedAt.clear();
    this.replaying = { name, loggedFrames: frames.length };
    this.request();
  }

  /** The run log being replayed, or null while the overlay shows live training (or nothing). */
  get replay(): ReplayInfo | null {
    return this.replaying;
  }

  setMode(mode: OverlayMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.request();
  }

  getMode(): OverlayMode {
    return this.mode;
  }

  /** The design the canvas shows; node ids are looked up in it. */
  setDesign(design: Design): void {
    if (design === this.design) return;
    this.design = design;
    this.request();
  }

  /** Shows a recorded frame (null: follow the latest). */
  scrubTo(index: number | null): void {
    this.cursor = index === null ? null : Math.max(0, Math.min(this.history.length - 1, Math.round(index)));
    this.request();
  }

  get frameCount(): number {
    return this.history.length;
  }

  get cursorIndex(): number | null {
    return this.cursor;
  }

  frames(): readonly StatsFrame[] {
    return this.history;
  }

  /** The frame the canvas shows now. */
  current(): StatsFrame | null {
    return this.cursor === null ? (this.history[this.history.length - 1] ?? null) : (this.history[this.cursor] ?? null);
  }

  layout(): OverlayLayout | null {
    const frame = this.current();
    if (!frame || !this.design) return null;
    const c = this.layoutCache;
    if (c && c.design === this.design && sameIds(c.ids, frame.nodes.ids) && sameIds(c.edgeIds, frame.edges.ids)) return c.layout;
    const layout = buildOverlayLayout(this.design, frame.nodes.ids, frame.edges.ids);
    this.layoutCache = { design: this.design, ids: frame.nodes.ids, edgeIds: frame.edges.ids, layout };
    return layout;
  }

  /** What the canvas shows now, reduced for the current mode; null with the overlay off or no frame. */
  display(): FrameDisplay | null {
    const frame = this.current();
    const layout = this.layout();
    if (!frame || !layout || this.mode === 'off') return null;
    const c = this.displayCache;
    if (c && c.frame === frame && c.mode === this.mode && c.layout === layout) return c.display;
    const display = displayFrame(frame, layout, this.mode);
    this.displayCache = { frame, mode: this.mode, layout, display };
    return display;
  }

  subscribeNode(id: string, listener: NodeListener): () => void {
    return addTo(this.nodeListeners, id, listener, () => {
      const d = this.display();
      if (d) listener(d.nodes.get(id), d);
    });
  }

  subscribeEdge(id: string, listener: EdgeListener): () => void {
    return addTo(this.edgeListeners, id, listener, () => {
      const d = this.display();
      if (d) listener(d.edges.get(id), d);
    });
  }

  /** Whole-frame listeners (legend, depth profile, timeline), called after each paint. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.paint());
  }

  /** Runs on an animation frame: reduce once, hand each subscriber its values, acknowledge. */
  paint(): void {
    this.scheduled = false;
    const started = this.now();
    const display = this.display();
    if (display) {
      for (const [id, set] of this.nodeListeners) {
        const d = display.nodes.get(id);
        for (const l of set) l(d, display);
      }
      for (const [id, set] of this.edgeListeners) {
        const g = display.edges.get(id);
        for (const l of set) l(g, display);
      }
    }
    for (const l of this.listeners) l();
    const paintMs = this.now() - started;
    const seqs = this.pendingSeqs.splice(0);
    for (const seq of seqs) {
      const ms = (this.receivedAt.get(seq) ?? 0) + paintMs / seqs.length;
      this.receivedAt.delete(seq);
      this.timings.push({ ms, seq });
    }
    if (this.timings.length > 2000) this.timings.splice(0, this.timings.length - 2000);
    const last = seqs[seqs.length - 1];
    if (last !== undefined) this.ackListener?.(last);
  }

  /** Keeps the newest half intact and drops every other frame of the older half. */
  private thin(): void {
    const half = Math.floor(this.history.length / 2);
    const older = this.history.slice(0, half).filter((_, i) => i % 2 === 0);
    this.history = [...older, ...this.history.slice(half)];
    this.historyBytes = this.history.reduce((sum, f) => sum + frameBytes(f), 0);
    if (this.cursor !== null) this.cursor = Math.min(this.cursor, this.history.length - 1);
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addTo<L>(map: Map<string, Set<L>>, id: string, listener: L, initial: () => void): () => void {
  let set = map.get(id);
  if (!set) {
    set = new Set();
    map.set(id, set);
  }
  set.add(listener);
  initial();
  return () => {
    const s = map.get(id);
    s?.delete(listener);
    if (s && s.size === 0) map.delete(id);
  };
}

/** The page's one stats store. */
export const statsStore = new StatsStore();
