import type { Rng } from './random';
import { balancedCounts } from './split';

/**
 * A CIFAR-like image set drawn on the fly: ten shape classes with random colour, background,
 * position, scale, rotation and pixel noise. Colour and position say nothing about the class,
 * so a model has to learn shape — which is what conv nets and residual blocks are for.
 */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'cross', 'ring', 'horizontal bar', 'vertical bar', 'diagonal', 'diamond', 'dot grid'] as const;

/** Point-in-shape tests in the shape's own frame: centre at 0, extent about ±1, y pointing down. */
const INSIDE: readonly ((u: number, v: number) => boolean)[] = [
  (u, v) => u * u + v * v <= 1,
  (u, v) => Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8,
  (u, v) => v <= 0.75 && v >= -0.95 && Math.abs(u) <= ((v + 0.95) / 1.7) * 0.95,
  (u, v) => (Math.abs(u) <= 0.25 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.25 && Math.abs(u) <= 1),
  (u, v) => {
    const r2 = u * u + v * v;
    return r2 <= 1 && r2 >= 0.36;
  },
  (u, v) => Math.abs(v) <= 0.25 && Math.abs(u) <= 1,
  (u, v) => Math.abs(u) <= 0.25 && Math.abs(v) <= 1,
  // Drawn along u, then turned by ±45° (see `rotation` below).
  (u, v) => Math.abs(v) <= 0.22 && Math.abs(u) <= 1.2,
  (u, v) => Math.abs(u) + Math.abs(v) <= 1,
  (u, v) => {
    const du = u - 0.7 * Math.round(u / 0.7);
    const dv = v - 0.7 * Math.round(v / 0.7);
    return Math.abs(u) <= 0.95 && Math.abs(v) <= 0.95 && du * du + dv * dv <= 0.04;
  },
];

const SUB = [0.25, 0.75];

function luminance(c: readonly number[]): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

function colours(rng: Rng): { bg: number[]; fg: number[] } {
  const bg = [rng.next(), rng.next(), rng.next()];
  for (let attempt = 0; attempt < 32; attempt++) {
    const fg = [rng.next(), rng.next(), rng.next()];
    if (Math.abs(luminance(fg) - luminance(bg)) >= 0.3) return { bg, fg };
  }
  // Rarely reached: the complement always contrasts enough with a mid-grey background.
  return { bg, fg: bg.map((c) => (luminance(bg) > 0.5 ? c * 0.2 : 1 - (1 - c) * 0.2)) };
}

/** Draws one image into `out` (side·side·3 floats, HWC, values in [0, 1]). */
export function drawShape(out: Float32Array, side: number, cls: number, noise: number, rng: Rng): void {
  const inside = INSIDE[cls];
  const { bg, fg } = colours(rng);
  const radius = side * rng.uniform(0.22, 0.36);
  const cx = side / 2 + side * rng.uniform(-0.14, 0.14);
  const cy = side / 2 + side * rng.uniform(-0.14, 0.14);
  const base = cls === 7 ? (rng.next() < 0.5 ? -1 : 1) * (Math.PI / 4) : 0;
  const rotation = base + rng.uniform(-0.18, 0.18);
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  // A faint background gradient so the background is not one flat colour a model could key on.
  const gx = rng.uniform(-0.1, 0.1);
  const gy = rng.uniform(-0.1, 0.1);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      let covered = 0;
      for (const sy of SUB) {
        for (const sx of SUB) {
          const dx = (px + sx - cx) / radius;
          const dy = (py + sy - cy) / radius;
          if (inside(cos * dx + sin * dy, -sin * dx + cos * dy)) covered++;
        }
      }
      const cov = covered / 4;
      const shade = gx * (px / side - 0.5) + gy * (py / side - 0.5);
      const o = (py * side + px) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const v = (bg[ch] + shade) * (1 - cov) + fg[ch] * cov + (noise > 0 ? noise * rng.normal() : 0);
        out[o + ch] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
}

export function generateShapes(size: number, side: number, noise: number, rng: Rng): { x: Float32Array; y: Int32Array } {
  const len = side * side * 3;
  const x = new Float32Array(size * len);
  const y = new Int32Array(size);
  let k = 0;
  balancedCounts(size, SHAPE_CLASSES.length).forEach((n, cls) => {
    for (let i = 0; i < n; i++, k++) {
      drawShape(x.subarray(k * len, (k + 1) * len), side, cls, noise, rng);
      y[k] = cls;
    }
  });
  return { x, y };
}
