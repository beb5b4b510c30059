import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileDesign, CompileError } from '../../../src/compile/toTfjs';
import { summarizeDesign } from '../../../src/compile/summary';
import { DesignBuilder } from '../../../src/graph/builder';
import { exampleDesigns, plainMlp, residualMlp } from '../../../src/graph/examples';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('compileDesign', () => {
  it.each(Object.keys(exampleDesigns()))('%s: countParams equals the design summary (Keras rules)', (name) => {
    const design = exampleDesigns()[name];
    const { model } = compileDesign(design, tf);
    expect(model.countParams()).toBe(summarizeDesign(design).totalParams);
    model.dispose();
  });

  it('per-node counts follow Keras for each layer kind', () => {
    const b = new DesignBuilder('kinds');
    const input = b.add('Input', { shape: [8, 8, 3] });
    const conv = b.add('Conv2D', { filters: 5, kernelSize: 3 }, { id: 'conv', from: input });
    const bn = b.add('BatchNorm', {}, { id: 'bn', from: conv });
    const ln = b.add('LayerNorm', {}, { id: 'ln', from: bn });
    const flat = b.add('Flatten', {}, { from: ln });
    const dense = b.add('Dense', { units: 7, useBias: false }, { id: 'dense', from: flat });
    b.add('Output', { units: 2 }, { id: 'out', from: dense });
    const design = b.build();
    const rows = new Map(summarizeDesign(design).rows.map((r) => [r.nodeId, r.params]));
    expect(rows.get('conv')).toBe(3 * 3 * 3 * 5 + 5);
    expect(rows.get('bn')).toBe(4 * 5);
    expect(rows.get('ln')).toBe(2 * 5);
    expect(rows.get('dense')).toBe(8 * 8 * 5 * 7);
    expect(rows.get('out')).toBe(7 * 2 + 2);
    const { model } = compileDesign(design, tf);
    for (const id of ['conv', 'bn', 'ln', 'dense', 'out']) expect(model.getLayer(id).countParams(), id).toBe(rows.get(id));
    model.dispose();
  });

  it('runs a forward pass on a residual and a plain example', () => {
    for (const design of [residualMlp(20), plainMlp(20), exampleDesigns()['resnet-20-cifar.rescanvas.json']]) {
      const { model } = compileDesign(design, tf);
      const shape = model.inputs[0].shape.map((d) => d ?? 3);
      const y = tf.tidy(() => model.predict(tf.randomNormal(shape)) as tf.Tensor);
      expect(y.shape[0]).toBe(3);
      const rows = y.sum(1).arraySync() as number[];
      for (const r of rows) expect(r).toBeCloseTo(1, 4); // softmax head
      y.dispose();
      model.dispose();
    }
  });

  it('unrolls a repeat group into named copies that feed each other', () => {
    const b = new DesignBuilder('group');
    const input = b.add('Input', { shape: [3] }, { id: 'in' });
    const exit = b.repeat(4, () => {
      const d = b.add('Dense', { units: 3, activation: 'linear' }, { id: 'd', from: input });
      return b.add('Add', {}, { id: 'add', from: [d, input] });
    });
    b.add('Output', { units: 2 }, { id: 'out', from: exit });
    const { model, graph } = compileDesign(b.build(), tf);
    expect(graph.nodes.map((n) => n.id)).toEqual(['in', 'd', 'add', 'd__1', 'add__1', 'd__2', 'add__2', 'd__3', 'add__3', 'out']);
    const add2 = graph.nodes.find((n) => n.id === 'add__2');
    expect(add2?.inputs.map((e) => e.source)).toEqual(['d__2', 'add__1']);
    expect(model.layers.map((l) => l.name)).toContain('d__3');
    expect(model.countParams()).toBe(4 * (3 * 3 + 3) + 3 * 2 + 2);
    model.dispose();
  });

  it('builds LeakyReLU as a separate layer, since tf.js has no such activation string', () => {
    const b = new DesignBuilder('leaky');
    const input = b.add('Input', { shape: [3] });
    const d = b.add('Dense', { units: 4, activation: 'leakyRelu' }, { id: 'd', from: input });
    b.add('Output', {}, { from: d });
    const { model, nodeLayers } = compileDesign(b.build(), tf);
    expect(nodeLayers.get('d')?.map((l) => l.getClassName())).toEqual(['Dense', 'LeakyReLU']);
    model.dispose();
  });

  it('refuses an invalid design with its diagnostics', () => {
    const b = new DesignBuilder('bad');
    b.add('Dense', {}, { id: 'd' });
    expect(() => compileDesign(b.build(), tf)).toThrow(CompileError);
    try {
      compileDesign(b.build(), tf);
    } catch (error) {
      expect((error as CompileError).diagnostics.map((d) => d.code)).toContain('no-input');
    }
  });

  it('compiles the ~1000-layer example (2000 unrolled nodes)', () => {
    const design = exampleDesigns()['residual-mlp-1002-repeat.rescanvas.json'];
    const { model, graph } = compileDesign(design, tf);
    expect(graph.nodes.length).toBe(2 + 500 * 4 + 2);
    expect(model.countParams()).toBe(summarizeDesign(design).totalParams);
    model.dispose();
  });
});
