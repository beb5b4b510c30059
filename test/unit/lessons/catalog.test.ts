import { describe, expect, it } from 'vitest';
import { LESSONS, findLesson, formatTable } from '../../../src/lessons';
import { validateDesign } from '../../../src/graph/validate';
import { TrainSettings } from '../../../src/schema/settings';
import { plainMlp, residualMlp } from '../../../src/graph/examples';
import { plainBlocks } from '../../../src/lessons/lessons/droppingLayers';
import { residualBlocks } from '../../../src/lessons/lessons/backwardSymmetric';
import { fixWithProjection, wideningBlock } from '../../../src/lessons/lessons/shapesDiffer';
import { profileNet } from '../../../src/lessons/lessons/gradientsTravelFurther';

describe('the lesson catalogue', () => {
  it('holds the lessons, numbered in order, with unique ids', () => {
    expect(LESSONS.map((l) => l.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(11);
    for (const l of LESSONS) {
      expect(l.steps.length, l.id).toBeGreaterThanOrEqual(3);
      expect(l.point.length, l.id).toBeGreaterThan(20);
    }
  });

  it('finds a lesson by id or number and nothing for an unknown name', () => {
    expect(findLesson('residuals-fix-it')?.number).toBe(4);
    expect(findLesson('4')?.id).toBe('residuals-fix-it');
    expect(findLesson('no-such-lesson')).toBeUndefined();
  });

  for (const variant of ['full', 'quick'] as const) {
    it(`every ${variant} run uses a valid design and valid settings`, () => {
      for (const lesson of LESSONS) {
        const setup = lesson.setup(variant, 3);
        expect(setup.runs.length, lesson.id).toBeGreaterThan(0);
        for (const run of setup.runs) {
          const validation = validateDesign(run.design);
          expect(
            validation.diagnostics.filter((d) => d.severity === 'error'),
            `${lesson.id}/${run.key}`,
          ).toEqual([]);
          const settings = TrainSettings.parse(run.settings);
          expect(settings.seed, `${lesson.id}/${run.key}`).toBe(3);
        }
        expect(new Set(setup.runs.map((r) => r.key)).size, lesson.id).toBe(setup.runs.length);
      }
    });
  }

  it('makes the quick form no bigger than the full form', () => {
    const cost = (variant: 'full' | 'quick', id: string) => {
      const lesson = findLesson(id);
      if (!lesson) throw new Error(id);
      return lesson.setup(variant, 1).runs.reduce((sum, r) => {
        const s = TrainSettings.parse(r.settings);
        const size = 'size' in s.dataset ? s.dataset.size : Infinity;
        const fraction = 'validationFraction' in s.dataset ? s.dataset.validationFraction : 0;
        const steps = Math.min(r.maxSteps ?? Infinity, s.epochs * Math.ceil((size * (1 - fraction)) / s.batchSize));
        return sum + steps * r.design.nodes.length;
      }, 0);
    };
    for (const lesson of LESSONS) expect(cost('quick', lesson.id), lesson.id).toBeLessThanOrEqual(cost('full', lesson.id));
  });
});

describe('lesson design helpers', () => {
  it('splits a plain twin into blocks of two hidden units, first Dense to last ReLU', () => {
    const design = plainMlp(20, { width: 8, norm: 'batch' });
    const spans = plainBlocks(design);
    expect(spans).toHaveLength(9);
    const type = (id: string) => design.nodes.find((n) => n.id === id)?.type;
    for (const s of spans) {
      expect(type(s.from)).toBe('Dense');
      expect(type(s.to)).toBe('Activation');
    }
    expect(spans[0].from).toBe('dense_2');
    expect(spans[8].to).toBe('activation_19');
  });

  it('finds each residual block with its identity shortcut and the branch leaving the same source', () => {
    const design = residualMlp(8, { width: 8, norm: 'batch' });
    const blocks = residualBlocks(design);
    expect(blocks).toHaveLength(3);
    for (const b of blocks) {
      const shortcut = design.edges.find((e) => e.id === b.shortcutEdge);
      const branch = design.edges.find((e) => e.id === b.branchEdge);
      expect(shortcut?.target).toBe(b.add);
      expect(shortcut?.source).toBe(b.source);
      expect(branch?.source).toBe(b.source);
      expect(branch?.target).not.toBe(b.add);
    }
  });

  it('offers and applies the projection quick fix; an already valid block offers none', () => {
    const fixed = fixWithProjection(wideningBlock());
    expect(fixed.before?.code).toBe('shape-mismatch');
    expect(fixed.design && validateDesign(fixed.design).valid).toBe(true);
    const none = fixWithProjection(residualMlp(4, { width: 8 }));
    expect(none.design).toBeNull();
    expect(none.error).toMatch(/no insert-projection/);
  });

  it('builds the three depth-profile nets with one block output per block', () => {
    for (const kind of ['plain', 'residual', 'prenorm'] as const) {
      const { design, blockIds } = profileNet(kind, 5);
      expect(blockIds).toHaveLength(5);
      expect(validateDesign(design).valid).toBe(true);
    }
  });

  it('formats a table with padded columns', () => {
    expect(formatTable({ columns: ['a', 'bb'], rows: [[1, 'xyz']] }).split('\n')).toEqual(['a  bb', '─  ───', '1  xyz']);
  });
});
