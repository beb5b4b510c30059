import { beforeAll, describe, expect, it } from 'vitest';
import { compileDesign } from '../../../src/compile/toTfjs';
import { layersGraph } from '../../../src/compile/layersTopology';
import { compiledArtifacts } from '../../../src/compile/artifacts';
import { exampleDesigns } from '../../../src/graph/examples';
import { DesignBuilder } from '../../../src/graph/builder';
import { startBackend, tf } from '../export/support';

beforeAll(async () => {
  await startBackend();
});

/** What LayersModel.save hands its handler: tf.js' own serialization, the reference. */
async function savedByTfjs(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('nothing saved');
  return saved;
}

describe('layersGraph: tf.js model serialization without building a LayersModel', () => {
  it.each(Object.entries(exampleDesigns()))('%s: same topology, weight specs and weight bytes as LayersModel.save', async (_name, design) => {
    const compiled = compileDesign(design, tf);
    try {
      const ours = await compiledArtifacts(compiled, tf);
      const theirs = await savedByTfjs(compiled.model);
      expect(ours.topology).toEqual(JSON.parse(JSON.stringify(theirs.modelTopology)));
      expect(ours.specs).toEqual(theirs.weightSpecs?.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })));
      expect(Buffer.from(ours.weightData).equals(Buffer.from(new Uint8Array(tf.io.concatenateArrayBuffers(theirs.weightData as ArrayBuffer))))).toBe(true);
      expect(ours.generatedBy).toBe(theirs.generatedBy);
      expect(compiled.countParams()).toBe(compiled.model.countParams());
    } finally {
      compiled.dispose();
    }
  });

  it('leaves out a branch that does not reach the Output, as tf.model does', () => {
    const b = new DesignBuilder('dangling');
    const input = b.add('Input', { shape: [3] });
    const d = b.add('Dense', { units: 4 }, { from: input });
    b.add('Dense', { units: 5 }, { from: d });
    b.add('Output', { units: 2 }, { from: d });
    const compiled = compileDesign(b.build(), tf);
    try {
      const names = layersGraph(tf, compiled.input, compiled.output, compiled.name).layers.map((l) => l.name);
      expect(names).toEqual(compiled.model.layers.map((l) => l.name));
      expect(names).toHaveLength(3);
    } finally {
      compiled.dispose();
    }
  });
});
