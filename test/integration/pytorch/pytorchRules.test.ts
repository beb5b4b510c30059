import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../unit/export/layerCases';
import { prepareCase, runTorch, tf, torchStatus, type Prepared } from './pytorchSupport';

describe.skipIf(!torchStatus.ok)('PyTorch translation rules, each checked against tf.js (max abs diff ≤ 1e-4)', () => {
  const root = mkdtempSync(join(tmpdir(), 'rescanvas-pt-rules-'));
  const diffs = new Map<string, number>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const names = Object.keys(RULES);
    const prepared: Prepared[] = names.map((rule, i) => prepareCase(root, { name: `rule-${i}`, design: RULES[rule], batch: 3, seed: 11 + i }));
    runTorch(prepared).forEach((d, i) => diffs.set(names[i], d));
    console.log(`largest diff over ${names.length} rules: ${Math.max(...diffs.values()).toExponential(1)}`);
  }, 150_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const rule of Object.keys(RULES)) {
    it(rule, () => {
      expect(diffs.get(rule)).toBeLessThanOrEqual(1e-4);
    });
  }
});
