import { contourSegments } from './landscapeContours';
import { formatLoss, lossScale, viridis } from './landscapeScale';
import type { LandscapeData } from './landscapeStore';

/** Room around the map for the axes (left, bottom) and the colour scale (right), in CSS pixels. */
const MARGIN = { left: 58, right: 62, top: 18, bottom: 36 };
const FONT = '11px system-ui, sans-serif';
/** Cells whose loss was not finite (the net blew up there). */
const MISSING: [number, number, number] = [150, 150, 150];

function axisTicks(span: number): number[] {
  return [-span, -span / 2, 0, span / 2, span];
}

const tickText = (v: number) => (v === 0 ? '0' : String(Number(v.toPrecision(3))));

/** The canvas size that holds a square map in `width` CSS pixels with its axes and scale. */
export function landscapeSize(width: number): { width: number; height: number } {
  const size = Math.max(60, width - MARGIN.left - MARGIN.right);
  return { width: size + MARGIN.left + MARGIN.right, height: size + MARGIN.top + MARGIN.bottom };
}

/**
 * Paints the landscape: a heat map of log loss with iso-lines at the scale's round values, the two
 * direction coordinates on the axes, the colour scale with loss values, and the trained weights (the
 * centre) marked. `ink` is the page's text colour, so the figure follows the theme.
 */
export function drawLandscape(canvas: HTMLCanvasElement, data: LandscapeData, cssWidth: number, cssHeight: number, ink: string): void {
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const { resolution, loss, span } = data;
  const scale = lossScale(loss);
  const size = Math.max(60, Math.min(cssWidth - MARGIN.left - MARGIN.right, cssHeight - MARGIN.top - MARGIN.bottom));
  const left = MARGIN.left;
  const top = MARGIN.top;
  const cell = size / resolution;
  // Grid coordinates (cell centres) to the page: row 0 is the most negative β, drawn at the bottom.
  const px = (x: number) => left + (x + 0.5) * cell;
  const py = (y: number) => top + size - (y + 0.5) * cell;

  const image = new ImageData(resolution, resolution);
  for (let row = 0; row < resolution; row++)
    for (let col = 0; col < resolution; col++) {
      const v = loss[row * resolution + col];
      const [r, g, b] = v === null ? MISSING : viridis(scale.at(v));
      const o = ((resolution - 1 - row) * resolution + col) * 4;
      image.data.set([r, g, b, 255], o);
    }
  const cells = document.createElement('canvas');
  cells.width = resolution;
  cells.height = resolution;
  cells.getContext('2d')?.putImageData(image, 0, 0);
  // Smoothed between cell centres, as a contour map reads; the grid itself is in the summary text.
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(cells, left, top, size, size);

  // Iso-lines in log space, where the colours are even.
  const logs = loss.map((v) => (v === null ? null : Math.log10(Math.max(1e-12, v))));
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.75)';
  ctx.beginPath();
  for (const level of scale.ticks)
    for (const [x0, y0, x1, y1] of contourSegments(logs, resolution, Math.log10(level))) {
      ctx.moveTo(px(x0), py(y0));
      ctx.lineTo(px(x1), py(y1));
    }
  ctx.stroke();

  // The trained weights: the centre of the slice.
  const centre = (resolution - 1) / 2;
  ctx.beginPath();
  ctx.arc(px(centre), py(centre), 5, 0, 2 * Math.PI);
  ctx.fillStyle = '#ffffff';
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#c62828';
  ctx.stroke();
  ctx.font = FONT;
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.fillText('trained', px(centre) + 7, py(centre) - 3);

  // Axes: the coordinates along the two directions.
  ctx.strokeStyle = ink;
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, size, size);
  ctx.fillStyle = ink;
  const toPage = (v: number) => (v + span) / (2 * span);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of axisTicks(span)) {
    const x = left + cell / 2 + toPage(t) * (size - cell);
    ctx.fillRect(x, top + size, 1, 4);
    ctx.fillText(tickText(t), x, top + size + 5);
  }
  ctx.fillText('α, along direction 1', left + size / 2, top + size + 20);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of axisTicks(span)) {
    const y = top + size - cell / 2 - toPage(t) * (size - cell);
    ctx.fillRect(left - 4, y, 4, 1);
    ctx.fillText(tickText(t), left - 6, y);
  }
  ctx.save();
  ctx.translate(8, top + size / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('β, along direction 2', 0, 0);
  ctx.restore();

  // The colour scale: log loss, low at the bottom, with round loss values.
  const barLeft = left + size + 12;
  const barWidth = 12;
  const gradient = ctx.createLinearGradient(0, top + size, 0, top);
  for (let i = 0; i <= 16; i++) {
    const [r, g, b] = viridis(i / 16);
    gradient.addColorStop(i / 16, `rgb(${r}, ${g}, ${b})`);
  }
  ctx.fillStyle = gradient;
  ctx.fillRect(barLeft, top, barWidth, size);
  ctx.strokeStyle = ink;
  ctx.strokeRect(barLeft, top, barWidth, size);
  ctx.fillStyle = ink;
  ctx.textAlign = 'left';
  for (const t of scale.ticks) {
    const y = top + size - scale.at(t) * size;
    ctx.fillRect(barLeft + barWidth, y, 4, 1);
    ctx.fillText(formatLoss(t), barLeft + barWidth + 6, y);
  }
  ctx.textBaseline = 'bottom';
  ctx.fillText('loss', barLeft - 2, top - 4);
}
