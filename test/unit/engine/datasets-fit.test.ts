import { describe, expect, it } from 'vitest';
import { Design, type DesignInput } from '../../../src/graph/design';
import { validateDesign } from '../../../src/graph/validate';
import { checkDatasetFitsDesign, fitDesignToDataset, loadDataset, type Dataset } from '../../../src/engine/datasets';

function mlp(inputShape: number[], units: number, extra: Partial<DesignInput> = {}): Design {
  const input: DesignInput = {
    format: 'rescanvas.design',
    version: 1,
    nodes: [
      { id: 'in', type: 'Input', params: { shape: inputShape } },
      ...(inputShape.length === 3 ? [{ id: 'flat', type: 'Flatten' as const }] : []),
      { id: 'hidden', type: 'Dense', params: { units: 8 } },
      { id: 'out', type: 'Output', params: { units } },
    ],
    edges: [],
    ...extra,
  };
  const ids = input.nodes.map((n) => n.id);
  input.edges = ids.slice(1).map((id, i) => ({ id: `e${i}`, source: ids[i], target: id }));
  return Design.parse(input);
}

/** A small image dataset without loading MNIST: same shape, 10 classes. */
function fakeImages(): Dataset {
  const split = { x: new Float32Array(0), y: new Int32Array(0), count: 0 };
  return { id: 'fake', name: 'Digits', kind: 'image', sampleShape: [28, 28, 1], classes: 10, train: split, validation: split, description: '' };
}

describe('checkDatasetFitsDesign / fitDesignToDataset', () => {
  it('reports nothing when Input and Output already match', async () => {
    const spirals = await loadDataset({ kind: 'spirals', size: 50 });
    expect(checkDatasetFitsDesign(spirals, mlp([2], 2))).toEqual([]);
  });

  it('names the Input shape and Output units mismatch plainly, on the right nodes', () => {
    const problems = checkDatasetFitsDesign(fakeImages(), mlp([2], 2));
    expect(problems.map((p) => [p.code, p.nodeId, p.fixable])).toEqual([
      ['input-shape', 'in', true],
      ['output-units', 'out', true],
    ]);
    expect(problems[0].message).toBe(
      "the design's Input expects [2] but Digits samples are [28, 28, 1] (the design takes vectors, the dataset has images); set the Input shape to [28, 28, 1]",
    );
    expect(problems[1].message).toBe('Output has 2 units but Digits has 10 classes; set the Output units to 10');
  });

  it('fits the design: a new, valid design with the dataset shape and classes; the original is untouched', async () => {
    const design = mlp([2], 2);
    const before = structuredClone(design);
    const spirals3 = await loadDataset({ kind: 'spirals', classes: 3, size: 60 });
    const shapes = await loadDataset({ kind: 'shapes', size: 20, side: 16 });
    const fitted = fitDesignToDataset(design, spirals3);
    expect(design).toEqual(before);
    expect(checkDatasetFitsDesign(spirals3, fitted)).toEqual([]);
    expect(fitted.nodes.find((n) => n.id === 'out')).toMatchObject({ params: { units: 3 } });

    // A vector net fed images: the Input changes, and validation then asks for a Flatten (the user's call, with its own quick fix).
    const toImages = fitDesignToDataset(design, shapes);
    expect(toImages.nodes.find((n) => n.id === 'in')).toMatchObject({ params: { shape: [16, 16, 3] } });
    expect(checkDatasetFitsDesign(shapes, toImages)).toEqual([]);
    expect(validateDesign(toImages).diagnostics.find((d) => d.nodeId === 'hidden')).toMatchObject({ code: 'rank', fix: { kind: 'insert-flatten' } });
    const imageNet = mlp([8, 8, 3], 4);
    const fittedImageNet = fitDesignToDataset(imageNet, shapes);
    expect(validateDesign(fittedImageNet).valid).toBe(true);
    expect(validateDesign(fittedImageNet).nodeShapes).toBeDefined();
  });

  it('returns the same object when nothing needs fitting', async () => {
    const design = mlp([2], 2);
    expect(fitDesignToDataset(design, await loadDataset({ kind: 'xor', size: 20 }))).toBe(design);
  });

  it('accepts one sigmoid unit with binary cross-entropy for two classes', async () => {
    const design = mlp([2], 1);
    const binary = {
      ...design,
      nodes: design.nodes.map((n) =>
        n.type === 'Output' ? { ...n, params: { ...n.params, activation: 'sigmoid' as const, loss: 'binaryCrossentropy' as const } } : n,
      ),
    };
    const moons = await loadDataset({ kind: 'twoMoons', size: 20 });
    expect(checkDatasetFitsDesign(moons, binary)).toEqual([]);
    expect(fitDesignToDataset(binary, moons)).toBe(binary);
    // ...but a softmax head with one unit is wrong and gets two.
    expect(checkDatasetFitsDesign(moons, design).map((p) => p.code)).toEqual(['output-units']);
  });

  it('designs without, or with several, Inputs/Outputs get problems that the fit cannot resolve', () => {
    const design = mlp([2], 2);
    const noIo = { ...design, nodes: design.nodes.filter((n) => n.type === 'Dense'), edges: [] };
    expect(checkDatasetFitsDesign(fakeImages(), noIo).map((p) => [p.code, p.fixable])).toEqual([
      ['no-input', false],
      ['no-output', false],
    ]);
    const twoInputs: Design = { ...design, nodes: [...design.nodes, { id: 'in2', type: 'Input', params: { shape: [3] }, position: { x: 0, y: 0 } }] };
    const problems = checkDatasetFitsDesign(fakeImages(), twoInputs);
    expect(problems[0]).toMatchObject({ code: 'several-inputs', fixable: false });
    expect(problems[0].message).toMatch(/2 Input nodes \(in, in2\)/);
    const fitted = fitDesignToDataset(twoInputs, fakeImages());
    expect(fitted.nodes.filter((n) => n.type === 'Input').map((n) => n.params.shape)).toEqual([[2], [3]]);
    expect(fitted.nodes.find((n) => n.type === 'Output')).toMatchObject({ params: { units: 10 } });
  });
});
