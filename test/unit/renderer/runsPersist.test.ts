import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newDocument, openDocument, openFile, saveFile, syncDocumentState } from '../../../renderer/files/fileActions';
import { setHost } from '../../../renderer/host';
import { MemoryHost } from '../../../renderer/host/memory';
import { appStore, isDirty } from '../../../renderer/store/store';
import type { RunOutcome, RunRecord } from '../../../renderer/store/trainingSlice';
import { plainMlp, residualMlp } from '../../../src/graph/examples';
import { MAX_CURVE_POINTS } from '../../../src/graph/savedRuns';
import { documentWithRuns, MAX_SAVED_CSV_CHARS } from '../../../renderer/store/runsFile';
import { TrainSettings } from '../../../src/schema/settings';
import { SaveRequest, OpenResult, parseRecoveryText } from '../../../src/protocol/ipc';

const s = () => appStore.getState();
let host: MemoryHost;

const outcome = (loss: number): RunOutcome => ({
  reason: 'completed',
  epochs: 2,
  steps: 20,
  loss,
  accuracy: 0.8,
  validationLoss: null,
  validationAccuracy: null,
});

/** Drives the slice the way the training controller does for one finished run of `steps` progress messages. */
function train(id: string, steps: number, nanAt = -1): RunRecord {
  const { design } = s();
  s().runStarting({
    id,
    label: `${id} · Spirals`,
    designName: design.metadata.name,
    design,
    settings: { dataset: { kind: 'spirals', size: 200 }, epochs: 2, batchSize: 32 },
    startedAt: 1_700_000_000_000,
    steps: [],
    epochs: [],
    outcome: null,
    profile: null,
    blockDrop: null,
  });
  for (let step = 1; step <= steps; step++) {
    s().runProgress(id, {
      epoch: 0,
      epochs: 2,
      step,
      stepsPerEpoch: 10,
      totalSteps: steps,
      loss: step === nanAt ? Number.NaN : 1 / step,
      accuracy: 0.5,
      learningRate: 0.01,
      stepsPerSecond: 5,
    });
  }
  s().runEpoch(id, { epoch: 1, loss: 0.5, accuracy: 0.7, validationLoss: 0.6, validationAccuracy: null });
  // As the controller does: the engine's whole `done` message stands in for the outcome.
  s().runDone(id, { v: 1, type: 'done', runId: id, ...outcome(1 / steps) } as RunOutcome);
  s().runProfile(id, { activationStd: [1, 0.1, null], gradientRms: [0.001, 0.01, 0.1] });
  s().runBlockDrop(id, { baseline: { loss: 0.5, accuracy: 0.7 }, results: [{ dropped: ['add_1'], loss: 0.9, accuracy: 0.55 }] });
  const run = s().runs.find((r) => r.id === id);
  if (!run) throw new Error('run not kept');
  return structuredClone(run);
}

beforeEach(() => {
  host = new MemoryHost();
  setHost(host);
  vi.stubGlobal('requestAnimationFrame', () => 0);
  newDocument();
  openDocument(residualMlp(4), 'residual-mlp-4', null);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('runs saved with the design file', () => {
  it('a finished run makes the document dirty; Save keeps runs and curves; reopening brings them back', async () => {
    expect(isDirty(s())).toBe(false);
    const first = train('r1', 30, 7);
    expect(isDirty(s())).toBe(true);
    const second = train('r2', 5000);
    await saveFile();
    expect(isDirty(s())).toBe(false);
    const text = host.files.get('untitled.rescanvas.json') ?? '';
    const saved = JSON.parse(text) as { runs: { id: string; steps: unknown[]; design: Record<string, unknown> }[]; nodes: unknown[] };
    expect(saved.runs.map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(saved.runs[1].steps).toHaveLength(MAX_CURVE_POINTS);
    // Both runs trained the document's own design, which the file does not repeat.
    expect(saved.runs[0]).not.toHaveProperty('design');
    expect(text.split('"nodes"')).toHaveLength(2);

    newDocument();
    expect(s().runs).toEqual([]);
    host.nextOpen = 'untitled.rescanvas.json';
    await openFile();
    expect(s().status?.text).toBe('Opened untitled.rescanvas.json');
    expect(isDirty(s())).toBe(false);
    expect(s().design.nodes).toHaveLength(saved.nodes.length);
    expect(s().design).not.toHaveProperty('runs');
    const [r1, r2] = s().runs;
    expect(r1).toEqual({ ...first, settings: TrainSettings.parse(first.settings), outcome: outcome(1 / 30) });
    expect(r1.steps[6].loss).toBeNaN();
    expect(r2.steps).toHaveLength(MAX_CURVE_POINTS);
    expect(r2.steps[0]).toEqual(second.steps[0]);
    expect(r2.steps.at(-1)).toEqual(second.steps.at(-1));
    expect({ ...r2, steps: [] }).toEqual({ ...second, steps: [], settings: TrainSettings.parse(second.settings), outcome: outcome(1 / 5000) });
  });

  it('a run of another design keeps its own snapshot in the file', async () => {
    train('plain', 10);
    openDocument(residualMlp(6), 'residual-mlp-6 (example)', null);
    train('residual', 10);
    await saveFile();
    const saved = JSON.parse(host.files.get('untitled.rescanvas.json') ?? '') as { runs: { id: string; design?: { nodes: unknown[] } }[] };
    expect(saved.runs.map((r) => [r.id, r.design?.nodes.length])).toEqual([
      ['plain', residualMlp(4).nodes.length],
      ['residual', undefined],
    ]);
    newDocument();
    host.nextOpen = 'untitled.rescanvas.json';
    await openFile();
    expect(s().runs.map((r) => r.design.nodes.length)).toEqual([residualMlp(4).nodes.length, residualMlp(6).nodes.length]);
  });

  it('a large CSV is not copied into every saved run; a small one is', async () => {
    const small = 'x,y,label\n1,2,0\n3,4,1\n';
    const large = small + '5,6,1\n'.repeat(MAX_SAVED_CSV_CHARS / 6 + 1);
    for (const [id, text] of [
      ['small', small],
      ['large', large],
    ] as const) {
      s().runStarting({
        id,
        label: id,
        designName: 'd',
        design: s().design,
        settings: { dataset: { kind: 'csv', name: `${id}.csv`, text } },
        startedAt: 0,
        steps: [],
        epochs: [],
        outcome: null,
        profile: null,
        blockDrop: null,
      });
      s().runDone(id, outcome(0.5));
    }
    await saveFile();
    const saved = JSON.parse(host.files.get('untitled.rescanvas.json') ?? '') as { runs: { settings: { dataset: { name: string; text: string } } }[] };
    expect(saved.runs.map((r) => [r.settings.dataset.name, r.settings.dataset.text.length])).toEqual([
      ['small.csv', small.length],
      ['large.csv', 0],
    ]);
  });

  it('the document with runs passes the save and open IPC schemas', () => {
    train('r1', 10);
    const { design, runs } = s();
    const document = documentWithRuns(design, runs);
    expect(document.runs).toHaveLength(1);
    expect(SaveRequest.safeParse({ design: document, handle: null }).error).toBeUndefined();
    expect(OpenResult.safeParse({ status: 'opened', file: { design: document, name: 'a.rescanvas.json', handle: null } }).error).toBeUndefined();
  });

  it('a malformed run is named in the status, the design and the other runs open', async () => {
    train('good', 10);
    train('bad', 10);
    await saveFile();
    const doc = JSON.parse(host.files.get('untitled.rescanvas.json') ?? '') as { runs: { epochs: { accuracy: unknown }[] }[] };
    doc.runs[1].epochs[0].accuracy = 'ninety';
    host.files.set('broken.rescanvas.json', JSON.stringify(doc));
    newDocument();
    host.nextOpen = 'broken.rescanvas.json';
    await openFile();
    expect(s().design.nodes.length).toBeGreaterThan(0);
    expect(s().fileName).toBe('broken.rescanvas.json');
    expect(s().runs.map((r) => r.id)).toEqual(['good']);
    expect(s().status?.tone).toBe('error');
    expect(s().status?.text).toMatch(/run 2 "bad · Spirals" \(id bad\) was not loaded: runs\[1\]\.epochs\[0\]\.accuracy: /);
  });

  it('an older file without runs opens and replaces the runs list; an example keeps it; New clears it', async () => {
    train('r1', 10);
    openDocument(plainMlp(3), 'plain-mlp-3 (example)', null);
    expect(s().runs.map((r) => r.id)).toEqual(['r1']);
    host.files.set('old.rescanvas.json', JSON.stringify(residualMlp(2)));
    host.nextOpen = 'old.rescanvas.json';
    await openFile();
    expect(s().status?.text).toBe('Opened old.rescanvas.json');
    expect(s().runs).toEqual([]);
    expect(isDirty(s())).toBe(false);
    train('r2', 10);
    newDocument();
    expect(s().runs).toEqual([]);
    expect(isDirty(s())).toBe(false);
  });

  it('Open and New ask before dropping unsaved runs; an example does not', () => {
    train('r1', 10);
    const action = vi.fn();
    s().unlessDirty(action);
    expect(action).toHaveBeenCalledTimes(1);
    s().unlessDirty(action, 'document');
    expect(action).toHaveBeenCalledTimes(1);
    expect(s().discardAction).not.toBeNull();
  });

  it('saving keeps at most the newest 20 finished runs and skips one still training', async () => {
    for (let i = 0; i < 23; i++) train(`r${i}`, 3);
    s().runStarting({ ...s().runs[0], id: 'live', steps: [], epochs: [], outcome: null });
    await saveFile();
    const saved = JSON.parse(host.files.get('untitled.rescanvas.json') ?? '') as { runs: { id: string }[] };
    expect(saved.runs.map((r) => r.id)).toEqual(Array.from({ length: 19 }, (_, i) => `r${i + 4}`));
  });

  it('recovery keeps the runs of unsaved work, and they come back when it is opened', async () => {
    vi.useFakeTimers();
    const stop = syncDocumentState();
    train('r1', 10);
    await vi.advanceTimersByTimeAsync(2500);
    stop();
    expect(host.recovery).not.toBeNull();
    const entry = parseRecoveryText(JSON.stringify(host.recovery));
    expect(entry).not.toBeNull();
    newDocument();
    if (entry) openDocument(entry.design, entry.name, null);
    expect(s().runs.map((r) => r.id)).toEqual(['r1']);
  });
});
