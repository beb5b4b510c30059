import { memo, useEffect, useRef, useState } from 'react';
import { LANDSCAPE_DEFAULTS, LANDSCAPE_RESOLUTIONS, LANDSCAPE_SPANS } from '../../src/engine/landscapeDefaults';
import { useApp } from '../store/store';
import { computeLandscape, stopLandscape } from './landscapeController';
import { drawLandscape, landscapeSize } from './landscapeDraw';
import { formatLoss } from './landscapeScale';
import { useLandscape, type LandscapeData } from './landscapeStore';

/** The widest the map gets; a narrower panel gets a smaller square. */
const MAX_WIDTH = 380;

function LandscapeMap({ data }: { data: LandscapeData }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const box = el?.parentElement;
    if (!el || !box) return;
    let drawnWidth = 0;
    const draw = () => {
      const { width, height } = landscapeSize(Math.min(MAX_WIDTH, box.clientWidth || MAX_WIDTH));
      if (width === drawnWidth) return;
      drawnWidth = width;
      el.style.width = `${width}px`;
      el.style.height = `${height}px`;
      drawLandscape(el, data, width, height, getComputedStyle(el).color);
    };
    draw();
    // The panel can be resized; the map follows its width and stays square.
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(draw);
    observer?.observe(box);
    return () => observer?.disconnect();
  }, [data]);
  const finite = data.loss.filter((v): v is number => v !== null);
  return (
    <canvas
      ref={canvas}
      role="img"
      aria-label={`Training loss on a ${data.resolution}×${data.resolution} grid over ±${data.span}: from ${formatLoss(Math.min(...finite))} to ${formatLoss(Math.max(...finite))}, ${formatLoss(data.centerLoss)} at the trained weights in the centre`}
      data-cells={finite.length}
      data-roughness={data.roughness}
    />
  );
}

/**
 * The training loss on a 2-D slice of weight space around the trained weights, along two random
 * directions scaled filter by filter to the weights (Li et al. 2018): a smooth bowl for nets that
 * train well, a rugged surface for deep plain ones. Computed in the engine on request after a run.
 */
function LossLandscapeView() {
  const runPhase = useApp((s) => s.runPhase);
  const activeRunId = useApp((s) => s.activeRunId);
  const seed = useApp((s) => s.trainingForm.seed);
  const { phase, runId, done, result, message } = useLandscape();
  const [span, setSpan] = useState<number>(LANDSCAPE_DEFAULTS.span);
  const [resolution, setResolution] = useState<number>(LANDSCAPE_DEFAULTS.resolution);
  const busy = phase === 'computing' || phase === 'stopping';
  const ours = runId !== null && runId === activeRunId;

  if (!activeRunId)
    return <p className="muted small">Train first; then see the training loss around the trained weights: a smooth bowl, or a rugged landscape.</p>;
  const canCompute = runPhase === 'idle' && !busy;
  return (
    <div className="loss-landscape">
      <div className="landscape-controls">
        <label>
          Span{' '}
          <select value={span} onChange={(e) => setSpan(Number(e.currentTarget.value))} disabled={busy}>
            {LANDSCAPE_SPANS.map((s) => (
              <option key={s} value={s}>
                ±{s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Grid{' '}
          <select value={resolution} onChange={(e) => setResolution(Number(e.currentTarget.value))} disabled={busy}>
            {LANDSCAPE_RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {r}×{r}
              </option>
            ))}
          </select>
        </label>
        {busy ? (
          <button type="button" onClick={stopLandscape} disabled={phase === 'stopping'}>
            {phase === 'stopping' ? 'Stopping…' : 'Stop landscape'}
          </button>
        ) : (
          <button
            type="button"
            onClick={() =>
              void computeLandscape({ resolution, span, samples: LANDSCAPE_DEFAULTS.samples, seed: Number.isInteger(seed) ? Math.max(0, seed) : 1 })
            }
            disabled={!canCompute}
            title={runPhase === 'idle' ? undefined : 'Wait for the run to end: the slice is taken around the trained weights'}
          >
            Compute landscape
          </button>
        )}
      </div>
      {ours && busy && (
        <progress className="landscape-progress" aria-label="Loss landscape progress" value={done} max={1}>
          {Math.round(done * 100)}%
        </progress>
      )}
      {ours && message && <p className={`small${phase === 'failed' ? ' status-error' : ' muted'}`}>{message}</p>}
      {ours && result && (
        <figure aria-label="Loss landscape" className="landscape-figure">
          <figcaption>
            Loss landscape <span className="muted">around the trained weights, along two random filter-normalized directions (Li et al. 2018)</span>
          </figcaption>
          <LandscapeMap data={result} />
          <p className="landscape-summary">
            Roughness <strong>{result.roughness.toFixed(3)}</strong> <span className="muted">(0 = a convex bowl, about 0.5 = noise)</span> · loss at the trained
            weights {formatLoss(result.centerLoss)} · {result.resolution}×{result.resolution} grid over ±{result.span} on {result.samples} training examples
          </p>
        </figure>
      )}
    </div>
  );
}

export const LossLandscape = memo(LossLandscapeView);
