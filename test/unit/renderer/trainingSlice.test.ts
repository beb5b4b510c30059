import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/store/store';
import { buildSettings } from '../../../renderer/training/settings';
import { DEFAULT_TRAINING_FORM, MAX_RUNS, type RunRecord } from '../../../renderer/store/trainingSlice';
import { emptyDesign } from '../../../src/graph/design';
import { parseIncoming } from '../../../renderer/engine/connection';
import { PROTOCOL_VERSION } from '../../../src/protocol/messages';
import { runStatusLine } from '../../../renderer/runStatusLine';

function record(id: string): RunRecord {
  return {
    id,
    label: id,
    designName: 'd',
    design: emptyDesign(),
    settings: { dataset: { kind: 'spirals' } },
    startedAt: 0,
    steps: [],
    epochs: [],
    outcome: null,
    profile: null,
    blockDrop: null,
  };
}

const progress = (step: number) => ({
  epoch: 0,
  epochs: 2,
  step,
  stepsPerEpoch: 10,
  totalSteps: 20,
  loss: 1 / step,
  accuracy: 0.5,
  learningRate: 0.01,
  stepsPerSecond: 5,
});

describe('training slice', () => {
  it('drops what the status line said before a run, and the line then follows the run by epoch', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().say('Opened example Residual MLP-20');
    expect(runStatusLine(s())).toBeNull();
    s().runStarting(record('r1'));
    expect(s().status).toBeNull();
    expect(runStatusLine(s())).toBe('Training r1: starting…');
    s().runProgress('r1', progress(5));
    expect(runStatusLine(s())).toBe('Training r1: epoch 1/2');
    s().runState('r1', 'paused');
    expect(runStatusLine(s())).toBe('Training r1: epoch 1/2 (paused)');
    // Something said during the run is newer than the run, so it shows instead (StatusBar).
    s().say('Added Dense dense_9');
    expect(s().status?.text).toBe('Added Dense dense_9');
    s().runDone('r1', { reason: 'completed', epochs: 2, steps: 20, loss: 0.1, accuracy: 0.9, validationLoss: null, validationAccuracy: null });
    expect(runStatusLine(s())).toBe('Training r1: done after 2 epochs');
  });

  it('turns the overlay on for a run until someone picks a mode, and then keeps their choice', () => {
    const store = createAppStore();
    expect(store.getState().overlayMode).toBe('off');
    store.getState().showOverlayForRun();
    expect(store.getState().overlayMode).toBe('forward');
    store.getState().setOverlayMode('off');
    store.getState().showOverlayForRun();
    expect(store.getState().overlayMode).toBe('off');
    store.getState().setOverlayMode('backward');
    store.getState().showOverlayForRun();
    expect(store.getState().overlayMode).toBe('backward');
  });

  it('follows a run from start to done and keeps its curves', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().runStarting(record('r1'));
    expect(s().runPhase).toBe('starting');
    s().runProgress('r1', progress(5));
    expect(s().runPhase).toBe('running');
    s().runProgress('r1', progress(10));
    s().runEpoch('r1', { epoch: 1, loss: 0.1, accuracy: 0.9, validationLoss: 0.2, validationAccuracy: 0.8 });
    expect(s().runs[0].steps.map((p) => p.x)).toEqual([0.5, 1]);
    expect(s().curveVersion).toBe(3);
    s().runDone('r1', { reason: 'completed', epochs: 1, steps: 10, loss: 0.1, accuracy: 0.9, validationLoss: 0.2, validationAccuracy: 0.8 });
    expect(s().runPhase).toBe('idle');
    expect(s().runs[0].outcome?.reason).toBe('completed');
  });

  it('ignores progress for unknown runs and a done from an older run leaves the active one running', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().runStarting(record('old'));
    s().runStarting(record('new'));
    s().runProgress('ghost', progress(1));
    expect(s().curveVersion).toBe(0);
    s().runProgress('new', progress(1));
    s().runDone('old', { reason: 'stopped', epochs: 0, steps: 0, loss: null, accuracy: null, validationLoss: null, validationAccuracy: null });
    expect(s().runPhase).toBe('running');
  });

  it('keeps at most MAX_RUNS runs and drops forgotten runs from the comparison', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().runStarting(record('first'));
    s().toggleCompare('first');
    for (let i = 0; i < MAX_RUNS; i++) s().runStarting(record(`r${i}`));
    expect(s().runs).toHaveLength(MAX_RUNS);
    expect(s().compareIds).toEqual([]);
    s().toggleCompare('r1');
    s().toggleCompare('r2');
    s().toggleCompare('r1');
    expect(s().compareIds).toEqual(['r2']);
    s().removeRun('r2');
    expect(s().compareIds).toEqual([]);
  });

  it('training state never enters the undo history', () => {
    const store = createAppStore();
    store.getState().setOverlayMode('backward');
    store.getState().runStarting(record('r'));
    expect(store.temporal.getState().pastStates).toHaveLength(0);
  });
});

describe('training settings from the form', () => {
  it('refuses a zero learning rate and names the field', () => {
    const result = buildSettings({ ...DEFAULT_TRAINING_FORM, learningRate: 0 }, emptyDesign());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/optimizer\.learningRate/);
  });

  it('asks for a file when CSV is chosen without one', () => {
    const result = buildSettings({ ...DEFAULT_TRAINING_FORM, dataset: 'csv' }, emptyDesign());
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/Choose a CSV file/) });
  });

  it('builds valid settings from the defaults', () => {
    const result = buildSettings(DEFAULT_TRAINING_FORM, emptyDesign());
    expect(result.ok).toBe(true);
  });
});

describe('engine messages at the boundary', () => {
  it('accepts a valid message and turns a malformed one into a readable error', () => {
    expect(parseIncoming({ v: PROTOCOL_VERSION, type: 'state', runId: 'r', state: 'paused' }).ok).toBe(true);
    const bad = parseIncoming({ v: PROTOCOL_VERSION, type: 'progress', runId: 'r', epoch: -1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/invalid progress/);
    expect(parseIncoming('garbage').ok).toBe(false);
  });
});
