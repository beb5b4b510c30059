import { plainMlp } from '../../graph/examples';
import { adam, finalAccuracy, finalLoss, num, percent, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

/** Measured here: 40 epochs on the spirals bring BN-20 to about 74% and BN-30 to about 61%, a 30-layer net without normalization to 50%. */
const ABOVE_CONTROL = 0.08;
const STUCK = 0.6;

export const normalizationHelps: Lesson = {
  id: 'normalization-helps',
  number: 2,
  title: 'Normalization helps',
  point: 'With BatchNorm after every layer, plain nets of 20–30 layers still train.',
  steps: [
    'The same plain ReLU MLPs, now with BatchNorm between each Dense and its ReLU (Dense → BatchNorm → ReLU, as in ResNet).',
    "BatchNorm rescales every layer's output to zero mean and unit variance over the batch, so the signal no longer shrinks layer after layer.",
    'A 30-layer net without normalization trains beside them as the control: same data, same budget.',
    'The normalized 20- and 30-layer nets train (on these spirals, within this budget, to about 74% and 62%); the control stays at chance.',
  ],
  overlay: 'forward',
  source: 'Ioffe & Szegedy 2015',
  setup(variant, seed) {
    // The quick form keeps the budget and drops BN-8 and BN-30: the spirals need the steps.
    const dataset = spirals(1000, seed);
    const epochs = 40;
    const settings = adam(dataset, epochs, seed);
    const runs = [
      // The control is 30 layers deep: at 20 the spirals sometimes still train without normalization (lesson 1 finds the edge between 16 and 24).
      { key: 'plain-30', label: 'plain-30, no normalization', design: plainMlp(30, { width: 32, norm: 'none' }), settings },
      ...(variant === 'full' ? [{ key: 'bn-8', label: 'plain+BN-8', design: plainMlp(8, { width: 32, norm: 'batch' }), settings }] : []),
      { key: 'bn-20', label: 'plain+BN-20', design: plainMlp(20, { width: 32, norm: 'batch' }), settings },
      ...(variant === 'full' ? [{ key: 'bn-30', label: 'plain+BN-30', design: plainMlp(30, { width: 32, norm: 'batch' }), settings }] : []),
    ];
    return { runs };
  },
  expected({ records, setup }) {
    const rows = setup.runs.map((run) => {
      const r = requireRecord(records, run.key);
      return { key: run.key, label: run.label, loss: finalLoss(r), accuracy: finalAccuracy(r) };
    });
    const normalized = rows.filter((r) => r.key === 'bn-20' || r.key === 'bn-30');
    const control = rows.filter((r) => r.key === 'plain-30');
    return outcome(
      [
        {
          claim: 'normalized nets of 20–30 layers train',
          expected: `training accuracy ≥ the control's + ${percent(ABOVE_CONTROL)} points, loss < ln 2 − 0.03`,
          measured: normalized.map((r) => `${r.label}: ${percent(r.accuracy)}, loss ${num(r.loss)}`).join('; '),
          held:
            control.length > 0 &&
            normalized.every((r) => r.accuracy >= Math.max(...control.map((c) => c.accuracy)) + ABOVE_CONTROL && r.loss < Math.LN2 - 0.03),
        },
        {
          claim: 'without normalization, 30 layers do not',
          expected: `training accuracy ≤ ${percent(STUCK)}`,
          measured: control.map((r) => `${r.label}: ${percent(r.accuracy)}`).join(', '),
          held: control.every((r) => r.accuracy <= STUCK),
        },
      ],
      { columns: ['net', 'final training loss', 'training accuracy'], rows: rows.map((r) => [r.label, num(r.loss), percent(r.accuracy)]) },
    );
  },
};
