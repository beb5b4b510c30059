import { plainMlp } from '../../graph/examples';
import { adam, finalAccuracy, finalLoss, num, percent, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

const TRAINS = 0.75;
const STUCK = 0.6;

export const normalizationHelps: Lesson = {
  id: 'normalization-helps',
  number: 2,
  title: 'Normalization helps',
  point: 'With BatchNorm after every layer, plain nets of 20–30 layers still train.',
  steps: [
    'The same plain ReLU MLPs, now with BatchNorm between each Dense and its ReLU (Dense → BatchNorm → ReLU, as in ResNet).',
    'BatchNorm rescales every layer\'s output to zero mean and unit variance over the batch, so the signal no longer shrinks layer after layer.',
    'A 20-layer net without normalization trains beside them as the control: same data, same budget.',
    'The normalized 20- and 30-layer nets train; the control stays at chance.',
  ],
  overlay: 'forward',
  source: 'Ioffe & Szegedy 2015',
  setup(variant, seed) {
    const dataset = spirals(variant === 'full' ? 1000 : 600, seed);
    const epochs = variant === 'full' ? 40 : 20;
    const settings = adam(dataset, epochs, seed);
    const runs = [
      { key: 'plain-20', label: 'plain-20, no normalization', design: plainMlp(20, { width: 32, norm: 'none' }), settings },
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
    const control = rows.filter((r) => r.key === 'plain-20');
    return outcome(
      [
        { claim: 'normalized nets of 20–30 layers train', expected: `training accuracy ≥ ${percent(TRAINS)}`, measured: normalized.map((r) => `${r.label}: ${percent(r.accuracy)}`).join(', '), held: normalized.every((r) => r.accuracy >= TRAINS) },
        { claim: 'the same depth without normalization does not', expected: `training accuracy ≤ ${percent(STUCK)}`, measured: control.map((r) => `${r.label}: ${percent(r.accuracy)}`).join(', '), held: control.every((r) => r.accuracy <= STUCK) },
      ],
      { columns: ['net', 'final training loss', 'training accuracy'], rows: rows.map((r) => [r.label, num(r.loss), percent(r.accuracy)]) },
    );
  },
};
