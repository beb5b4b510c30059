import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../../../renderer/export/exportModel';
import { setHost } from '../../../renderer/host';
import { MemoryHost } from '../../../renderer/host/memory';
import { exampleDesigns } from '../../../src/graph/examples';
import { emptyDesign } from '../../../src/graph/design';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('renderer exportModel', () => {
  it('hands the host a tf.js bundle and says the weights are untrained', async () => {
    const host = new MemoryHost();
    setHost(host);
    const outcome = await exportModel('tfjs', exampleDesigns()['projection-shortcut.rescanvas.json']);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.message).toMatch(/untrained/);
    expect(host.exports).toHaveLength(1);
    expect(host.exports[0].files.map((f) => f.name)).toEqual(['model.json', 'weights.bin']);
    expect(host.exports[0].suggestedName).toBe('Projection-shortcut-tfjs');
  });

  it('reports design errors instead of exporting', async () => {
    const host = new MemoryHost();
    setHost(host);
    const outcome = await exportModel('keras', emptyDesign());
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/Could not export Keras JSON: the design has \d problems?/);
    expect(host.exports).toHaveLength(0);
  });
});
