import type { Rng } from './random';
import { balancedCounts } from './split';
import type { SpecOf } from '../../schema/datasetSpec';

export type PointSpec = SpecOf<'spirals' | 'twoMoons' | 'circles' | 'xor' | 'gaussianBlobs'>;

export interface Points {
  x: Float32Array;
  y: Int32Array;
  classes: number;
  description: string;
}

/** Every generator returns points roughly inside [-1.5, 1.5]², balanced across classes. */
export function generatePoints(spec: PointSpec, rng: Rng): Points {
  switch (spec.kind) {
    case 'spirals':
      return spirals(spec.size, spec.classes, spec.noise, spec.turns, rng);
    case 'twoMoons':
      return twoMoons(spec.size, spec.noise, rng);
    case 'circles':
      return circles(spec.size, spec.classes, spec.noise, rng);
    case 'xor':
      return xor(spec.size, spec.noise, rng);
    case 'gaussianBlobs':
      return blobs(spec.size, spec.classes, spec.noise, rng);
  }
}

function fill(size: number, classes: number, point: (cls: number, i: number, n: number) => [number, number]): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(size * 2);
  const y = new Int32Array(size);
  let k = 0;
  balancedCounts(size, classes).forEach((n, cls) => {
    for (let i = 0; i < n; i++, k++) {
      const [a, b] = point(cls, i, n);
      x[2 * k] = a;
      x[2 * k + 1] = b;
      y[k] = cls;
    }
  });
  return { x, y };
}

function spirals(size: number, arms: number, noise: number, turns: number, rng: Rng): Points {
  // Radius grows with the angle, so arms interleave: a linear model cannot separate them.
  const { x, y } = fill(size, arms, (cls, i, n) => {
    const t = n > 1 ? i / (n - 1) : 0;
    const r = 0.05 + 0.95 * t;
    const angle = turns * 2 * Math.PI * t + (2 * Math.PI * cls) / arms;
    return [r * Math.cos(angle) + noise * rng.normal(), r * Math.sin(angle) + noise * rng.normal()];
  });
  return { x, y, classes: arms, description: `${size} points on ${arms} interleaved spiral arms of ${turns} turns (noise ${noise}); one class per arm.` };
}

function twoMoons(size: number, noise: number, rng: Rng): Points {
  // scikit-learn's make_moons, shifted and scaled to be centred on the origin.
  const { x, y } = fill(size, 2, (cls) => {
    const t = rng.uniform(0, Math.PI);
    const [a, b] = cls === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [(a - 0.5) * 1.2 + noise * rng.normal(), (b - 0.25) * 1.2 + noise * rng.normal()];
  });
  return { x, y, classes: 2, description: `${size} points on two interleaving half circles (noise ${noise}).` };
}

function circles(size: number, rings: number, noise: number, rng: Rng): Points {
  const { x, y } = fill(size, rings, (cls) => {
    const r = (cls + 1) / rings;
    const t = rng.uniform(0, 2 * Math.PI);
    return [r * Math.cos(t) + noise * rng.normal(), r * Math.sin(t) + noise * rng.normal()];
  });
  return { x, y, classes: rings, description: `${size} points on ${rings} concentric circles (noise ${noise}); one class per circle.` };
}

function xor(size: number, noise: number, rng: Rng): Points {
  // Class 0: quadrants where x and y share a sign; class 1: opposite signs. A small gap keeps
  // the labels right before noise is added.
  const { x, y } = fill(size, 2, (cls) => {
    const sx = rng.next() < 0.5 ? -1 : 1;
    const sy = cls === 0 ? sx : -sx;
    const a = sx * rng.uniform(0.05, 1);
    const b = sy * rng.uniform(0.05, 1);
    return [a + noise * rng.normal(), b + noise * rng.normal()];
  });
  return { x, y, classes: 2, description: `${size} points in four quadrants labelled by the sign of x·y (noise ${noise}).` };
}

function blobs(size: number, classes: number, std: number, rng: Rng): Points {
  const turn = rng.uniform(0, 2 * Math.PI);
  const { x, y } = fill(size, classes, (cls) => {
    const angle = turn + (2 * Math.PI * cls) / classes;
    return [Math.cos(angle) + std * rng.normal(), Math.sin(angle) + std * rng.normal()];
  });
  return { x, y, classes, description: `${size} points in ${classes} Gaussian blobs (standard deviation ${std}) around a unit circle.` };
}
