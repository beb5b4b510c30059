import { plainMlp } from '../../graph/examples';
import { adam, finalAccuracy, finalLoss, num, percent, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

const FULL = [4, 8, 12, 16, 24];
// The quick form keeps the full budget (shallow nets are cheap) and drops the middle depths.
const QUICK = [4, 24];
const TRAINS = 0.7;
const STUCK = 0.6;

export const depthWithoutNorm: Lesson = {
  id: 'depth-without-norm',
  number: 1,
  title: 'Depth without normalization',
  point: 'Stacking plain ReLU layers without normalization stops training past a depth of a dozen or two layers.',
  steps: [
    'Five plain ReLU MLPs, 32 units wide, differ only in depth: 4, 8, 12, 16 and 24 weighted layers. No normalization, no shortcuts, Glorot initialization.',
    'All train on the same 1,000 spiral points with the same budget (Adam 3e-3, 40 epochs, batch 64).',
    'Watch the loss curves: the shallow nets separate the spirals; past some depth (here between 16 and 24 layers) the loss sits at ln 2 ≈ 0.693, the loss of a coin flip.',
    "Each ReLU layer halves the signal's second moment at initialization, so after a dozen layers almost nothing of the input reaches the output and almost no gradient reaches the first layers.",
  ],
  overlay: 'forward',
  source: 'Glorot & Bengio 2010; He et al. 2015 (Delving deep into rectifiers)',
  setup(variant, seed) {
    const depths = variant === 'full' ? FULL : QUICK;
    const dataset = spirals(1000, seed);
    const epochs = 40;
    return {
      runs: depths.map((d) => ({
        key: `plain-${d}`,
        label: `plain-${d}`,
        design: plainMlp(d, { width: 32, norm: 'none' }),
        settings: adam(dataset, epochs, seed),
      })),
    };
  },
  expected({ records, variant }) {
    const depths = variant === 'full' ? FULL : QUICK;
    const rows = depths.map((d) => {
      const r = requireRecord(records, `plain-${d}`);
      return { d, loss: finalLoss(r), accuracy: finalAccuracy(r) };
    });
    const shallow = rows.filter((r) => r.d <= 8);
    const deep = rows.filter((r) => r.d >= 24);
    const collapse = rows.find((r) => r.accuracy <= STUCK);
    return outcome(
      [
        {
          claim: 'the shallow nets (≤ 8 layers) train',
          expected: `training accuracy ≥ ${percent(TRAINS)}`,
          measured: shallow.map((r) => `${r.d}: ${percent(r.accuracy)}`).join(', '),
          held: shallow.every((r) => r.accuracy >= TRAINS),
        },
        {
          claim: 'the deep net (24 layers) does not',
          expected: `training accuracy ≤ ${percent(STUCK)} (chance is 50%)`,
          measured: `${deep.map((r) => `${r.d}: ${percent(r.accuracy)}`).join(', ')}; first stuck depth: ${collapse ? collapse.d : 'none'}`,
          held: deep.every((r) => r.accuracy <= STUCK),
        },
      ],
      { columns: ['depth', 'final training loss', 'training accuracy'], rows: rows.map((r) => [r.d, num(r.loss), percent(r.accuracy)]) },
    );
  },
};
