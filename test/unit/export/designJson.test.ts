import { describe, expect, it } from 'vitest';
import { exportDesignJson, WEIGHTS_FORMAT, type WeightArray } from '../../../src/export';
import { readWeights } from '../../../src/import/weights';
import { exampleDesigns } from '../../../src/graph/examples';
import { parseDesignText } from '../../../src/graph/parse';

describe('Design JSON export', () => {
  it('writes the document Open reads, unchanged', () => {
    const design = exampleDesigns()['residual-mlp-1002-repeat.rescanvas.json'];
    const bundle = exportDesignJson(design);
    expect(bundle.files.map((f) => f.name)).toEqual(['Residual-MLP-1002-repeat-group.rescanvas.json']);
    const parsed = parseDesignText(bundle.files[0].data as string);
    expect(parsed.ok && parsed.design).toEqual(design);
  });

  it('with weights adds the sidecar, which reads back to the same arrays', async () => {
    const design = exampleDesigns()['projection-shortcut.rescanvas.json'];
    const weights = new Map<string, WeightArray>([
      ['dense_1/kernel', { shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) }],
      ['dense_1/bias', { shape: [3], dtype: 'float32', data: Float32Array.from([0.25, 0, -1e-8]) }],
    ]);
    const bundle = exportDesignJson(design, weights, { fileName: 'mine.rescanvas.json', source: 'a test' });
    expect(bundle.files.map((f) => f.name)).toEqual(['mine.weights.bin', 'mine.weights.json', 'mine.rescanvas.json']);
    const sidecar = JSON.parse(bundle.files[1].data as string) as { format: string; source: string; weightsManifest: unknown };
    expect(sidecar).toMatchObject({ format: WEIGHTS_FORMAT, source: 'a test' });
    const back = await readWeights(sidecar.weightsManifest, (p) => (p === 'mine.weights.bin' ? (bundle.files[0].data as Uint8Array) : null), 'sidecar');
    expect([...back.keys()]).toEqual(['dense_1/kernel', 'dense_1/bias']);
    expect(Array.from(back.get('dense_1/kernel')?.data ?? [])).toEqual([1, 2, 3, 4, 5, -6.5]);
    expect(back.get('dense_1/bias')?.data[2]).toBe(Math.fround(-1e-8));
  });
});
