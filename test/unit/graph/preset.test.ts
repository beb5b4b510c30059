import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDesignText, parseDesignValue } from '../../../src/graph/parse';
import { exampleDesigns, starterDesign } from '../../../src/graph/examples';
import { TrainingPreset } from '../../../src/graph/preset';
import { settingsFromPreset, withPreset } from '../../../src/graph/presetSettings';
import { TrainSettings } from '../../../src/schema/settings';
import { validateDesign } from '../../../src/graph/validate';
import { formFromPreset, changedFromPreset } from '../../../renderer/training/presetForm';
import { DEFAULT_TRAINING_FORM } from '../../../renderer/store/trainingSlice';
import { buildSettings } from '../../../renderer/training/settings';

const root = join(import.meta.dirname, '..', '..', '..');
const residual20 = () => exampleDesigns()['residual-mlp-20.rescanvas.json'];

describe('training presets in design files', () => {
  it('every example carries a preset with an expected result, and it survives a write and a read', () => {
    for (const [name, design] of Object.entries(exampleDesigns())) {
      expect(design.preset?.expected, name).toBeDefined();
      const read = parseDesignText(readFileSync(join(root, 'assets', 'examples', name), 'utf8'));
      expect(read.ok && read.design.preset, name).toEqual(design.preset);
    }
  });

  it('a file written before presets existed (no preset, Keras momentum 0.99) still opens unchanged', () => {
    const old = JSON.parse(readFileSync(join(root, 'assets', 'examples', 'residual-mlp-20.rescanvas.json'), 'utf8')) as Record<string, unknown> & {
      nodes: { type: string; params: Record<string, unknown> }[];
    };
    delete old.preset;
    for (const n of old.nodes) if (n.type === 'BatchNorm') n.params.momentum = 0.99;
    const read = parseDesignValue(old);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.design.preset).toBeUndefined();
    expect(read.design.nodes.find((n) => n.type === 'BatchNorm')?.params).toMatchObject({ momentum: 0.99 });
  });

  it('a bad preset is refused naming the field, and a BatchNorm left without momentum gets the teaching default 0.9', () => {
    const doc = JSON.parse(JSON.stringify(residual20())) as Record<string, unknown> & { preset: Record<string, unknown> };
    doc.preset.learningRate = -1;
    const read = parseDesignValue(doc);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.diagnostics.map((d) => d.message).join('\n')).toContain('preset.learningRate');
    const csv = parseDesignValue({ ...doc, preset: { ...doc.preset, learningRate: 0.01, dataset: { kind: 'csv' } } });
    expect(csv.ok).toBe(false);
    const bare = parseDesignValue({ format: 'rescanvas.design', version: 1, nodes: [{ id: 'bn', type: 'BatchNorm' }], edges: [] });
    expect(bare.ok && bare.design.nodes[0].params).toEqual({ momentum: 0.9, epsilon: 0.001 });
  });

  it('settings from a preset are valid training settings with the dataset drawn from the run seed', () => {
    const preset = residual20().preset!;
    const settings = TrainSettings.parse(settingsFromPreset(preset, 4));
    expect(settings).toMatchObject({ epochs: 20, batchSize: 32, seed: 4, optimizer: { name: 'adam', learningRate: 3e-3 }, schedule: { kind: 'constant' } });
    expect(settings.dataset).toMatchObject({ kind: 'spirals', size: 600, noise: 0.05, turns: 1.25, seed: 4 });
  });

  it('flags given explicitly win over the preset; the preset fills the others', () => {
    const preset = residual20().preset!;
    const flags = { dataset: { kind: 'twoMoons' as const }, epochs: 3, batchSize: 64, seed: 7, optimizer: { name: 'sgd' as const, learningRate: 0.1 } };
    const none = TrainSettings.parse(withPreset(flags, preset, new Set()));
    expect(none).toMatchObject({
      epochs: 20,
      batchSize: 32,
      seed: 1,
      optimizer: { name: 'adam', learningRate: 3e-3 },
      dataset: { kind: 'spirals', turns: 1.25 },
    });
    const some = TrainSettings.parse(withPreset(flags, preset, new Set(['epochs', 'learningRate', 'seed'])));
    expect(some).toMatchObject({ epochs: 3, batchSize: 32, seed: 7, optimizer: { name: 'adam', learningRate: 0.1 }, dataset: { kind: 'spirals', seed: 7 } });
    const dataset = TrainSettings.parse(withPreset(flags, preset, new Set(['dataset'])));
    expect(dataset.dataset.kind).toBe('twoMoons');
    expect(withPreset(flags, undefined, new Set())).toBe(flags);
  });

  it('the Training panel form a preset sets builds the same settings as the CLI, and knows what the user changed', () => {
    const design = residual20();
    const form = formFromPreset(design.preset!, DEFAULT_TRAINING_FORM);
    const built = buildSettings(form, design);
    expect(built.ok).toBe(true);
    if (built.ok)
      expect(TrainSettings.parse({ ...built.settings, fitDesignToDataset: false })).toEqual(TrainSettings.parse(settingsFromPreset(design.preset!)));
    expect(changedFromPreset(form, form)).toEqual([]);
    expect(changedFromPreset({ ...form, epochs: 3, learningRate: 0.1 }, form)).toEqual(['learningRate', 'epochs']);
  });

  it('the starter design the start screen leaves is valid and has a preset', () => {
    const starter = starterDesign();
    expect(validateDesign(starter).valid).toBe(true);
    expect(TrainingPreset.safeParse(starter.preset).success).toBe(true);
  });

  it('rescanvas train uses the preset for flags not given and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescanvas-preset-'));
    const file = join(dir, 'small.rescanvas.json');
    const design = { ...starterDesign(), preset: { ...starterDesign().preset!, epochs: 1, dataset: { kind: 'circles' as const, size: 100, noise: 0.05 } } };
    writeFileSync(file, JSON.stringify(design));
    const r = spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), 'train', file, '--batch', '50', '--stats-interval-ms', '600000'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 290_000,
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.stdout).toContain(
      'preset from the design file: circles (100 samples, noise 0.05) · adam 0.003 · 1 epochs · batch 32 · seed 1 (flags override batchSize)',
    );
    // 80 training points in batches of 50 (the flag) is 2 steps; one epoch (the preset).
    expect(r.stdout).toContain('done (completed) after 1 epochs, 2 steps');
  }, 300_000);
});
