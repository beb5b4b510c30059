import { plainMlp } from '../../graph/examples';
import { adam, finalAccuracy, finalLoss, num, percent, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

const FULL = [4, 8, 12, 16, 24];
const QUICK = [4, 8, 24];
const TRAINS = 0.8;
const STUCK = 0.6;

export const depthWithoutNorm: Lesson = {
  id: 'depth-without-norm',
  number: 1,
  title: 'Depth without normalization',
  point: 'Stacking plain ReLU layers without normalization stops training past roughly 10–12 layers.',
  steps: [
    'Five plain ReLU MLPs, 32 units wide, differ only in depth: 4, 8, 12, 16 and 24 weighted layers. No normalization, no shortcuts, Glorot initialization.',
    'All train on the same 1,000 spiral points with the same budget (Adam 3e-3, 40 epochs, batch 64).',
    'Watch the loss curves: the shallow nets separate the spirals; the deep ones sit at ln 2 ≈ 0.693, the loss of a coin flip.',
    'Each ReLU layer halves the signal\'s second moment at initialization, so after a dozen layers almost nothing of the input reaches the output and almost no gradient reaches the first layers.',
  ],
  overlay: 'forward',
  source: 'Glorot & Bengio 2010; He et al. 2015 (Delving deep into rectifiers)',
  setup(variant, seed) {
    const depths = variant === 'full' ? FULL : QUICK;
    const dataset = spirals(variant === 'full' ? 1000 : 600, seed);
    const epochs = variant === 'full' ? 40 : 25;
    return { runs: depths.map((d) => ({ key: `plain-${d}`, label: `plain-${d}`, design: plainMlp(d, { width: 32, norm: 'none' }), settings: adam(dataset, epochs, seed) })) };
  },
  expected({ records, variant }) {
    const depths = variant === 'full' ? FULL : QUICK;
    const rows = depths.map((d) => {
      const r = requireRecord(records, `plain-${d}`);
      return { d, loss: finalLoss(r), accuracy: finalAccuracy(r) };
    });
    const shallow = rows.filter((r) => r.d <= 8);
    const deep = rows.filter((r) => r.d >= 16);
    return outcome(
      [
        { claim: 'the shallow nets (≤ 8 layers) train', expected: `training accuracy ≥ ${percent(TRAINS)}`, measured: shallow.map((r) => `${r.d}: ${percent(r.accuracy)}`).join(', '), held: shallow.every((r) => r.accuracy >= TRAINS) },
        { claim: 'the deep nets (≥ 16 layers) do not', expected: `training accuracy ≤ ${percent(STUCK)} (chance is 50%)`, measured: deep.map((r) => `${r.d}: ${percent(r.accuracy)}`).join(', '), held: deep.every((r) => r.accuracy <= STUCK) },
      ],
      { columns: ['depth', 'final training loss', 'training accuracy'], rows: rows.map((r) => [r.d, num(r.loss), percent(r.accuracy)]) },
    );
  },
};
