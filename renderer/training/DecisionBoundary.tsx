import { memo, useEffect, useRef, useState } from 'react';
import { useApp } from '../store/store';
import { categoryColour } from '../overlay/colour';
import { predictGrid } from './controller';
import { drawPoints, paddedBounds, previewCache } from './DatasetPicker';

const SIZE = 240;
const RESOLUTION = 48;
/** How often the boundary is refreshed while training (one weight export + grid predict each time). */
const REFRESH_MS = 1200;

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * The model's decision regions over the 2-D input plane (as TensorFlow Playground shows them),
 * refreshed while training: each cell takes the winning class's colour, paler where it is unsure.
 */
function DecisionBoundaryView() {
  const phase = useApp((s) => s.runPhase);
  const activeRunId = useApp((s) => s.activeRunId);
  const dataset = useApp((s) => s.trainingForm.dataset);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [note, setNote] = useState<string | null>(null);
  const twoD = dataset === 'spirals' || dataset === 'twoMoons' || dataset === 'circles' || dataset === 'xor' || dataset === 'gaussianBlobs';

  useEffect(() => {
    if (!twoD || !activeRunId) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = async () => {
      const preview = previewCache.preview;
      if (!preview || preview.kind !== 'points') return;
      const bounds = paddedBounds(preview);
      try {
        const grid = await predictGrid(bounds, RESOLUTION);
        if (cancelled) return;
        const ctx = canvas.current?.getContext('2d');
        if (!ctx) return;
        const image = ctx.createImageData(RESOLUTION, RESOLUTION);
        for (let row = 0; row < RESOLUTION; row++) {
          for (let col = 0; col < RESOLUTION; col++) {
            const cell = row * RESOLUTION + col;
            let best = 0;
            for (let c = 1; c < grid.classes; c++) if (grid.probabilities[cell * grid.classes + c] > grid.probabilities[cell * grid.classes + best]) best = c;
            const confidence = grid.probabilities[cell * grid.classes + best];
            const [r, g, b] = hexToRgb(categoryColour(best));
            const alpha = 0.15 + 0.55 * Math.max(0, (confidence - 1 / grid.classes) / (1 - 1 / grid.classes));
            // Canvas rows grow downward; grid rows grow with y.
            const o = ((RESOLUTION - 1 - row) * RESOLUTION + col) * 4;
            image.data[o] = r;
            image.data[o + 1] = g;
            image.data[o + 2] = b;
            image.data[o + 3] = Math.round(alpha * 255);
          }
        }
        const tmp = document.createElement('canvas');
        tmp.width = RESOLUTION;
        tmp.height = RESOLUTION;
        tmp.getContext('2d')?.putImageData(image, 0, 0);
        ctx.clearRect(0, 0, SIZE, SIZE);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(tmp, 0, 0, SIZE, SIZE);
        drawPoints(ctx, preview, SIZE);
        setNote(null);
      } catch (error) {
        if (!cancelled) setNote(`No decision boundary: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const loop = async () => {
      await refresh();
      if (!cancelled && phase !== 'idle') timer = setTimeout(() => void loop(), REFRESH_MS);
    };
    timer = setTimeout(() => void loop(), phase === 'idle' ? 0 : REFRESH_MS);
    return () => {
      cancelled = true;
      if (timer !== null) clearTimeout(timer);
    };
  }, [twoD, activeRunId, phase]);

  if (!twoD) return null;
  return (
    <figure aria-label="Decision boundary" className="decision-boundary">
      <figcaption>Decision boundary {activeRunId ? '' : <span className="muted">(after the first steps of a run)</span>}</figcaption>
      <canvas ref={canvas} width={SIZE} height={SIZE} role="img" aria-label="Predicted class regions with the dataset's points" />
      {note && <p className="muted small">{note}</p>}
    </figure>
  );
}

export const DecisionBoundary = memo(DecisionBoundaryView);
