import { describe, expect, it } from 'vitest';
import { NodeId } from '../../../src/graph/design';
import { validateDesign } from '../../../src/graph/validate';
import { importModel } from '../../../src/import';

const dense = (name: string, units = 4, activation = 'relu') => ({ class_name: 'Dense', config: { name, units, activation, use_bias: true } });

/** A Keras Sequential model: an input, the named Dense layers, a softmax Dense at the end. */
function sequential(names: string[]): string {
  return JSON.stringify({
    class_name: 'Sequential',
    config: {
      name: 'ids',
      layers: [
        { class_name: 'InputLayer', config: { name: 'input', batch_input_shape: [null, 4] } },
        ...names.map((n) => dense(n)),
        dense('probs', 3, 'softmax'),
      ],
    },
    keras_version: '2.15.0',
  });
}

describe('imported node ids fit the schema and are unique, whatever the layer names', () => {
  it('1,005 layers with long names that collide once cleaned and shortened', async () => {
    const long = 'residual_stage_one_block_'.repeat(4);
    const names = Array.from({ length: 1005 }, (_, i) => {
      if (i % 3 === 0) return `${long}dense_${i}`; // same first 100 characters
      if (i % 3 === 1) return `9/${long}/dense:${i}`; // cleaned: leading digit and punctuation
      return `dense_${i % 7}`.replace('_', i % 2 ? '-' : '.'); // "dense-1", "dense.1", … collide once cleaned
    });
    const { design } = await importModel({ text: sequential(names), fileName: 'ids.json' });
    const ids = design.nodes.map((n) => n.id);
    expect(ids).toHaveLength(1007);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(NodeId.safeParse(id).success, id).toBe(true);
    expect(Math.max(...ids.map((id) => id.length))).toBe(64);
    expect(validateDesign(design).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('keeps valid names, and gives a changed name the same id whatever the layer order', async () => {
    const names = ['conv_a', `${'x'.repeat(80)}_tail`, 'dense-1', 'dense_1'];
    const forward = (await importModel({ text: sequential(names), fileName: 'a.json' })).design.nodes.map((n) => n.id);
    const backward = (await importModel({ text: sequential([...names].reverse()), fileName: 'b.json' })).design.nodes.map((n) => n.id);
    expect(forward.slice(1, 3)).toEqual(['conv_a', expect.stringMatching(/^x{56}_[0-9a-z]{7}$/)]);
    expect(backward).toContain('conv_a');
    expect(backward).toContain(forward[2]);
  });
});
