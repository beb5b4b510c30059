import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPytorchPackage, PytorchExportError } from '../../../src/export/pytorch';
import { DesignBuilder } from '../../../src/graph/builder';
import type { Design } from '../../../src/graph/design';
import { cifarResNet, deepResidualMlp } from '../../../src/graph/examples';
import { serializeDesign } from '../../../src/graph/parse';

function thrown(run: () => unknown): PytorchExportError {
  try {
    run();
  } catch (error) {
    if (error instanceof PytorchExportError) return error;
    throw error;
  }
  throw new Error('expected a PytorchExportError');
}

/** Dense straight after a Conv2D: rank mismatch, the design does not validate. */
function invalidDesign(): Design {
  const b = new DesignBuilder('bad');
  const input = b.add('Input', { shape: [8, 8, 3] });
  const conv = b.add('Conv2D', { filters: 4 }, { from: input });
  const dense = b.add('Dense', { units: 4 }, { from: conv, id: 'dense_after_conv' });
  b.add('Output', { units: 2 }, { from: dense });
  return b.build();
}

describe('PyTorch export: what cannot be exported is refused by name, and nothing is written', () => {
  const root = mkdtempSync(join(tmpdir(), 'rescanvas-pt-bad-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names nodes whose layer type the exporter cannot translate (e.g. from a newer app version)', () => {
    const design = deepResidualMlp(2);
    const future = {
      ...design,
      nodes: [...design.nodes, { id: 'attn_1', type: 'MultiHeadAttention', params: {}, position: { x: 0, y: 0 } }],
    } as unknown as Design;
    const error = thrown(() => exportPytorchPackage(future));
    expect(error.message).toContain('node "attn_1" has layer type "MultiHeadAttention"');
    expect(error.problems).toHaveLength(1);
  });

  it('names the node of a design that does not validate', () => {
    const error = thrown(() => exportPytorchPackage(invalidDesign()));
    expect(error.message).toMatch(/node dense_after_conv.*Dense needs a vector input/);
  });

  it('names the node whose weights are missing or mis-shaped', () => {
    const design = deepResidualMlp(2, 4);
    const missing = thrown(() => exportPytorchPackage(design, new Map()));
    expect(missing.message).toContain('node "dense_1": no tf.js weight "kernel" was given');
    const bad = new Map([
      [
        'dense_1',
        new Map([
          ['kernel', { shape: [3, 4], values: new Float32Array(12) }],
          ['bias', { shape: [4], values: new Float32Array(4) }],
        ]),
      ],
    ]);
    expect(thrown(() => exportPytorchPackage(design, bad)).message).toContain('node "dense_1": weight "kernel" has shape [3, 4] but the design needs [2, 4]');
  });

  it('writes BatchNorm momentum the PyTorch way and repeat groups as loops, not unrolled text', () => {
    const files = exportPytorchPackage(cifarResNet(1)).files;
    const model = files.find((f) => f.name === 'model.py')?.data as string;
    // The examples' 0.9 is PyTorch's 0.1; Keras' 0.99, still available, is PyTorch's 0.01.
    expect(model).toContain('nn.BatchNorm2d(16, eps=0.001, momentum=0.1)');
    const keras = cifarResNet(1);
    keras.nodes = keras.nodes.map((n) => (n.type === 'BatchNorm' ? { ...n, params: { ...n.params, momentum: 0.99 } } : n));
    expect(exportPytorchPackage(keras).files.find((f) => f.name === 'model.py')?.data as string).toContain('nn.BatchNorm2d(16, eps=0.001, momentum=0.01)');
    const deep = exportPytorchPackage(deepResidualMlp(500)).files.find((f) => f.name === 'model.py')?.data as string;
    expect(deep).toContain('nn.ModuleList(Block() for _ in range(500))');
    expect(deep.split('\n').length).toBeLessThan(400);
  });

  it('the CLI exits 2 with the node named and leaves no package folder behind', () => {
    const file = join(root, 'bad.rescanvas.json');
    writeFileSync(file, serializeDesign(invalidDesign()));
    const out = join(root, 'out');
    const r = spawnSync(process.execPath, ['bin/rescanvas.mjs', 'export', file, '--format', 'pytorch', '--out', out], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('dense_after_conv');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('the CLI refuses a non-empty output folder and leaves its files alone', () => {
    const file = join(root, 'ok.rescanvas.json');
    writeFileSync(file, serializeDesign(deepResidualMlp(2, 4)));
    const out = join(root, 'taken');
    rmSync(out, { recursive: true, force: true });
    spawnSync('mkdir', [out]);
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    const r = spawnSync(process.execPath, ['bin/rescanvas.mjs', 'export', file, '--format', 'pytorch', '--out', out], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not empty');
    expect(readdirSync(out)).toEqual(['mine.txt']);
  });
});
