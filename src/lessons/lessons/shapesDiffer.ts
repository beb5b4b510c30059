import { DesignBuilder } from '../../graph/builder';
import type { Design } from '../../graph/design';
import type { Diagnostic } from '../../graph/diagnostics';
import { applyFix } from '../../graph/fixes';
import { validateDesign } from '../../graph/validate';
import { adam, finalAccuracy, mean, num, percent } from '../measure';
import { outcome, type Lesson } from '../types';

/** A residual block whose branch widens 32 → 64 while the shortcut still carries 32 values. */
export function wideningBlock(): Design {
  const b = new DesignBuilder(
    'Widening block (needs a projection)',
    'The branch widens from 32 to 64 units; the identity shortcut cannot be added to it as it is.',
  );
  const x = b.add('Dense', { units: 32 }, { from: b.add('Input', { shape: [2] }) });
  const h = b.add('Dense', { units: 64 }, { from: x, column: 1 });
  const g = b.add('Dense', { units: 64, activation: 'linear' }, { from: h, column: 1 });
  const sum = b.add('Add', {}, { from: [g, x] });
  b.add('Output', { units: 2 }, { from: b.add('Activation', { activation: 'relu' }, { from: sum }) });
  return b.build();
}

/** A stage change in a conv net: the branch halves the image and doubles the filters (16 → 32). */
export function stageChange(): Design {
  const b = new DesignBuilder('Stage change (needs a projection)', 'The branch strides by 2 and doubles the filters; the shortcut keeps 8×8×16.');
  const x = b.add('Conv2D', { filters: 16, kernelSize: 3, padding: 'same' }, { from: b.add('Input', { shape: [8, 8, 3] }) });
  const h = b.add('Conv2D', { filters: 32, kernelSize: 3, strides: 2, padding: 'same' }, { from: x, column: 1 });
  const g = b.add('Conv2D', { filters: 32, kernelSize: 3, padding: 'same', activation: 'linear' }, { from: h, column: 1 });
  const sum = b.add('Add', {}, { from: [g, x] });
  b.add('Output', { units: 2 }, { from: b.add('GlobalAvgPool', {}, { from: b.add('Activation', { activation: 'relu' }, { from: sum }) }) });
  return b.build();
}

interface Fixed {
  before: Diagnostic | undefined;
  design: Design | null;
  inserted: string | null;
  error: string | null;
}

/** Validates, finds the projection quick fix the Add offers, and applies it. */
export function fixWithProjection(design: Design): Fixed {
  const before = validateDesign(design).diagnostics.find((d) => d.fix?.kind === 'insert-projection');
  if (!before?.fix) return { before, design: null, inserted: null, error: 'no insert-projection quick fix was offered' };
  const result = applyFix(design, before.fix);
  if (!result.ok) return { before, design: null, inserted: null, error: result.message };
  return { before, design: result.design, inserted: result.insertedNodeId, error: null };
}

function describeInserted(fixed: Fixed): string {
  const node = fixed.design?.nodes.find((n) => n.id === fixed.inserted);
  if (!node) return fixed.error ?? 'nothing inserted';
  if (node.type === 'Dense') return `Dense ${node.params.units} units, no bias`;
  if (node.type === 'Conv2D') return `Conv2D 1×1, ${node.params.filters} filters, stride ${String(node.params.strides)}`;
  return node.type;
}

export const shapesDiffer: Lesson = {
  id: 'shapes-differ',
  number: 9,
  title: 'When shapes differ',
  point: 'Where a block changes the shape, the shortcut needs a projection; the quick fix inserts it.',
  steps: [
    'A residual block whose branch widens from 32 to 64 units: x (32 values) cannot be added to F(x) (64 values). The Add shows a shape error.',
    "Its quick fix inserts a projection on the shortcut: a Dense without bias that maps 32 values onto 64 (ResNet's option B). In a conv net a stage change needs a strided 1×1 convolution instead.",
    'After the fix the design validates and trains (on two moons: one block is too shallow for the spirals).',
  ],
  overlay: 'none',
  source: 'He et al. 2016, Deep Residual Learning, eq. 2 and option B',
  setup(variant, seed) {
    const widening = fixWithProjection(wideningBlock());
    const stage = fixWithProjection(stageChange());
    const notes = [
      `widening block: ${widening.before?.message ?? 'no shape error'} → inserted ${describeInserted(widening)}`,
      `stage change: ${stage.before?.message ?? 'no shape error'} → inserted ${describeInserted(stage)}`,
    ];
    const runs = widening.design
      ? [
          {
            key: 'fixed',
            label: 'widening block with projection',
            design: widening.design,
            settings: adam({ kind: 'twoMoons', size: variant === 'full' ? 1000 : 600, noise: 0.1, seed }, variant === 'full' ? 30 : 12, seed),
          },
        ]
      : [];
    return { runs, notes };
  },
  expected({ records, setup }) {
    const widening = fixWithProjection(wideningBlock());
    const stage = fixWithProjection(stageChange());
    const valid = (f: Fixed) => f.design !== null && validateDesign(f.design).valid;
    const record = records.get('fixed');
    const losses = record?.stepLosses ?? [];
    const first = mean(losses.slice(0, 5));
    const last = record ? (record.outcome.loss ?? NaN) : NaN;
    const stageNode = stage.design?.nodes.find((n) => n.id === stage.inserted);
    return outcome(
      [
        {
          claim: 'the widening block has a shape error with a projection fix',
          expected: 'a shape-mismatch diagnostic offering insert-projection',
          measured: widening.before ? `${widening.before.code}: ${widening.before.message}` : 'none',
          held: widening.before?.code === 'shape-mismatch',
        },
        {
          claim: 'the fix inserts a projection and the design validates',
          expected: 'Dense 64 units on the shortcut; valid',
          measured: `${describeInserted(widening)}; ${valid(widening) ? 'valid' : 'still invalid'}`,
          held: valid(widening) && describeInserted(widening).startsWith('Dense 64'),
        },
        {
          claim: 'a conv stage change gets a strided 1×1 convolution',
          expected: 'Conv2D 1×1, 32 filters, stride 2; valid',
          measured: `${describeInserted(stage)}; ${valid(stage) ? 'valid' : 'still invalid'}`,
          held:
            valid(stage) &&
            stageNode?.type === 'Conv2D' &&
            stageNode.params.kernelSize === 1 &&
            stageNode.params.filters === 32 &&
            String(stageNode.params.strides) === '2',
        },
        {
          claim: 'the fixed design trains',
          expected: "final epoch loss < 0.8 × the first steps' loss",
          measured: `${num(last)} vs ${num(first)}, accuracy ${record ? percent(finalAccuracy(record)) : '—'}`,
          held: Number.isFinite(last) && last < 0.8 * first,
        },
      ],
      {
        columns: ['design', 'what the quick fix did'],
        rows: setup.notes?.map((n) => (n.split(': ').length > 1 ? [n.slice(0, n.indexOf(':')), n.slice(n.indexOf(':') + 2)] : [n, ''])) ?? [],
      },
    );
  },
};
