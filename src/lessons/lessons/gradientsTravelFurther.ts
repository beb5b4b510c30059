import { DesignBuilder } from '../../graph/builder';
import type { Design } from '../../graph/design';
import { atInit, gradientRms, num, requireInitFrame, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

const WIDTH = 64;
/**
 * 40 rather than 30: at 30 blocks the unnormalized residual net's growth, a product of one random
 * factor per block, fell short of 1e3 on one seed in ten (810×); at 40 it was 8e4 to 8e5× on seeds
 * 1–10 while the pre-norm net stayed at 3–5× and the plain one below 3e-6.
 */
const BLOCKS = 40;

type Kind = 'plain' | 'residual' | 'prenorm';

/** Blocks of width 64: plain relu(Wx), residual x + relu(Wx), pre-norm x + W·relu(LN(x)). The returned ids are the block outputs. */
export function profileNet(kind: Kind, blocks: number): { design: Design; blockIds: string[] } {
  const names: Record<Kind, string> = { plain: 'Plain ReLU', residual: 'Residual, no normalization', prenorm: 'Pre-norm residual' };
  const b = new DesignBuilder(`${names[kind]} (${blocks} blocks)`, `${blocks} blocks of width ${WIDTH}, Glorot initialization.`);
  // The 2-D points are embedded in 64 units and standardized once, so every net starts from a
  // unit-scale signal (as a 64-d Gaussian input would give); the blocks themselves differ only as named.
  let x = b.add('LayerNorm', {}, { from: b.add('Dense', { units: WIDTH, activation: 'linear' }, { from: b.add('Input', { shape: [2] }) }) });
  const blockIds: string[] = [];
  for (let i = 0; i < blocks; i++) {
    if (kind === 'plain') {
      x = b.add('Dense', { units: WIDTH, activation: 'relu' }, { from: x });
    } else {
      const branch =
        kind === 'prenorm'
          ? b.add(
              'Dense',
              { units: WIDTH, activation: 'linear' },
              { from: b.add('Activation', { activation: 'relu' }, { from: b.add('LayerNorm', {}, { from: x, column: 1 }), column: 1 }), column: 1 },
            )
          : b.add('Dense', { units: WIDTH, activation: 'relu' }, { from: x, column: 1 });
      x = b.add('Add', {}, { from: [branch, x] });
    }
    blockIds.push(x);
  }
  b.add('Output', { units: 2 }, { from: x });
  return { design: b.build(), blockIds };
}

const KINDS: { kind: Kind; label: string; expected: string; holds: (ratio: number) => boolean }[] = [
  { kind: 'plain', label: 'plain', expected: '< 1e-3 (vanishes toward the input)', holds: (r) => r < 1e-3 },
  { kind: 'residual', label: 'residual, no normalization', expected: '> 1e3 (grows toward the input)', holds: (r) => r > 1e3 },
  { kind: 'prenorm', label: 'residual + normalization', expected: 'within [0.1, 10] (about flat)', holds: (r) => r >= 0.1 && r <= 10 },
];

export const gradientsTravelFurther: Lesson = {
  id: 'gradients-travel-further',
  number: 7,
  title: 'Gradients travel further',
  point: 'Residuals and normalization together keep the gradient about the same size at every depth.',
  steps: [
    'Three nets of 40 blocks, 64 units wide, Glorot initialization, after the same standardized 64-unit embedding of the input: plain relu(Wx); residual x + relu(Wx) without normalization; pre-norm residual x + W·relu(LayerNorm(x)).',
    "One batch forward and back at initialization; the depth profile shows the gradient RMS at each block's output, input on the left.",
    'Plain: the gradient vanishes toward the input. Residual without normalization: each block adds to the signal, so the gradient grows toward the input.',
    'Residual with normalization: about flat. Residuals and normalization fix vanishing activations and gradients.',
  ],
  overlay: 'depthProfile',
  source: 'He et al. 2016 (Identity Mappings); Xiong et al. 2020 (pre-LN)',
  // One step at initialization is cheap, so the quick form is the full form.
  setup(_variant, seed) {
    return {
      runs: KINDS.map(({ kind, label }) => ({
        key: kind,
        label,
        design: profileNet(kind, BLOCKS).design,
        settings: atInit(spirals(80, seed), seed),
        maxSteps: 1,
      })),
    };
  },
  expected({ records }) {
    const measured = KINDS.map((k) => {
      const frame = requireInitFrame(requireRecord(records, k.kind));
      const ids = profileNet(k.kind, BLOCKS).blockIds;
      const profile = ids.map((id) => gradientRms(frame, id));
      return { ...k, profile, ratio: profile[0] / profile[profile.length - 1] };
    });
    const quarter = (p: number[]) => [0, Math.floor(p.length / 4), Math.floor(p.length / 2), Math.floor((3 * p.length) / 4), p.length - 1];
    return outcome(
      measured.map((m) => ({
        claim: `${m.label}: gradient RMS first block / last block`,
        expected: m.expected,
        measured: num(m.ratio),
        held: m.holds(m.ratio),
      })),
      {
        columns: ['net', ...quarter(measured[0].profile).map((i) => `block ${i + 1}`), 'first / last'],
        rows: measured.map((m) => [m.label, ...quarter(m.profile).map((i) => num(m.profile[i])), num(m.ratio)]),
      },
    );
  },
};
