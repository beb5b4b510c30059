import { plainMlp } from '../../graph/examples';
import { adam, circles, finalAccuracy, finalLoss, num, percent, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

export const deeperIsWorse: Lesson = {
  id: 'deeper-is-worse',
  number: 3,
  title: 'Deeper is worse (plain 20 vs 56)',
  point: 'A deeper plain net ends with a higher training loss than a shallower one: degradation, not overfitting.',
  steps: [
    'Two plain nets with BatchNorm, 20 and 56 weighted layers, 32 units wide, on the same spirals and budget.',
    'The 56-layer net could copy the 20-layer one and set its extra 36 layers to the identity, so it should do at least as well.',
    'It does not: its training loss ends higher. The trouble is optimization, not overfitting — it is the training loss that is worse.',
    'This is Figure 1 of He et al. (2016), which motivated residual learning.',
  ],
  overlay: 'none',
  source: 'He et al. 2016, Deep Residual Learning, Fig. 1',
  setup(variant, seed) {
    // The quick form uses concentric circles, which the 20-layer net fits within 100 steps.
    const dataset = variant === 'full' ? spirals(1000, seed) : circles(600, seed);
    const settings = adam(dataset, variant === 'full' ? 40 : 12, seed);
    return {
      runs: [
        { key: 'plain-20', label: 'plain+BN-20', design: plainMlp(20, { width: 32, norm: 'batch' }), settings },
        { key: 'plain-56', label: 'plain+BN-56', design: plainMlp(56, { width: 32, norm: 'batch' }), settings },
      ],
    };
  },
  expected({ records }) {
    const p20 = requireRecord(records, 'plain-20');
    const p56 = requireRecord(records, 'plain-56');
    return outcome(
      [
        {
          claim: 'plain-56 ends with the higher training loss',
          expected: 'loss(56) > loss(20) + 0.05',
          measured: `loss(56) = ${num(finalLoss(p56))}, loss(20) = ${num(finalLoss(p20))}`,
          held: finalLoss(p56) > finalLoss(p20) + 0.05,
        },
      ],
      {
        columns: ['net', 'final training loss', 'training accuracy'],
        rows: [
          ['plain+BN-20', num(finalLoss(p20)), percent(finalAccuracy(p20))],
          ['plain+BN-56', num(finalLoss(p56)), percent(finalAccuracy(p56))],
        ],
      },
    );
  },
};
