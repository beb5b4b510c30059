import { deepResidualMlp } from '../../graph/examples';
import { adam, circles, mean, num, requireRecord } from '../measure';
import { outcome, type Lesson, type LessonRun } from '../types';
import type { RunRecord } from '../engine';

const BLOCKS = 500;
/** Circles need a curved boundary (a linear model is at chance), yet a net that trains fits them in a few dozen steps. */
const POINTS = 400;
const EPOCHS = 4;
/**
 * 500 branches that start at zero all receive the same upstream gradient, so their first updates add
 * up coherently: the whole stack moves about 500 times as far as one block. Adam at 1e-3 overshoots
 * and stays at chance; 3e-5 reaches 91–100 % on seeds 1–5 in 40 steps (the whole lesson, plain twin
 * included, took 40–55 s of CPU per seed on a loaded machine).
 */
const RATE = 3e-5;
/** The plain twin gets half the steps: enough to show it does not move, and the lesson stays near its CPU budget. */
const PLAIN_EPOCHS = 2;
const BATCH = 32;

/** The quick form's dozen steps only show the start of the fall; the full form's forty must go far. */
const FALL = { quick: 0.9, full: 0.7 } as const;

function finalValidation(r: RunRecord): number | null {
  return r.epochs.at(-1)?.validationAccuracy ?? null;
}

export const thousandLayers: Lesson = {
  id: 'thousand-layers',
  number: 8,
  title: '1000 layers',
  point: 'A residual net of 1,002 weighted layers whose blocks start as the identity learns in a few dozen steps; its plain twin stays at chance.',
  steps: [
    'One pre-norm residual block, x + W₂·relu(W₁·LayerNorm(x)), 16 units wide, written once and repeated 500 times with a repeat group: 1,002 weighted layers, 4,000 nodes once unrolled.',
    'W₂ starts at zero (its Initializer is "zeros"): every block starts as the identity, so at step 0 the 1000-layer net is a shallow one, and a block whose weights go to zero is exactly a layer that is not there (Goyal et al. 2017; ReZero, Bachlechner et al. 2020).',
    'All 500 branches see the same gradient at first, so their updates add up: Adam takes small steps here (3e-5), or the stack overshoots.',
    'Each block then learns a small correction. Watch the validation accuracy on the circles climb past 90 % within four epochs.',
    'The plain twin has the same 1,002 layers without shortcuts: signal and gradient must cross every layer, and it stays at chance on the same recipe (given half the steps, to keep the lesson short).',
  ],
  overlay: 'depthProfile',
  source: 'He et al. 2016 (Identity Mappings); Goyal et al. 2017 (zero-init γ); Bachlechner et al. 2020 (ReZero)',
  setup(variant, seed) {
    const full = variant === 'full';
    const settings = adam(circles(POINTS, seed), EPOCHS, seed, RATE, BATCH);
    const runs: LessonRun[] = [
      {
        key: 'residual-1002',
        label: 'residual MLP-1002, blocks start as the identity',
        design: deepResidualMlp(BLOCKS, 16),
        settings,
        maxSteps: full ? undefined : 12,
      },
    ];
    if (full)
      runs.push({
        key: 'plain-1002',
        label: `plain MLP-1002 (same layers, no shortcuts; ${PLAIN_EPOCHS} epochs)`,
        design: deepResidualMlp(BLOCKS, 16, { plain: true }),
        settings: adam(circles(POINTS, seed), PLAIN_EPOCHS, seed, RATE, BATCH),
      });
    return { runs };
  },
  expected({ records, variant }) {
    const r = requireRecord(records, 'residual-1002');
    const losses = r.stepLosses;
    const window = Math.max(2, Math.min(5, Math.floor(losses.length / 3)));
    const first = mean(losses.slice(0, window));
    const last = mean(losses.slice(-window));
    const finite = losses.every(Number.isFinite) && r.outcome.reason !== 'diverged';
    const checks = [
      { claim: 'training stays finite', expected: 'no NaN or Infinity in any step', measured: `${losses.length} steps, ${r.outcome.reason}`, held: finite },
      {
        claim: 'the loss falls',
        expected: `mean of the last ${window} step losses < ${FALL[variant]} × mean of the first ${window}`,
        measured: `${num(last)} vs ${num(first)} (${num(last / first)}×)`,
        held: finite && last < FALL[variant] * first,
      },
    ];
    const rows: (string | number)[][] = [
      ['residual 1002', losses.length, num(first), num(last), finalValidation(r) === null ? '—' : `${num(100 * finalValidation(r)!)} %`],
    ];
    if (variant === 'full') {
      const p = requireRecord(records, 'plain-1002');
      const residualAcc = finalValidation(r);
      const plainAcc = finalValidation(p);
      checks.push({
        claim: 'the 1000-layer residual net learns the circles',
        expected: 'final validation accuracy ≥ 90 %',
        measured: residualAcc === null ? 'no validation result' : `${num(100 * residualAcc)} %`,
        held: residualAcc !== null && residualAcc >= 0.9,
      });
      checks.push({
        claim: 'its plain twin stays at chance',
        expected: 'final validation accuracy ≤ 65 % (chance is 50 %)',
        measured: plainAcc === null ? 'no validation result' : `${num(100 * plainAcc)} %`,
        held: plainAcc !== null && plainAcc <= 0.65,
      });
      rows.push([
        'plain 1002',
        p.stepLosses.length,
        num(mean(p.stepLosses.slice(0, window))),
        num(mean(p.stepLosses.slice(-window))),
        plainAcc === null ? '—' : `${num(100 * plainAcc)} %`,
      ]);
    }
    return outcome(checks, { columns: ['net', 'steps', "first steps' loss", "last steps' loss", 'validation accuracy'], rows });
  },
};
