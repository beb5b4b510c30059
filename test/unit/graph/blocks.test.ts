import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockInstances, detectBlocks, identicalBlocks } from '../../../src/graph/blocks';
import { blocksToRepeatGroup, designBlocks, foldedOwner, setFolded } from '../../../src/graph/blocksEdit';
import { DesignBuilder } from '../../../src/graph/builder';
import { Design } from '../../../src/graph/design';
import { exampleDesigns, plainMlp, residualMlp } from '../../../src/graph/examples';
import { serializeDesign } from '../../../src/graph/parse';
import { unroll } from '../../../src/graph/unroll';
import { validateDesign } from '../../../src/graph/validate';
import { compileDesign } from '../../../src/compile/toTfjs';
import { importModel } from '../../../src/import';
import { saveWithTfjs } from '../import/support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const examples = exampleDesigns();

describe('residual block detection', () => {
  it('finds the 9 blocks of ResNet-20, 2 of them with a projection shortcut', () => {
    const blocks = detectBlocks(examples['resnet-20-cifar.rescanvas.json']);
    expect(blocks).toHaveLength(9);
    expect(blocks.filter((b) => b.kind === 'projection')).toHaveLength(2);
    const first = blocks[0];
    // relu(x + F(x)): the activation after the Add belongs to the block and is what the next layer reads.
    expect(first.fork).toBe('activation_1');
    expect(first.exit).toBe('activation_3');
    expect(first.members).toEqual(['conv2d_2', 'batchnorm_2', 'activation_2', 'conv2d_3', 'batchnorm_3', 'add_1', 'activation_3']);
    expect(first.description).toBe('2× Conv2D + BN, identity shortcut');
    expect(blocks[1].fork).toBe(first.exit);
    const projection = blocks.find((b) => b.kind === 'projection');
    expect(projection?.shortcut.map((id) => id.replace(/_\d+$/, ''))).toEqual(['conv2d', 'batchnorm']);
    expect(projection?.description).toBe('2× Conv2D + BN, projection shortcut (Conv2D + BN)');
    expect(blocks.every((b) => b.parent === null)).toBe(true);
  });

  it('finds 27 blocks in Residual MLP-56 and 9 in Residual MLP-20, all identity', () => {
    const blocks = detectBlocks(examples['residual-mlp-56.rescanvas.json']);
    expect(blocks).toHaveLength(27);
    expect(blocks.every((b) => b.kind === 'identity' && b.description === '2× Dense + BN, identity shortcut')).toBe(true);
    expect(detectBlocks(residualMlp(20))).toHaveLength(9);
  });

  it("finds the 1002-layer example's block inside its repeat group: 500 once unrolled", () => {
    const design = examples['residual-mlp-1002-repeat.rescanvas.json'];
    const blocks = detectBlocks(design);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].groupId).toBe('block');
    expect(blockInstances(blocks)).toBe(500);
    const unrolled = unroll(design);
    const flat = detectBlocks({ nodes: unrolled.nodes.map((n) => ({ id: n.id, type: n.node.type, params: n.node.params })), edges: unrolled.edges });
    expect(flat).toHaveLength(500);
    expect(flat.every((b) => b.kind === 'identity')).toBe(true);
  });

  it('finds none in plain nets', () => {
    for (const d of [plainMlp(20), examples['plain-mlp-56.rescanvas.json'], examples['plain-20-cifar.rescanvas.json']]) expect(detectBlocks(d)).toEqual([]);
  });

  it('finds the blocks of a ResNet-style model imported from tf.js', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const convBn = (x: tf.SymbolicTensor, filters: number, strides: number, name: string): tf.SymbolicTensor => {
      const c = tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, name: `${name}_conv` }).apply(x) as tf.SymbolicTensor;
      return tf.layers.batchNormalization({ name: `${name}_bn` }).apply(c) as tf.SymbolicTensor;
    };
    let x = tf.layers.activation({ activation: 'relu', name: 'stem_relu' }).apply(convBn(input, 4, 1, 'stem')) as tf.SymbolicTensor;
    for (const [i, [filters, strides]] of [
      [4, 1],
      [8, 2],
      [8, 1],
    ].entries()) {
      const h = tf.layers.activation({ activation: 'relu', name: `b${i}_relu1` }).apply(convBn(x, filters, strides, `b${i}_a`)) as tf.SymbolicTensor;
      const g = convBn(h, filters, 1, `b${i}_b`);
      const shortcut = strides === 1 ? x : convBn(x, filters, strides, `b${i}_proj`);
      const sum = tf.layers.add({ name: `b${i}_add` }).apply([g, shortcut]) as tf.SymbolicTensor;
      x = tf.layers.activation({ activation: 'relu', name: `b${i}_out` }).apply(sum) as tf.SymbolicTensor;
    }
    const gap = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(gap) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const saved = await saveWithTfjs(model);
    const imported = await importModel({ text: saved.modelJson, fileName: 'model.json', readFile: (p) => (p === 'weights.bin' ? saved.bin : null) });
    const blocks = detectBlocks(imported.design);
    expect(blocks.map((b) => b.kind)).toEqual(['identity', 'projection', 'identity']);
    expect(blocks.map((b) => imported.design.nodes.find((n) => n.id === b.exit)?.name ?? b.exit).length).toBe(3);
    model.dispose();
  });

  it('finds nested blocks and names the parent', () => {
    const b = new DesignBuilder('nested');
    const input = b.add('Input', { shape: [4] });
    const x = b.add('Dense', { units: 8 }, { from: input });
    const h = b.add('Dense', { units: 8 }, { from: x });
    const inner1 = b.add('Dense', { units: 8 }, { from: h });
    const innerAdd = b.add('Add', {}, { id: 'inner', from: [inner1, h] });
    const g = b.add('Dense', { units: 8, activation: 'linear' }, { from: innerAdd });
    b.add('Add', {}, { id: 'outer', from: [g, x] });
    b.add('Output', { units: 2 }, { from: 'outer' });
    const blocks = detectBlocks(b.build());
    expect(blocks.map((bl) => [bl.id, bl.parent])).toEqual([
      ['inner', 'outer'],
      ['outer', null],
    ]);
    expect(blocks[1].members).toContain('inner');
  });

  it('ignores a merge whose branch leaks outside, and a merge of one node with itself', () => {
    const b = new DesignBuilder('leaky');
    const input = b.add('Input', { shape: [4] });
    const x = b.add('Dense', { units: 8 }, { from: input });
    const h = b.add('Dense', { units: 8 }, { from: x });
    const sum = b.add('Add', {}, { from: [h, x] });
    b.add('Concatenate', {}, { id: 'cat', from: [sum, h] });
    b.add('Output', { units: 2 }, { from: 'cat' });
    const ids = detectBlocks(b.build()).map((bl) => bl.id);
    expect(ids).not.toContain('add_1');
    expect(ids).toContain('cat');
    const self = detectBlocks({
      nodes: [
        { id: 'a', type: 'Input' },
        { id: 'b', type: 'Dense' },
        { id: 'm', type: 'Add' },
      ],
      edges: [
        { id: 'e1', source: 'a', target: 'b' },
        { id: 'e2', source: 'b', target: 'm' },
        { id: 'e3', source: 'b', target: 'm', targetPort: 1 },
      ],
    });
    expect(self).toEqual([]);
  });

  it('marks identical blocks and separates different ones', () => {
    const groups = identicalBlocks(detectBlocks(examples['resnet-20-cifar.rescanvas.json']));
    // Per stage: the first block differs (stride, projection) or the width does; the rest repeat.
    expect([...groups.values()].map((g) => g.length).sort()).toEqual([2, 2, 3]);
  });
});

describe('folding', () => {
  it('changes the view only: the compiled network keeps its parameters and predictions', () => {
    const design = examples['resnet-20-cifar.rescanvas.json'];
    const folded = setFolded(
      design,
      designBlocks(design).map((b) => b.id),
      true,
    );
    expect(folded.view?.folded).toHaveLength(9);
    expect(foldedOwner(folded).size).toBe(9 * 7 - 2 * 0 + 2 * 2);
    const a = compileDesign(design, tf).model;
    const b = compileDesign(folded, tf).model;
    expect(b.countParams()).toBe(a.countParams());
    b.setWeights(a.getWeights());
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 7);
    const ya = a.predict(x) as tf.Tensor;
    const yb = b.predict(x) as tf.Tensor;
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('survives a save and open, and unfolding restores the file as it was', () => {
    const design = residualMlp(20);
    const folded = setFolded(design, ['add_2', 'add_5', 'not_a_block'], true);
    expect(folded.view?.folded).toEqual(['add_2', 'add_5']);
    const reopened = Design.parse(JSON.parse(serializeDesign(folded)));
    expect(reopened.view?.folded).toEqual(['add_2', 'add_5']);
    expect(validateDesign(reopened).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const unfolded = setFolded(reopened, ['add_2', 'add_5'], false);
    expect(serializeDesign(unfolded)).toBe(serializeDesign(design));
    expect(setFolded(unfolded, [], false)).toBe(unfolded);
  });

  it('rejects a bad fold list with a message naming the field', () => {
    const raw = JSON.parse(serializeDesign(residualMlp(20))) as Record<string, unknown>;
    raw.view = { folded: ['ok_id', 'bad id!'] };
    const parsed = Design.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues[0].path)).toContain('folded');
  });
});

describe('turn into repeat group', () => {
  it('makes consecutive identical blocks one repeat group with the same network', () => {
    const design = residualMlp(20);
    const blocks = designBlocks(design);
    const ids = blocks.slice(1).map((b) => b.id);
    const result = blocksToRepeatGroup(design, ids);
    if (!result.ok) throw new Error(result.message);
    expect(result.design.groups).toHaveLength(1);
    expect(result.design.groups[0].repeat).toBe(8);
    expect(validateDesign(result.design).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const a = compileDesign(design, tf).model;
    const b = compileDesign(result.design, tf).model;
    expect(b.countParams()).toBe(a.countParams());
    expect(unroll(result.design).nodes.map((n) => n.node.type)).toEqual(unroll(design).nodes.map((n) => n.node.type));
    a.dispose();
    b.dispose();
  });

  it('refuses blocks that are not consecutive or not identical, naming them', () => {
    const resnet = examples['resnet-20-cifar.rescanvas.json'];
    const blocks = designBlocks(resnet);
    const gap = blocksToRepeatGroup(resnet, [blocks[0].id, blocks[2].id]);
    expect(gap.ok).toBe(false);
    if (!gap.ok) expect(gap.message).toMatch(/not consecutive/);
    const differ = blocksToRepeatGroup(resnet, [blocks[2].id, blocks[3].id]);
    expect(differ.ok).toBe(false);
    if (!differ.ok) expect(differ.message).toMatch(/differs/);
    const one = blocksToRepeatGroup(resnet, [blocks[0].id]);
    expect(one.ok).toBe(false);
  });
});
