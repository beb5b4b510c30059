import { plainMlp, residualMlp } from '../../graph/examples';
import { adam, circles, finalAccuracy, finalLoss, num, percent, requireRecord } from '../measure';
import { outcome, type Lesson } from '../types';

const TRAINS = 0.85;
const CLOSE = 0.08;

export const residualsFixIt: Lesson = {
  id: 'residuals-fix-it',
  number: 4,
  title: 'Residuals fix it',
  point: 'With identity shortcuts, the 56-layer net trains: far below plain-56 and close to residual-20.',
  steps: [
    'Four nets, all with BatchNorm as in ResNet: plain-20, plain-56, residual-20 and residual-56 (blocks of two Dense layers with an identity shortcut, relu(x + F(x))).',
    'They train one after another on the same data (concentric circles) and budget; all four loss curves share one chart.',
    'A residual block only has to learn the difference F(x) from the identity; an unneeded block can stay near zero and pass its input through.',
    'Residual-56 ends far below plain-56 and close to residual-20 (He et al. found it below with full training).',
  ],
  overlay: 'none',
  source: 'He et al. 2016, Deep Residual Learning, Fig. 1 and Table 6',
  setup(variant, seed) {
    const full = variant === 'full';
    // Concentric circles: within this budget the spirals leave even residual-20 short of
    // convergence (about 75% after 30 epochs here), which blurs the comparison.
    const dataset = circles(full ? 1000 : 600, seed);
    const settings = adam(dataset, full ? 20 : 12, seed);
    return {
      runs: [
        { key: 'plain-20', label: 'plain-20', design: plainMlp(20, { width: 32, norm: 'batch' }), settings },
        { key: 'plain-56', label: 'plain-56', design: plainMlp(56, { width: 32, norm: 'batch' }), settings },
        { key: 'residual-20', label: 'residual-20', design: residualMlp(20, { width: 32, norm: 'batch' }), settings },
        { key: 'residual-56', label: 'residual-56', design: residualMlp(56, { width: 32, norm: 'batch' }), settings },
      ],
    };
  },
  expected({ records, setup }) {
    const get = (key: string) => requireRecord(records, key);
    const [p20, p56, r20, r56] = ['plain-20', 'plain-56', 'residual-20', 'residual-56'].map(get);
    const checks = [
      {
        claim: 'residual-56 ends far below plain-56',
        expected: 'loss(residual-56) < loss(plain-56) − 0.15',
        measured: `${num(finalLoss(r56))} vs ${num(finalLoss(p56))}`,
        held: finalLoss(r56) < finalLoss(p56) - 0.15,
      },
    ];
    checks.push(
      {
        claim: 'both residual nets train',
        expected: `training accuracy ≥ ${percent(TRAINS)}`,
        measured: `residual-20 ${percent(finalAccuracy(r20))}, residual-56 ${percent(finalAccuracy(r56))}`,
        held: finalAccuracy(r20) >= TRAINS && finalAccuracy(r56) >= TRAINS,
      },
      {
        claim: 'residual-56 ends close to residual-20',
        expected: `accuracies within ${percent(CLOSE)} points`,
        measured: `${percent(finalAccuracy(r56))} vs ${percent(finalAccuracy(r20))}`,
        held: Math.abs(finalAccuracy(r56) - finalAccuracy(r20)) <= CLOSE,
      },
    );
    return outcome(checks, {
      columns: ['net', 'final training loss', 'training accuracy'],
      rows: setup.runs.map((run, i) => [run.label, num(finalLoss([p20, p56, r20, r56][i])), percent(finalAccuracy([p20, p56, r20, r56][i]))]),
    });
  },
};
