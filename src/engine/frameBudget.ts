/**
 * Share of training wall time the statistics may cost at the 'interval' cadence. A stats frame costs
 * an instrumented step's extra time; on a large net (ResNet-20, the 1002-layer MLP) that extra is
 * longer than the interval itself, so "a frame every 100 ms" meant every step and a step 1.7–2.2×
 * slower. Past this share frames come less often than the interval asks.
 */
export const FRAME_COST_SHARE = 0.25;

/** The wall time a frame costs, learnt from the last plain and the last instrumented step. */
export class FrameBudget {
  private plainMs = NaN;
  private instrumentedMs = NaN;
  private seen = { plain: 0, instrumented: 0 };

  /** The first step of each kind is left out: it pays for kernel compilation and warm-up. */
  record(milliseconds: number, instrumented: boolean): void {
    const kind = instrumented ? 'instrumented' : 'plain';
    if (this.seen[kind]++ === 0) return;
    if (instrumented) this.instrumentedMs = milliseconds;
    else this.plainMs = milliseconds;
  }

  /** Least wall time from one frame to the next: `intervalMs`, or longer while a frame would cost more than its share. */
  gapMs(intervalMs: number): number {
    const extra = this.instrumentedMs - this.plainMs;
    if (!(extra > 0)) return intervalMs;
    return Math.max(intervalMs, (extra * (1 - FRAME_COST_SHARE)) / FRAME_COST_SHARE);
  }
}
