import { plainMlp } from '../../graph/examples';
import { activationStat, atInit, gradientRms, histogramEntropy, num, requireInitFrame, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

const DEPTH = 30;
const FADED = 0.1;
const WITHIN = 10;

export const noiseAfterFewLayers: Lesson = {
  id: 'noise-after-few-layers',
  number: 5,
  title: 'Noise after a few layers',
  point: 'At initialization, a deep plain net loses its signal within a few layers, forward and backward.',
  steps: [
    'A 30-layer plain ReLU MLP without normalization, freshly initialized (Glorot). Nothing is trained: one batch goes forward and its gradient comes back.',
    "Forward overlay, histogram view: each layer's activations are a little smaller than the last one's; ReLU zeroes half of them and halves the second moment.",
    "Within a handful of layers the spread of the activations is a tenth of the first layer's — what reaches the output is a faint, shapeless remnant of the input.",
    'Backward overlay: the gradient shrinks the same way going back, so the first layers receive almost nothing to learn from.',
  ],
  overlay: 'histograms',
  source: 'Glorot & Bengio 2010; Balduzzi et al. 2017 (shattered gradients)',
  setup(_variant, seed) {
    return {
      runs: [
        {
          key: 'plain-30',
          label: 'plain-30 at initialization',
          design: plainMlp(DEPTH, { width: 32, norm: 'none' }),
          settings: atInit(spirals(80, seed), seed),
          maxSteps: 1,
        },
      ],
    };
  },
  expected({ records, setup }) {
    const frame = requireInitFrame(requireRecord(records, 'plain-30'));
    const hidden = setup.runs[0].design.nodes.filter((n) => n.type === 'Dense').map((n) => n.id);
    const std = hidden.map((id) => activationStat(frame, id, 'std'));
    const grad = hidden.map((id) => gradientRms(frame, id));
    const fadedAt = std.findIndex((s) => s < FADED * std[0]);
    const ratio = grad[0] / grad[grad.length - 1];
    const shown = hidden.map((id, i) => ({ id, i })).filter(({ i }) => i < 10 || i === hidden.length - 1);
    return outcome(
      [
        {
          claim: 'the forward signal fades within a few layers',
          expected: `activation std below ${FADED}× layer 1's by layer ${WITHIN}`,
          measured:
            fadedAt < 0 ? `never (layer ${hidden.length}: ${num(std[std.length - 1] / std[0])}×)` : `layer ${fadedAt + 1} (${num(std[fadedAt] / std[0])}×)`,
          held: fadedAt >= 0 && fadedAt + 1 <= WITHIN,
        },
        {
          claim: 'the gradient fades toward the input',
          expected: 'gradient RMS at layer 1 / at the last hidden layer < 1e-2',
          measured: num(ratio),
          held: ratio < 1e-2,
        },
      ],
      {
        columns: ['layer', 'activation std', 'zero fraction', 'histogram entropy (bits)', 'gradient RMS'],
        rows: shown.map(({ id, i }) => [
          i + 1,
          num(std[i]),
          num(activationStat(frame, id, 'zeroFraction')),
          num(histogramEntropy(frame, id, 'activation')),
          num(grad[i]),
        ]),
      },
    );
  },
};
