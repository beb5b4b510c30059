import { residualMlp } from '../../graph/examples';
import type { Design } from '../../graph/design';
import { atInit, edgeGradientNorm, gradientNorm, gradientRms, num, requireInitFrame, requireRecord, spirals } from '../measure';
import { outcome, type Lesson } from '../types';

const DEPTH = 20;

/** Each identity-shortcut Add with its shortcut source and the edges leaving that source. */
export function residualBlocks(design: Design): { add: string; source: string; shortcutEdge: string; branchEdge: string }[] {
  return design.nodes
    .filter((n) => n.type === 'Add')
    .map((add) => {
      const inputs = design.edges.filter((e) => e.target === add.id).sort((a, b) => a.targetPort - b.targetPort);
      // The builder wires [branch, shortcut]: port 1 is the identity.
      const shortcut = inputs[1];
      const branch = design.edges.find((e) => e.source === shortcut.source && e.target !== add.id);
      if (!branch) throw new Error(`Add "${add.id}" has no branch leaving "${shortcut.source}"`);
      return { add: add.id, source: shortcut.source, shortcutEdge: shortcut.id, branchEdge: branch.id };
    });
}

export const backwardSymmetric: Lesson = {
  id: 'backward-symmetric',
  number: 6,
  title: 'The backward graph is symmetric',
  point: 'The backward pass of a residual net is a residual net too: the gradient rides the shortcuts back unchanged.',
  steps: [
    'A residual-20 net (nine blocks relu(x + F(x)), BatchNorm in the branches), at initialization: one batch forward, its gradient back.',
    'Backward overlay: an Add copies its incoming gradient to both inputs, so the shortcut carries exactly the gradient that arrived at the block — the identity, mirrored.',
    'Where x fans out into the branch and the shortcut, the two gradients add up again: the backward graph has the same shape as the forward one.',
    'Because every block passes its gradient on through an identity, no block can shrink it: the first block receives at least as much gradient as the last.',
  ],
  overlay: 'backward',
  source: 'He et al. 2016, Identity Mappings in Deep Residual Networks, eq. 5',
  setup(_variant, seed) {
    return {
      runs: [
        {
          key: 'residual-20',
          label: 'residual-20 at initialization',
          design: residualMlp(DEPTH, { width: 32, norm: 'batch' }),
          settings: atInit(spirals(80, seed), seed),
          maxSteps: 1,
        },
      ],
    };
  },
  expected({ records, setup }) {
    const frame = requireInitFrame(requireRecord(records, 'residual-20'));
    const blocks = residualBlocks(setup.runs[0].design);
    const rows = blocks.map((b) => {
      const arriving = gradientNorm(frame, b.add);
      const shortcut = edgeGradientNorm(frame, b.shortcutEdge);
      const branch = edgeGradientNorm(frame, b.branchEdge);
      return { ...b, arriving, shortcut, branch, input: gradientNorm(frame, b.source), rms: gradientRms(frame, b.add) };
    });
    const identity = rows.map((r) => r.shortcut / r.arriving);
    const worst = Math.max(...identity.map((v) => Math.abs(v - 1)));
    const passed = rows.map((r) => r.input / r.arriving);
    const weakest = Math.min(...passed);
    const spread = rows[0].rms / rows[rows.length - 1].rms;
    return outcome(
      [
        {
          claim: 'each shortcut carries back exactly the gradient that reached its Add',
          expected: '‖g shortcut‖ / ‖g at Add‖ = 1 (±1e-3) in every block',
          measured: `largest deviation ${num(worst)}`,
          held: worst <= 1e-3,
        },
        {
          claim: 'no block shrinks the gradient on its way back',
          expected: '‖g at block input‖ / ‖g at its Add‖ ≥ 0.8 in every block',
          measured: `smallest ${num(weakest)}`,
          held: weakest >= 0.8,
        },
        {
          claim: 'the gradient reaches the first block undiminished',
          expected: 'RMS(first Add) / RMS(last Add) ≥ 0.5 (a plain net of this depth: ~1e-5)',
          measured: num(spread),
          held: spread >= 0.5,
        },
      ],
      {
        columns: ['block (Add)', '‖g‖ at Add', '‖g‖ along shortcut', '‖g‖ into branch', '‖g‖ at block input', 'gradient RMS at Add'],
        rows: rows.map((r) => [r.add, num(r.arriving), num(r.shortcut), num(r.branch), num(r.input), num(r.rms)]),
      },
    );
  },
};
