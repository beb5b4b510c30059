import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../../src/graph/builder';
import type { Design } from '../../../src/graph/design';
import { exampleDesigns } from '../../../src/graph/examples';
import { formatShape } from '../../../src/graph/shape';
import { validateDesign } from '../../../src/graph/validate';

const codes = (design: Design) => validateDesign(design).diagnostics.map((d) => `${d.code}${d.nodeId ? `@${d.nodeId}` : ''}`);

function mlp(build: (b: DesignBuilder, input: string) => string): Design {
  const b = new DesignBuilder('t');
  const input = b.add('Input', { shape: [4] }, { id: 'in' });
  b.add('Output', { units: 3 }, { id: 'out', from: build(b, input) });
  return b.build();
}

describe('validateDesign', () => {
  it('accepts every example and gives every edge a shape', () => {
    for (const [name, design] of Object.entries(exampleDesigns())) {
      const v = validateDesign(design);
      expect(v.diagnostics, name).toEqual([]);
      expect(v.edgeShapes.size, name).toBe(design.edges.length);
    }
  });

  it('infers the ResNet-20 stage shapes', () => {
    const design = exampleDesigns()['resnet-20-cifar.rescanvas.json'];
    const { nodeShapes } = validateDesign(design);
    const shapes = new Set([...nodeShapes.values()].map(formatShape));
    expect(shapes).toContain('[?, 32, 32, 16]');
    expect(shapes).toContain('[?, 16, 16, 32]');
    expect(shapes).toContain('[?, 8, 8, 64]');
    expect(shapes).toContain('[?, 64]');
  });

  it('reports a missing Input and Output', () => {
    const b = new DesignBuilder('t');
    b.add('Dense', {}, { id: 'd' });
    const found = codes(b.build());
    expect(found).toContain('no-input');
    expect(found).toContain('no-output');
  });

  it('reports more than one Input or Output on the extra node', () => {
    const b = new DesignBuilder('t');
    const a = b.add('Input', { shape: [2] }, { id: 'a' });
    b.add('Input', { shape: [2] }, { id: 'b' });
    b.add('Output', {}, { id: 'o', from: a });
    expect(codes(b.build())).toContain('no-input@b');
  });

  it('reports a cycle on the nodes that form it', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [2] }, { id: 'in' });
    const add = b.add('Add', {}, { id: 'add', from: input });
    const d = b.add('Dense', { units: 2 }, { id: 'd', from: add });
    b.connect(d, add, 1);
    b.add('Output', {}, { id: 'out', from: d });
    const found = codes(b.build());
    expect(found).toContain('cycle@add');
    expect(found).toContain('cycle@d');
    expect(found).not.toContain('cycle@out');
  });

  it('reports unreachable and dangling nodes', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [2] }, { id: 'in' });
    const lonely = b.add('Dense', {}, { id: 'lonely' });
    b.add('Dense', {}, { id: 'fed_by_lonely', from: lonely });
    b.add('Dense', {}, { id: 'dead_end', from: input });
    b.add('Output', {}, { id: 'out', from: input });
    const v = validateDesign(b.build());
    const byNode = new Map(v.diagnostics.map((d) => [d.nodeId, d]));
    expect(byNode.get('fed_by_lonely')?.code).toBe('unreachable');
    expect(byNode.get('lonely')?.code).toBe('arity');
    expect(byNode.get('dead_end')?.code).toBe('dangling');
    expect(byNode.get('dead_end')?.severity).toBe('warning');
  });

  it('reports wrong input counts', () => {
    const design = mlp((b, input) => b.add('Add', {}, { id: 'add', from: [input] }));
    expect(codes(design)).toContain('arity@add');
  });

  it('reports Dense after an image with the insert-Flatten fix', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [8, 8, 3] }, { id: 'in' });
    const conv = b.add('Conv2D', { filters: 4 }, { id: 'conv', from: input });
    const dense = b.add('Dense', { units: 5 }, { id: 'dense', from: conv });
    b.add('Output', {}, { id: 'out', from: dense });
    const [d] = validateDesign(b.build()).diagnostics;
    expect(d.code).toBe('rank');
    expect(d.nodeId).toBe('dense');
    expect(d.message).toContain('[?, 8, 8, 4]');
    expect(d.fix).toEqual({ kind: 'insert-flatten', edgeId: 'e_conv_dense' });
  });

  it('reports Conv2D on a vector as a rank problem', () => {
    const design = mlp((b, input) => b.add('Conv2D', {}, { id: 'conv', from: input }));
    expect(codes(design)).toContain('rank@conv');
  });

  it('names both shapes when an Add mismatches, and offers a projection on the shortcut', () => {
    const design = mlp((b, input) => {
      const x = b.add('Dense', { units: 8 }, { id: 'x', from: input });
      const h = b.add('Dense', { units: 16 }, { id: 'h', from: x });
      return b.add('Add', {}, { id: 'add', from: [h, x] });
    });
    const [d] = validateDesign(design).diagnostics;
    expect(d.code).toBe('shape-mismatch');
    expect(d.message).toContain('[?, 16]');
    expect(d.message).toContain('[?, 8]');
    expect(d.fix).toEqual({ kind: 'insert-projection', addNodeId: 'add', edgeId: 'e_x_add' });
  });

  it('reports Concatenate on mismatched spatial dims but accepts differing channels', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [8, 8, 3] }, { id: 'in' });
    const a = b.add('Conv2D', { filters: 4 }, { id: 'a', from: input });
    const s = b.add('Conv2D', { filters: 6, strides: 2 }, { id: 's', from: input });
    const bad = b.add('Concatenate', {}, { id: 'cat', from: [a, s] });
    const ok = b.add('Concatenate', {}, { id: 'cat_ok', from: [a, input] });
    const gap = b.add('GlobalAvgPool', {}, { id: 'gap', from: ok });
    b.add('Output', {}, { id: 'out', from: gap });
    const v = validateDesign(b.build());
    expect(v.diagnostics.filter((d) => d.nodeId === bad).map((d) => d.code)).toContain('concat-mismatch');
    expect(v.nodeShapes.get('cat_ok')).toEqual([8, 8, 7]);
  });

  it('reports invalid params edited into a design', () => {
    const design = mlp((b, input) => b.add('Dense', { units: 4 }, { id: 'd', from: input }));
    const broken = { ...design, nodes: design.nodes.map((n) => (n.id === 'd' ? { ...n, params: { ...n.params, units: -1 } } : n)) } as Design;
    const [d] = validateDesign(broken).diagnostics;
    expect(d.code).toBe('param');
    expect(d.path).toBe('nodes[1].params.units');
  });

  it('reports a valid-padding kernel larger than its input', () => {
    const b = new DesignBuilder('t');
    const input = b.add('Input', { shape: [2, 2, 1] }, { id: 'in' });
    const conv = b.add('Conv2D', { kernelSize: 5, padding: 'valid' }, { id: 'conv', from: input });
    const gap = b.add('GlobalAvgPool', {}, { from: conv });
    b.add('Output', {}, { from: gap });
    expect(codes(b.build())).toContain('param@conv');
  });

  describe('repeat groups', () => {
    it('reports a block with two outside inputs', () => {
      const b = new DesignBuilder('t');
      const input = b.add('Input', { shape: [4] }, { id: 'in' });
      const other = b.add('Dense', { units: 4 }, { id: 'other', from: input });
      const exit = b.repeat(3, () => b.add('Add', {}, { id: 'add', from: [input, other] }), { id: 'g' });
      b.add('Output', {}, { from: exit });
      const [d] = validateDesign(b.build()).diagnostics;
      expect(d.code).toBe('group');
      expect(d.groupId).toBe('g');
      expect(d.message).toMatch(/2 outside nodes/);
    });

    it('reports a repeated block that changes the shape', () => {
      const design = mlp((b, input) => b.repeat(4, () => b.add('Dense', { units: 9 }, { id: 'd', from: input }), { id: 'g' }));
      const [d] = validateDesign(design).diagnostics;
      expect(d.code).toBe('group');
      expect(d.message).toContain('[?, 4]');
      expect(d.message).toContain('[?, 9]');
    });

    it('accepts the same block once', () => {
      const design = mlp((b, input) => b.repeat(1, () => b.add('Dense', { units: 9 }, { id: 'd', from: input }), { id: 'g' }));
      expect(validateDesign(design).valid).toBe(true);
    });
  });

  it('validates the 1000-layer example', () => {
    const design = exampleDesigns()['residual-mlp-1002-repeat.rescanvas.json'];
    expect(validateDesign(design).valid).toBe(true);
  });
});
