import { memo, useEffect, useRef } from 'react';
import { useApp } from '../store/store';
import { dropBlocks } from './controller';

const BAR_HEIGHT = 14;

/**
 * Block-drop experiment (Veit et al. 2016): the accuracy change when one residual block's branch is
 * zeroed, without retraining. Residual networks degrade gracefully — most blocks cost little —
 * while dropping a layer of a plain network breaks it.
 */
function BlockDropView() {
  const phase = useApp((s) => s.runPhase);
  const pending = useApp((s) => s.blockDropPending);
  const run = useApp((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const result = run?.blockDrop ?? null;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !result) return;
    const width = canvas.current?.width ?? 250;
    const height = canvas.current?.height ?? 0;
    ctx.clearRect(0, 0, width, height);
    const deltas = result.results.map((r) => r.accuracy - result.baseline.accuracy);
    const scale = Math.max(0.01, ...deltas.map(Math.abs));
    const mid = width * 0.62;
    const style = getComputedStyle(document.documentElement);
    ctx.font = '10px system-ui';
    ctx.textBaseline = 'middle';
    result.results.forEach((r, i) => {
      const y = i * BAR_HEIGHT + 2;
      const d = deltas[i];
      const w = (Math.abs(d) / scale) * (width - mid - 4);
      ctx.fillStyle = d < 0 ? style.getPropertyValue('--error').trim() || '#c62828' : '#59a14f';
      ctx.fillRect(d < 0 ? mid - Math.min(w, mid - 80) : mid, y, Math.min(w, d < 0 ? mid - 80 : width - mid), BAR_HEIGHT - 3);
      ctx.fillStyle = style.getPropertyValue('--text').trim() || '#222';
      ctx.fillText(r.dropped.join('+').slice(0, 14), 2, y + BAR_HEIGHT / 2 - 1);
    });
    ctx.strokeStyle = style.getPropertyValue('--muted').trim() || '#888';
    ctx.beginPath();
    ctx.moveTo(mid + 0.5, 0);
    ctx.lineTo(mid + 0.5, height);
    ctx.stroke();
  }, [result]);

  if (!run) return <p className="muted small">Train first; then drop residual blocks one at a time to see which ones the network relies on.</p>;
  const done = phase === 'idle';
  return (
    <div className="block-drop">
      <button type="button" onClick={() => dropBlocks()} disabled={!done || pending}>{pending ? 'Evaluating…' : 'Drop each block'}</button>
      {result && result.results.length === 0 && <p className="muted small">This design has no residual block (an Add with a branch) to drop.</p>}
      {result && result.results.length > 0 && (
        <figure aria-label="Block-drop accuracy change">
          <figcaption>
            Validation accuracy change per dropped block (baseline {(result.baseline.accuracy * 100).toFixed(1)}%; worst {(Math.min(...result.results.map((r) => r.accuracy - result.baseline.accuracy)) * 100).toFixed(1)} points)
          </figcaption>
          <canvas ref={canvas} width={250} height={result.results.length * BAR_HEIGHT + 4} role="img" aria-label={result.results.map((r) => `${r.dropped.join('+')}: ${((r.accuracy - result.baseline.accuracy) * 100).toFixed(1)} points`).join('; ')} />
        </figure>
      )}
    </div>
  );
}

export const BlockDrop = memo(BlockDropView);
