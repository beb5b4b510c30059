import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignText } from '../../../src/graph/parse';
import type { Design } from '../../../src/graph/design';
import type { NamedWeights } from '../../../src/schema/weights';
import { networkFingerprint } from '../../../renderer/export/networkFingerprint';
import { createAppStore } from '../../../renderer/store/store';
import { weightsFor } from '../../../renderer/store/weightsSlice';

function example(name: string): Design {
  const parsed = parseDesignText(readFileSync(new URL(`../../../assets/examples/${name}.rescanvas.json`, import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  return parsed.design;
}

function chain() {
  const store = createAppStore();
  const s = () => store.getState();
  s().addLayer('Input', { x: 0, y: 0 });
  s().addLayer('Dense', { x: 0, y: 100 });
  s().addLayer('Output', { x: 0, y: 200 });
  s().connectNodes('input_1', 'dense_1');
  s().connectNodes('dense_1', 'output_1');
  return store;
}

const someWeights = (): NamedWeights => new Map([['dense_1/kernel', { shape: [2, 2], dtype: 'float32' as const, data: new Float32Array([1, 2, 3, 4]) }]]);

describe('networkFingerprint', () => {
  it('ignores positions, names, metadata, the fold state, the layout direction and array order', () => {
    const design = example('resnet-20-cifar');
    const base = networkFingerprint(design);
    const viewed: Design = {
      ...design,
      metadata: { ...design.metadata, name: 'renamed', description: 'other' },
      nodes: [...design.nodes].reverse().map((n, i) => ({ ...n, name: `layer ${i}`, position: { x: n.position.x + 50, y: -n.position.y } })),
      edges: [...design.edges].reverse().map((e, i) => ({ ...e, id: `edge_${i}` })),
      view: { folded: design.nodes.filter((n) => n.type === 'Add').map((n) => n.id), direction: 'right' },
    };
    expect(networkFingerprint(viewed)).toBe(base);
  });

  it('changes with a parameter, a layer, a wire, the input order of a merge and a repeat count', () => {
    const design = example('resnet-20-cifar');
    const base = networkFingerprint(design);
    const conv = design.nodes.findIndex((n) => n.type === 'Conv2D');
    const withParam = {
      ...design,
      nodes: design.nodes.map((n, i) => (i === conv && n.type === 'Conv2D' ? { ...n, params: { ...n.params, filters: n.params.filters + 1 } } : n)),
    };
    expect(networkFingerprint(withParam)).not.toBe(base);
    const extra = { ...design, nodes: [...design.nodes, { id: 'dropout_x', type: 'Dropout' as const, params: { rate: 0.5 }, position: { x: 0, y: 0 } }] };
    expect(networkFingerprint(extra)).not.toBe(base);
    expect(networkFingerprint({ ...design, edges: design.edges.slice(1) })).not.toBe(base);
    const add = design.edges.findIndex((e) => design.nodes.find((n) => n.id === e.target)?.type === 'Add');
    const reordered = { ...design, edges: design.edges.map((e, i) => (i === add ? { ...e, targetPort: e.targetPort + 1 } : e)) };
    expect(networkFingerprint(reordered)).not.toBe(base);
    const repeated = example('residual-mlp-1002-repeat');
    const more = { ...repeated, groups: repeated.groups.map((g) => ({ ...g, repeat: g.repeat + 1 })) };
    expect(repeated.groups.length).toBeGreaterThan(0);
    expect(networkFingerprint(more)).not.toBe(networkFingerprint(repeated));
    expect(networkFingerprint({ ...repeated, groups: repeated.groups.map((g) => ({ ...g, collapsed: !g.collapsed })) })).toBe(networkFingerprint(repeated));
  });

  it('tells the bundled examples apart', () => {
    const names = ['plain-20-cifar', 'resnet-20-cifar', 'plain-mlp-20', 'residual-mlp-20', 'residual-mlp-56', 'plain-mlp-56', 'projection-shortcut'];
    expect(new Set(names.map((n) => networkFingerprint(example(n)))).size).toBe(names.length);
  });
});

describe('weights slice', () => {
  it('keeps weights while the network is unchanged: moves, renames and undo keep them, an edit does not', () => {
    const store = chain();
    const s = () => store.getState();
    expect(weightsFor(s().keptWeights, s().design)).toEqual({ status: 'none' });
    s().keepWeights(someWeights(), s().design, 'imported from model.json');
    expect(weightsFor(s().keptWeights, s().design).status).toBe('fit');
    s().moveNodes(new Map([['dense_1', { x: 300, y: 300 }]]));
    s().setName('dense_1', 'hidden');
    expect(weightsFor(s().keptWeights, s().design).status).toBe('fit');
    s().setParams('dense_1', { units: 7 });
    expect(weightsFor(s().keptWeights, s().design)).toEqual({ status: 'edited', source: 'imported from model.json' });
    store.undo();
    expect(weightsFor(s().keptWeights, s().design).status).toBe('fit');
    s().addLayer('Dropout', { x: 0, y: 400 });
    expect(weightsFor(s().keptWeights, s().design).status).toBe('edited');
  });

  it('stays out of the undo history and of the design', () => {
    const store = chain();
    const s = () => store.getState();
    const steps = store.temporal.getState().pastStates.length;
    s().keepWeights(someWeights(), s().design, 'from net.weights.json');
    expect(store.temporal.getState().pastStates.length).toBe(steps);
    expect(JSON.stringify(s().design)).not.toContain('weights');
    store.undo();
    expect(s().keptWeights?.source).toBe('from net.weights.json');
    s().dropWeights();
    expect(s().keptWeights).toBeNull();
  });

  it('asks once at a time: a new question answers the open one "no"', async () => {
    const store = createAppStore();
    const s = () => store.getState();
    const first = s().askFreshWeights('tf.js model', 'imported from a.json');
    const second = s().askFreshWeights('Keras JSON', 'imported from a.json');
    await expect(first).resolves.toBe(false);
    expect(s().freshWeightsOffer?.format).toBe('Keras JSON');
    s().freshWeightsOffer?.answer(true);
    await expect(second).resolves.toBe(true);
    expect(s().freshWeightsOffer).toBeNull();
  });
});
