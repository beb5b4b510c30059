import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDesigns } from '../../../src/graph/examples';
import type { Design } from '../../../src/graph/design';
import { prepareCase, runTorch, tf, torchStatus, type Prepared } from './pytorchSupport';

/** The same design with a linear Output: compares logits, which softmax would squash. */
function logits(design: Design): Design {
  return { ...design, nodes: design.nodes.map((n) => (n.type === 'Output' ? { ...n, params: { ...n.params, activation: 'linear' as const } } : n)) };
}

const examples = Object.entries(exampleDesigns());

describe.skipIf(!torchStatus.ok)('PyTorch export reproduces tf.js outputs for every example design', () => {
  const root = mkdtempSync(join(tmpdir(), 'rescanvas-pt-eq-'));
  const diffs = new Map<string, number>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const prepared: { name: string; p: Prepared }[] = [];
    for (const [file, design] of examples) {
      const name = file.replace('.rescanvas.json', '');
      const batch = design.nodes.some((n) => n.type === 'Input' && n.params.shape.length === 3) ? 2 : 4;
      prepared.push({ name, p: prepareCase(root, { name, design, batch }) });
      prepared.push({ name: `${name} (logits)`, p: prepareCase(root, { name: `${name}-logits`, design: logits(design), batch }) });
    }
    runTorch(prepared.map((c) => c.p)).forEach((d, i) => diffs.set(prepared[i].name, d));
    console.log(`max |tf.js − PyTorch| per example: ${[...diffs].map(([n, d]) => `${n} ${d.toExponential(1)}`).join(', ')}`);
  }, 170_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const [file] of examples) {
    const name = file.replace('.rescanvas.json', '');
    it(`${name}: outputs and logits agree within 1e-4`, () => {
      expect(diffs.get(name)).toBeLessThanOrEqual(1e-4);
      expect(diffs.get(`${name} (logits)`)).toBeLessThanOrEqual(1e-4);
    });
  }
});
