import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResources } from '../../src/compile/resources';
import { DesignBuilder } from '../../src/graph/builder';
import { serializeDesign } from '../../src/graph/parse';
import { validateDesign } from '../../src/graph/validate';

const root = join(import.meta.dirname, '..', '..');

/**
 * Input[2] → Dense 16384 → 16 LayerNorms → Output: at batch 128 the memory estimate (~1.9 GB) lets it
 * through, which an empty wasm heap holds (measured peak 1.7 GB); the test first fills 3.3 GB of that heap
 * (test/support/cliOnFullHeap.ts), so the first training step runs out of memory for real.
 */
function layerNormTower() {
  const b = new DesignBuilder('LayerNorm tower');
  let previous = b.add('Dense', { units: 16384 }, { from: b.add('Input', { shape: [2] }) });
  for (let i = 0; i < 16; i++) previous = b.add('LayerNorm', {}, { from: previous });
  b.add('Output', { units: 2 }, { from: previous });
  return b.build();
}

// One process that grows a 4 GiB wasm heap: minutes on a loaded machine.
describe('rescanvas train when the engine fails fatally', { timeout: 900_000 }, () => {
  it('prints what happened and what to change, exits 2 without a stack, and ends the run log', () => {
    const design = layerNormTower();
    const run = { batchSize: 128, optimizer: 'adam' as const, samples: 300, evaluationBatch: 256 };
    expect(checkResources(design, validateDesign(design).nodeShapes, { run })).toEqual([]);
    const folder = mkdtempSync(join(tmpdir(), 'rescanvas-crash-'));
    const file = join(folder, 'tower.rescanvas.json');
    writeFileSync(file, serializeDesign(design));
    const log = join(folder, 'run.jsonl');

    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'test', 'support', 'cliOnFullHeap.ts'),
        String(3.3e9),
        'train',
        file,
        '--backend',
        'wasm',
        '--epochs',
        '1',
        '--size',
        '300',
        '--batch',
        '128',
        '--log',
        log,
      ],
      { cwd: root, encoding: 'utf8' },
    );

    expect(r.stderr).toMatch(/cliOnFullHeap: 3\.\d\d GiB of the wasm heap taken before training/);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^rescanvas: the engine( ran out of memory|'s WebAssembly runtime aborted, most likely out of memory) \(.+\); nothing was trained to the end: lower --batch or make the design smaller$/m,
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr).not.toContain('-sASSERTIONS');
    const end = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1) as string) as { kind: string; reason: string };
    expect(end).toMatchObject({ kind: 'end', reason: 'failed' });
  });
});
