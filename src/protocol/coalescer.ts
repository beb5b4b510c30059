import type { StatsFrame } from '../schema/stats';

export interface CoalescerOptions {
  /** At most one frame per this many milliseconds. */
  intervalMs: number;
  /** Frames sent but not yet acknowledged before the coalescer holds back (Infinity: never). */
  maxInFlight: number;
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

type Section = { ids: string[] };

/** Rows of `older` whose ids `newer` lacks, then all of `newer`: the latest row per id wins. */
function mergeRows(
  olderIds: string[],
  older: Float32Array,
  newerIds: string[],
  newer: Float32Array,
  width: number,
): { ids: string[]; values: Float32Array<ArrayBuffer> } {
  if (olderIds.length === newerIds.length && olderIds.every((id, i) => id === newerIds[i])) return { ids: newerIds, values: new Float32Array(newer) };
  const fresh = new Set(newerIds);
  const keep = olderIds.map((id, row) => (fresh.has(id) ? -1 : row)).filter((row) => row >= 0);
  const values = new Float32Array((keep.length + newerIds.length) * width);
  keep.forEach((row, i) => values.set(older.subarray(row * width, (row + 1) * width), i * width));
  values.set(newer, keep.length * width);
  return { ids: [...keep.map((row) => olderIds[row]), ...newerIds], values };
}

function widthOf(values: Float32Array, section: Section): number {
  return section.ids.length ? values.length / section.ids.length : 0;
}

/** Merges two frames of one run, keeping the latest statistics of every node, edge and weight. */
export function mergeFrames(older: StatsFrame, newer: StatsFrame): StatsFrame {
  const nodeColumns = ['activation', 'activationHistogram', 'gradient', 'gradientHistogram'] as const;
  const nodes = { ...newer.nodes };
  for (const column of nodeColumns) {
    const merged = mergeRows(
      older.nodes.ids,
      older.nodes[column],
      newer.nodes.ids,
      newer.nodes[column],
      widthOf(newer.nodes[column], newer.nodes) || widthOf(older.nodes[column], older.nodes),
    );
    nodes[column] = merged.values;
    nodes.ids = merged.ids;
  }
  const edges = mergeRows(
    older.edges.ids,
    older.edges.gradient,
    newer.edges.ids,
    newer.edges.gradient,
    widthOf(newer.edges.gradient, newer.edges) || widthOf(older.edges.gradient, older.edges),
  );
  const weights = mergeRows(
    older.weights.ids,
    older.weights.values,
    newer.weights.ids,
    newer.weights.values,
    widthOf(newer.weights.values, newer.weights) || widthOf(older.weights.values, older.weights),
  );
  const weightNode = new Map([
    ...older.weights.ids.map((id, i) => [id, older.weights.nodeIds[i]] as const),
    ...newer.weights.ids.map((id, i) => [id, newer.weights.nodeIds[i]] as const),
  ]);
  const groups = mergeRows(
    older.groups.ids,
    older.groups.values,
    newer.groups.ids,
    newer.groups.values,
    widthOf(newer.groups.values, newer.groups) || widthOf(older.groups.values, older.groups),
  );
  return {
    ...newer,
    nodes,
    edges: { ids: edges.ids, gradient: edges.values },
    weights: { ids: weights.ids, nodeIds: weights.ids.map((id) => weightNode.get(id) as string), values: weights.values },
    groups: { ids: groups.ids, values: groups.values },
  };
}

/**
 * Backpressure for the stats stream: frames go out at most once per interval and only while fewer
 * than `maxInFlight` are unacknowledged; meanwhile new frames are merged into the one pending frame
 * (latest per node). Memory stays bounded by one frame however slow the consumer is. Each run starts
 * afresh: its first frame is not held back by the previous run's last one, and a frame the previous
 * run could not send is dropped, never merged into the new run's (two designs' rows in one frame).
 */
export class StatsCoalescer {
  private pending: StatsFrame | null = null;
  private sent = 0;
  private acknowledged = 0;
  private lastSentAt = -Infinity;
  private timer: unknown = null;
  private runId: string | null = null;
  /** Frames merged away instead of sent, for diagnostics and tests. */
  coalesced = 0;

  constructor(
    private readonly send: (frame: StatsFrame, seq: number) => void,
    private readonly options: CoalescerOptions,
  ) {}

  push(frame: StatsFrame): void {
    if (frame.runId !== this.runId) {
      this.runId = frame.runId;
      this.pending = null;
      this.lastSentAt = -Infinity;
    }
    if (this.pending) {
      this.pending = mergeFrames(this.pending, frame);
      this.coalesced++;
    } else {
      this.pending = frame;
    }
    this.pump();
  }

  /** The consumer has handled every frame up to and including `seq`. */
  ack(seq: number): void {
    this.acknowledged = Math.max(this.acknowledged, Math.min(seq, this.sent));
    this.pump();
  }

  get inFlight(): number {
    return this.sent - this.acknowledged;
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** Sends the pending frame now unless the consumer is saturated (end of a run). */
  flush(): void {
    if (this.pending && this.inFlight < this.options.maxInFlight) this.emit();
  }

  dispose(): void {
    if (this.timer !== null) this.options.clearTimer(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private pump(): void {
    if (!this.pending || this.inFlight >= this.options.maxInFlight) return;
    const wait = this.options.intervalMs - (this.options.now() - this.lastSentAt);
    if (wait > 0) {
      if (this.timer === null) {
        this.timer = this.options.setTimer(() => {
          this.timer = null;
          this.pump();
        }, wait);
      }
      return;
    }
    this.emit();
  }

  private emit(): void {
    const frame = this.pending as StatsFrame;
    this.pending = null;
    this.sent++;
    this.lastSentAt = this.options.now();
    this.send(frame, this.sent);
  }
}
