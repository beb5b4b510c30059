import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportDesignJson } from '../../../src/export/designJson';
import { parseDesignText } from '../../../src/graph/parse';
import { readImportFiles } from '../../../renderer/files/importModel';
import type { NamedWeights } from '../../../src/schema/weights';

function example() {
  const parsed = parseDesignText(readFileSync(new URL('../../../assets/examples/residual-mlp-20.rescanvas.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error('example does not parse');
  return parsed.design;
}

const asFile = (name: string, data: Uint8Array | string) => new File([typeof data === 'string' ? data : new Uint8Array(data)], name);

/** A design with a sidecar holding one (made-up) weight, as Export ▸ Design JSON and `rescanvas import` write it. */
function designWithSidecar(): File[] {
  const weights: NamedWeights = new Map([['dense_1/kernel', { shape: [2, 3], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]);
  return exportDesignJson(example(), weights, { fileName: 'net.rescanvas.json', source: 'test' }).files.map((f) => asFile(f.name, f.data));
}

describe('readImportFiles', () => {
  it('reads a design with its weights sidecar, values intact', async () => {
    const doc = await readImportFiles(designWithSidecar());
    expect(doc.name).toBe('net.rescanvas.json');
    expect(doc.source).toBe('from net.weights.json');
    expect([...(doc.weights?.get('dense_1/kernel')?.data ?? [])]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the missing weights file and reads nothing else', async () => {
    const files = designWithSidecar().filter((f) => !f.name.endsWith('.bin'));
    await expect(readImportFiles(files)).rejects.toThrow(/net\.weights\.bin.*not among the chosen files/);
  });

  it('names a truncated weights file', async () => {
    const files = designWithSidecar().map((f) => (f.name.endsWith('.bin') ? asFile(f.name, new Uint8Array(8)) : f));
    await expect(readImportFiles(files)).rejects.toThrow(/net\.weights\.bin: 8 bytes, but the manifest describes 24 bytes/);
  });

  it('refuses files that are not models, weights or designs, naming them', async () => {
    await expect(readImportFiles([asFile('notes.txt', 'hello')])).rejects.toThrow(/notes\.txt: not a model file/);
    await expect(readImportFiles([asFile('data.json', '{"rows": []}')])).rejects.toThrow(/data\.json: not a tf\.js model\.json/);
    await expect(readImportFiles([asFile('model.json', '{"modelTopology": ')])).rejects.toThrow(/model\.json.*not valid JSON/);
    await expect(readImportFiles([])).rejects.toThrow(/choose a model\.json/);
  });
});
