import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWasm, tf } from '../engine/engineTestSupport';
import { EngineSession } from '../../../src/engine/session';
import { residualMlp } from '../../../src/graph/examples';
import type { Design } from '../../../src/graph/design';
import { PROTOCOL_VERSION, type FromEngine } from '../../../src/protocol/messages';
import type { EngineMessage } from '../../../renderer/engine';
import { requestEngineWeights } from '../../../renderer/export/engineWeights';
import { buildPytorchBundle, exportPytorch } from '../../../renderer/export/pytorchExport';
import { setHost } from '../../../renderer/host';
import { MemoryHost } from '../../../renderer/host/memory';
import { appStore } from '../../../renderer/store/store';
import type { RunRecord } from '../../../renderer/store/trainingSlice';
import type { TrainSettingsInput } from '../../../src/schema/settings';

beforeAll(startWasm);
afterEach(() => vi.unstubAllGlobals());

const SETTINGS: TrainSettingsInput = {
  dataset: { kind: 'spirals', size: 200 },
  epochs: 2,
  batchSize: 32,
  seed: 4,
  optimizer: { name: 'adamw', learningRate: 0.01 },
  schedule: { kind: 'step', everyEpochs: 1, factor: 0.5 },
  fitDesignToDataset: true,
};

function finishedRun(design: Design, id = 'r1'): RunRecord {
  return {
    id,
    label: 'residual · Spirals',
    designName: design.metadata.name,
    design,
    settings: SETTINGS,
    startedAt: 0,
    steps: [],
    epochs: [],
    profile: null,
    blockDrop: null,
    outcome: { reason: 'completed', epochs: 2, steps: 14, loss: 0.5, accuracy: 0.7, validationLoss: null, validationAccuracy: null },
  };
}

/** The engine the app trains with, in this process, behind the two calls the exporter makes of a connection. */
async function trainedEngine(design: Design) {
  const listeners = new Set<(m: EngineMessage) => void>();
  const session = new EngineSession(tf, {
    post: (m: FromEngine) => listeners.forEach((l) => l(m)),
    backend: { active: 'wasm', detail: '', skipped: [], forced: true },
    statsMaxInFlight: Infinity,
  });
  const connection = {
    send: (m: Parameters<typeof session.handle>[0]) => void session.handle(m),
    subscribe: (l: (m: EngineMessage) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  await session.handle({ v: PROTOCOL_VERSION, type: 'loadDesign', design });
  await session.handle({ v: PROTOCOL_VERSION, type: 'start', runId: 'r1', settings: SETTINGS });
  await session.idle();
  return connection;
}

const text = (files: { name: string; data: string | Uint8Array }[], name: string): string => {
  const file = files.find((f) => f.name === name);
  if (!file || typeof file.data !== 'string') throw new Error(`no text file ${name}`);
  return file.data;
};

describe('Export ▸ PyTorch from the renderer', () => {
  it('a fresh engine has no weights to give, so the export is untrained', async () => {
    const listeners = new Set<(m: EngineMessage) => void>();
    const session = new EngineSession(tf, {
      post: (m: FromEngine) => listeners.forEach((l) => l(m)),
      backend: { active: 'wasm', detail: '', skipped: [], forced: true },
      statsMaxInFlight: Infinity,
    });
    const weights = await requestEngineWeights({ send: (m) => void session.handle(m), subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) }, 5000);
    expect(weights).toBeNull();
  });

  it('packs the trained weights of the run, its dataset and its settings', async () => {
    const design = residualMlp(4, { width: 8 });
    const engine = await trainedEngine(design);
    const weights = await requestEngineWeights(engine, 10_000);
    expect(weights?.get('dense_1/kernel')?.shape).toEqual([2, 8]);
    const built = await buildPytorchBundle(design, { run: finishedRun(design), weights });
    const names = built.bundle.files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['model.py', 'train.py', 'data.py', 'config.json', 'README.md', 'weights.json', 'weights.bin', 'data.npz']));
    expect(built.trained).toBe(true);
    expect(built.bundle.suggestedName).toBe('Residual-MLP-4-pytorch');
    const config = JSON.parse(text(built.bundle.files, 'config.json')) as Record<string, unknown>;
    expect(config).toMatchObject({
      optimizer: 'adam',
      learningRate: 0.01,
      epochs: 2,
      batchSize: 32,
      seed: 4,
      schedule: { kind: 'step', everyEpochs: 1, factor: 0.5 },
    });
    expect(built.notes).toContain('train.py has no adamw; config.json uses adam');
    const bin = built.bundle.files.find((f) => f.name === 'weights.bin')?.data as Uint8Array;
    const floats = [...(weights?.values() ?? [])].reduce((n, w) => n + w.data.length, 0);
    expect(bin.byteLength).toBe(floats * 4);
    const kernel = weights?.get('dense_1/kernel')?.data;
    // Trained, not the compiler's fresh draw: the engine's kernel is what went in (PyTorch layout transposes it).
    const index = JSON.parse(text(built.bundle.files, 'weights.json')) as { tensors: { key: string; offset: number; from: string }[] };
    const entry = index.tensors.find((e) => e.from === 'dense_1/kernel');
    expect(entry).toBeDefined();
    if (entry && kernel) {
      const stored = new Float32Array(bin.slice(entry.offset, entry.offset + kernel.length * 4).buffer);
      expect(stored[0]).toBe(kernel[0]);
      expect(stored[1]).toBe(kernel[8]);
    }
  }, 120_000);

  it('through the host: writes the package, and a design it cannot translate writes nothing and says which node', async () => {
    const host = new MemoryHost();
    setHost(host);
    const design = residualMlp(4, { width: 8 });
    appStore.getState().loadDesign(design, 'residual', null);
    appStore.getState().replaceRuns([finishedRun(design)]);
    const noEngine = () => {
      throw new Error('the engine holds no model of a run opened from a file, so it must not be asked');
    };
    const ok = await exportPytorch(design, noEngine);
    expect(ok).toMatchObject({ ok: true });
    expect(ok.message).toMatch(/^Exported PyTorch package to Residual-MLP-4-pytorch, untrained/);
    expect(host.exports[0].files.map((f) => f.name)).toContain('data.npz');

    const future = {
      ...design,
      nodes: [...design.nodes, { id: 'attn_1', type: 'MultiHeadAttention', params: {}, position: { x: 0, y: 0 } }],
    } as unknown as Design;
    const refused = await exportPytorch(future, noEngine);
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('Could not export PyTorch package: node "attn_1" has layer type "MultiHeadAttention"');
    expect(host.exports).toHaveLength(1);
  });
});
