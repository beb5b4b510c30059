import { useEffect, useRef } from 'react';
import { HISTOGRAM_BINS, ACTIVATION_FIELDS, GRADIENT_FIELDS, type StatsFrame } from '../../src/schema/stats';
import { statsStore } from './statsStore';
import { closeHistogram, useHistogramTarget } from './histogramPopover';
import { viridis } from './colour';
import { formatStat } from './display';

const HEIGHT = 96;
const WIDTH = 300;

/** Draws one row of every recorded frame as a column: time left to right, bins bottom to top. */
function drawHeatmap(
  canvas: HTMLCanvasElement,
  frames: readonly StatsFrame[],
  row: (f: StatsFrame) => number,
  which: 'activationHistogram' | 'gradientHistogram',
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, WIDTH, HEIGHT);
  const columns = frames.length;
  if (!columns) return;
  const w = WIDTH / columns;
  const h = HEIGHT / HISTOGRAM_BINS;
  frames.forEach((f, c) => {
    const r = row(f);
    if (r < 0) return;
    const bins = f.nodes[which].subarray(r * HISTOGRAM_BINS, (r + 1) * HISTOGRAM_BINS);
    let max = 0;
    for (const v of bins) if (v > max) max = v;
    if (!(max > 0)) return;
    for (let b = 0; b < HISTOGRAM_BINS; b++) {
      ctx.fillStyle = viridis(Math.sqrt(bins[b] / max));
      ctx.fillRect(c * w, HEIGHT - (b + 1) * h, Math.ceil(w), Math.ceil(h));
    }
  });
}

/** The full histograms of one node's activations and gradients over the recorded frames. */
export function HistogramPopover() {
  const target = useHistogramTarget((s) => s.target);
  const act = useRef<HTMLCanvasElement>(null);
  const grad = useRef<HTMLCanvasElement>(null);
  const ranges = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (!target) return;
    const paint = () => {
      const layout = statsStore.layout();
      const rows = layout?.nodeRows.get(target.nodeId);
      const first = rows && rows.length ? rows[0] : -1;
      // Rows are looked up per frame by id, in case frames of other layouts are in the history.
      const frames = statsStore.frames();
      const current = statsStore.current();
      const id = current && first >= 0 ? current.nodes.ids[first] : null;
      const rowOf = (f: StatsFrame) => (id === null ? -1 : f.nodes.ids[first] === id ? first : f.nodes.ids.indexOf(id));
      if (act.current) drawHeatmap(act.current, frames, rowOf, 'activationHistogram');
      if (grad.current) drawHeatmap(grad.current, frames, rowOf, 'gradientHistogram');
      if (ranges.current && current && first >= 0) {
        const a = (field: (typeof ACTIVATION_FIELDS)[number]) => current.nodes.activation[first * ACTIVATION_FIELDS.length + ACTIVATION_FIELDS.indexOf(field)];
        const g = current.nodes.gradient[first * GRADIENT_FIELDS.length + GRADIENT_FIELDS.indexOf('maxAbs')];
        ranges.current.textContent = `${frames.length} frames · activations in [${formatStat(a('min'))}, ${formatStat(a('max'))}], std ${formatStat(a('std'))} · gradients in ±${formatStat(g)}`;
      } else if (ranges.current) ranges.current.textContent = 'No statistics recorded for this node yet.';
    };
    paint();
    return statsStore.subscribe(paint);
  }, [target]);

  useEffect(() => {
    if (!target) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeHistogram();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [target]);

  if (!target) return null;
  const left = Math.min(target.x, window.innerWidth - WIDTH - 40);
  const top = Math.min(target.y, window.innerHeight - 2 * HEIGHT - 140);
  return (
    <div className="histogram-popover" role="dialog" aria-label={`Histograms of ${target.nodeId}`} style={{ left, top }}>
      <div className="histogram-popover-head">
        <strong>{target.nodeId}</strong>
        <button type="button" className="linklike" onClick={closeHistogram} aria-label="Close histograms">
          ×
        </button>
      </div>
      <figure aria-label="Activation histogram over time">
        <figcaption>Activations (bins from min to max, time →)</figcaption>
        <canvas ref={act} width={WIDTH} height={HEIGHT} />
      </figure>
      <figure aria-label="Gradient histogram over time">
        <figcaption>Gradients w.r.t. the output (bins over ±max |g|, time →)</figcaption>
        <canvas ref={grad} width={WIDTH} height={HEIGHT} />
      </figure>
      <p ref={ranges} className="muted small" />
    </div>
  );
}
