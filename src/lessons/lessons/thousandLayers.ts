import { deepResidualMlp } from '../../graph/examples';
import { adam, mean, num, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

const BLOCKS = 500;

export const thousandLayers: Lesson = {
  id: 'thousand-layers',
  number: 8,
  title: '1000 layers',
  point: 'A residual net of about 1,000 weighted layers trains: its loss falls within the budget.',
  steps: [
    'One pre-norm residual block, x + W₂·relu(W₁·LayerNorm(x)), 16 units wide, written once and repeated 500 times with a repeat group: 1,002 weighted layers, 4,000 nodes once unrolled.',
    'A plain net this deep would pass neither signal nor gradient; here every block adds a small correction to an identity path.',
    'Deep residual stacks need small steps: Adam at 1e-4 (at 1e-3 the sum of 500 branches blows up).',
    'Watch the loss fall step by step. A step takes about a second on two cores, so the budget is a few epochs.',
  ],
  overlay: 'depthProfile',
  source: 'He et al. 2016 (Identity Mappings: ResNet-1001)',
  setup(variant, seed) {
    const full = variant === 'full';
    return {
      runs: [{ key: 'residual-1002', label: 'residual MLP-1002', design: deepResidualMlp(BLOCKS, 16), settings: adam(spirals(full ? 600 : 320, seed), full ? 6 : 2, seed, 1e-4, 64), maxSteps: full ? undefined : 10 }],
    };
  },
  expected({ records }) {
    const r = requireRecord(records, 'residual-1002');
    const losses = r.stepLosses;
    const window = Math.max(2, Math.min(5, Math.floor(losses.length / 3)));
    const first = mean(losses.slice(0, window));
    const last = mean(losses.slice(-window));
    const finite = losses.every(Number.isFinite) && r.outcome.reason !== 'diverged';
    return outcome(
      [
        { claim: 'training stays finite', expected: 'no NaN or Infinity in any step', measured: `${losses.length} steps, ${r.outcome.reason}`, held: finite },
        { claim: 'the loss falls within the budget', expected: `mean of the last ${window} step losses < 0.9 × mean of the first ${window}`, measured: `${num(last)} vs ${num(first)} (${num(last / first)}×)`, held: finite && last < 0.9 * first },
      ],
      {
        columns: ['steps', 'first steps\' loss', 'last steps\' loss', 'final accuracy', 'seconds per step'],
        rows: [[losses.length, num(first), num(last), r.outcome.accuracy === null ? '—' : num(r.outcome.accuracy), num(r.wallMs / 1000 / Math.max(1, losses.length))]],
      },
    );
  },
};
