import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../../src/graph/builder';
import type { Design } from '../../../src/graph/design';
import { applyFix } from '../../../src/graph/fixes';
import { validateDesign } from '../../../src/graph/validate';

function fixAll(design: Design): Design {
  let current = design;
  for (let round = 0; round < 10; round++) {
    const fixable = validateDesign(current).diagnostics.find((d) => d.fix);
    if (!fixable?.fix) return current;
    const result = applyFix(current, fixable.fix);
    if (!result.ok) throw new Error(result.message);
    current = result.design;
  }
  return current;
}

describe('quick fixes', () => {
  it('insert Flatten makes Dense after Conv2D valid and leaves the input untouched', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [8, 8, 3] }, { id: 'in' });
    const conv = b.add('Conv2D', { filters: 4 }, { id: 'conv', from: input });
    b.add('Output', { units: 10 }, { id: 'out', from: conv });
    const design = b.build();
    const before = JSON.stringify(design);
    const fixed = fixAll(design);
    expect(JSON.stringify(design)).toBe(before);
    const v = validateDesign(fixed);
    expect(v.valid).toBe(true);
    const flatten = fixed.nodes.find((n) => n.type === 'Flatten');
    expect(flatten && v.nodeShapes.get(flatten.id)).toEqual([256]);
  });

  it('insert projection puts a bias-free Dense on the vector shortcut', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [4] }, { id: 'in' });
    const x = b.add('Dense', { units: 8 }, { id: 'x', from: input });
    const h = b.add('Dense', { units: 16 }, { id: 'h', from: x });
    const add = b.add('Add', {}, { id: 'add', from: [h, x] });
    b.add('Output', {}, { from: add });
    const fixed = fixAll(b.build());
    expect(validateDesign(fixed).valid).toBe(true);
    const projection = fixed.nodes.find((n) => n.name === 'projection');
    expect(projection).toMatchObject({ type: 'Dense', params: { units: 16, useBias: false, activation: 'linear' } });
    expect(fixed.edges.some((e) => e.source === 'x' && e.target === projection?.id)).toBe(true);
    expect(fixed.edges.some((e) => e.source === projection?.id && e.target === 'add')).toBe(true);
    // the branch still feeds the Add directly
    expect(fixed.edges.some((e) => e.source === 'h' && e.target === 'add')).toBe(true);
  });

  it('insert projection uses a strided 1x1 Conv2D when a stage halves the image', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [16, 16, 8] }, { id: 'in' });
    const h = b.add('Conv2D', { filters: 16, strides: 2 }, { id: 'h', from: input });
    const g = b.add('Conv2D', { filters: 16 }, { id: 'g', from: h });
    const add = b.add('Add', {}, { id: 'add', from: [g, input] });
    const gap = b.add('GlobalAvgPool', {}, { from: add });
    b.add('Output', {}, { from: gap });
    const fixed = fixAll(b.build());
    expect(validateDesign(fixed).valid).toBe(true);
    const projection = fixed.nodes.find((n) => n.name === 'projection');
    expect(projection).toMatchObject({ type: 'Conv2D', params: { filters: 16, kernelSize: 1, strides: 2 } });
  });

  it('keeps a node inserted inside a repeat group in that group', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [4, 4, 2] }, { id: 'in' });
    const conv = b.add('Conv2D', { filters: 2 }, { id: 'conv', from: input });
    const exit = b.repeat(
      2,
      () => {
        const c = b.add('Conv2D', { filters: 2 }, { id: 'c', from: conv });
        return b.add('Dense', { units: 4 }, { id: 'd', from: c });
      },
      { id: 'g' },
    );
    b.add('Output', {}, { from: exit });
    const design = b.build();
    const diagnostic = validateDesign(design).diagnostics.find((d) => d.fix?.kind === 'insert-flatten');
    expect(diagnostic?.fix).toBeDefined();
    const result = applyFix(design, diagnostic!.fix!);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.design.groups[0].nodeIds).toContain(result.insertedNodeId);
  });

  it('explains why a projection cannot be made across ranks', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [4, 4, 2] }, { id: 'in' });
    const flat = b.add('Flatten', {}, { id: 'flat', from: input });
    const add = b.add('Add', {}, { id: 'add', from: [flat, input] });
    b.add('Output', {}, { from: add });
    const result = applyFix(b.build(), { kind: 'insert-projection', addNodeId: 'add', edgeId: 'e_in_add' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/ranks differ/);
  });

  it('reports an unknown edge instead of throwing', () => {
    const b = new DesignBuilder('t');
    b.add('Input', {}, { id: 'in' });
    const result = applyFix(b.build(), { kind: 'insert-flatten', edgeId: 'nope' });
    expect(result).toEqual({ ok: false, message: 'edge "nope" is not in the design' });
  });

  it('repairs random residual blocks with mismatched widths (property check)', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    for (let trial = 0; trial < 40; trial++) {
      const image = trial % 2 === 0;
      const b = new DesignBuilder('t');
      const input = b.add('Input', { shape: image ? [rand(4) * 4, rand(4) * 4, rand(8)] : [rand(32)] }, { id: 'in' });
      const branch = image
        ? b.add('Conv2D', { filters: rand(16), strides: rand(2) }, { id: 'br', from: input })
        : b.add('Dense', { units: rand(32) }, { id: 'br', from: input });
      const add = b.add('Add', {}, { id: 'add', from: [branch, input] });
      const head = image ? b.add('GlobalAvgPool', {}, { from: add }) : add;
      b.add('Output', {}, { from: head });
      const fixed = fixAll(b.build());
      expect(validateDesign(fixed).diagnostics, `trial ${trial}`).toEqual([]);
    }
  });
});
