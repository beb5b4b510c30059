import type { StateCreator } from 'zustand';
import type { Design } from '../../src/graph/design';
import type { BackendReport, EngineDiagnostic } from '../../src/protocol/messages';
import type { OptimizerName, ScheduleSettings, TrainSettingsInput } from '../../src/schema/settings';
import type { DatasetKind } from '../../src/schema/datasetSpec';
import type { ProgressReport } from '../../src/engine/trainer';
import { MAX_SAVED_RUNS } from '../../src/graph/savedRuns';
import type { AppState } from './types';
import { SPIRAL_TURNS } from '../../src/schema/datasetSpec';
import type { TrainingPreset } from '../../src/graph/preset';
import { formFromPreset } from '../training/presetForm';

export type OverlayMode = 'off' | 'forward' | 'backward';
export type RunPhase = 'idle' | 'starting' | 'running' | 'paused' | 'stopping';

/** The form in the Training panel; turned into TrainSettings when a run starts. */
export interface TrainingForm {
  dataset: DatasetKind;
  /** Samples to generate or take (synthetic sets, Shapes, MNIST). */
  datasetSize: number;
  noise: number;
  /** Spirals only: full turns of each arm. */
  turns: number;
  /** The chosen CSV file, read as text. */
  csv: { name: string; text: string } | null;
  optimizer: OptimizerName;
  learningRate: number;
  schedule: ScheduleSettings['kind'];
  epochs: number;
  batchSize: number;
  seed: number;
  fitDesignToDataset: boolean;
}

/** One point of a curve: x in epochs (fractional within an epoch). */
export interface CurvePoint {
  x: number;
  loss: number;
  accuracy: number;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
}

export interface RunOutcome {
  reason: 'completed' | 'stopped' | 'diverged' | 'failed';
  epochs: number;
  steps: number;
  loss: number | null;
  accuracy: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
}

export interface BlockDropEntry {
  dropped: string[];
  accuracy: number;
  loss: number;
}

export interface DepthProfile {
  activationStd: (number | null)[];
  gradientRms: (number | null)[];
}

/** Everything kept about one training run; `steps` and `epochs` grow in place (see curveVersion). */
export interface RunRecord {
  id: string;
  /** "residual-mlp-20 · Spirals · adam 0.001" */
  label: string;
  designName: string;
  design: Design;
  settings: TrainSettingsInput;
  startedAt: number;
  steps: CurvePoint[];
  epochs: EpochPoint[];
  outcome: RunOutcome | null;
  /** Depth profile from the run's last stats frame. */
  profile: DepthProfile | null;
  blockDrop: { baseline: { loss: number; accuracy: number }; results: BlockDropEntry[] } | null;
}

/** The engine's progress report (src/engine/trainer.ts), as its progress messages carry it. */
export type ProgressState = ProgressReport;

export interface TrainingMessage {
  text: string;
  tone: 'info' | 'error';
}

/** The training preset of the open design, as the form it set (the panel says so, and whether it was changed). */
export interface AppliedPreset {
  designName: string;
  form: TrainingForm;
  /** The result the preset is expected to reach, in words. */
  expected: string | null;
}

export interface TrainingSlice {
  trainingForm: TrainingForm;
  appliedPreset: AppliedPreset | null;
  runPhase: RunPhase;
  activeRunId: string | null;
  progress: ProgressState | null;
  runs: RunRecord[];
  /** Runs whose curves are overlaid in the comparison chart. */
  compareIds: string[];
  overlayMode: OverlayMode;
  /** Someone (a person, a lesson, a replay) picked the overlay mode; until then a run turns it on. */
  overlayChosen: boolean;
  backend: BackendReport | null;
  engineState: 'starting' | 'ready' | 'crashed';
  trainingMessage: TrainingMessage | null;
  engineDiagnostics: EngineDiagnostic[];
  blockDropPending: boolean;
  /** Bumped when curves grow in place, so charts redraw without copying arrays on every progress message. */
  curveVersion: number;
  /**
   * Bumped when the runs list changes in a way the design file keeps (a run finished, was removed,
   * got its profile or block-drop results); the document is dirty while it differs from savedRunsVersion.
   */
  runsVersion: number;
  savedRunsVersion: number;
  setTrainingForm(patch: Partial<TrainingForm>): void;
  /** A design was opened: its preset (if any) fills the form; without one the form stays as it is. */
  applyPreset(preset: TrainingPreset | undefined, designName: string): void;
  setOverlayMode(mode: OverlayMode): void;
  /** A run started: a newcomer who never touched the overlay sees the forward statistics on the graph. */
  showOverlayForRun(): void;
  toggleCompare(runId: string): void;
  setCompare(runIds: string[]): void;
  removeRun(runId: string): void;
  /** The runs of a newly opened (or new, empty) document replace the list; nothing is unsaved. */
  replaceRuns(runs: RunRecord[]): void;
  /** The runs as of `version` are in the saved file. */
  markRunsSaved(version: number): void;
  /** Engine events, applied by the training controller. */
  runStarting(record: RunRecord): void;
  runProgress(runId: string, progress: ProgressState): void;
  runEpoch(runId: string, point: EpochPoint): void;
  runState(runId: string, phase: 'running' | 'paused'): void;
  runDone(runId: string, outcome: RunOutcome): void;
  runProfile(runId: string, profile: DepthProfile): void;
  runBlockDrop(runId: string, result: RunRecord['blockDrop']): void;
  setRunPhase(phase: RunPhase): void;
  setBlockDropPending(pending: boolean): void;
  setBackend(backend: BackendReport | null, state: TrainingSlice['engineState']): void;
  setTrainingMessage(message: TrainingMessage | null): void;
  setEngineDiagnostics(diagnostics: EngineDiagnostic[]): void;
}

export const DEFAULT_TRAINING_FORM: TrainingForm = {
  dataset: 'spirals',
  datasetSize: 600,
  noise: 0.05,
  turns: SPIRAL_TURNS,
  csv: null,
  optimizer: 'adam',
  learningRate: 0.003,
  schedule: 'constant',
  epochs: 20,
  batchSize: 32,
  seed: 1,
  fitDesignToDataset: true,
};

/** Runs kept in the list, as many as a design file keeps; the oldest beyond this are forgotten. */
export const MAX_RUNS = MAX_SAVED_RUNS;

function updateRun(runs: RunRecord[], runId: string, change: (run: RunRecord) => RunRecord): RunRecord[] {
  return runs.map((r) => (r.id === runId ? change(r) : r));
}

export const createTrainingSlice: StateCreator<AppState, [], [], TrainingSlice> = (set, get) => ({
  trainingForm: DEFAULT_TRAINING_FORM,
  appliedPreset: null,
  runPhase: 'idle',
  activeRunId: null,
  progress: null,
  runs: [],
  compareIds: [],
  overlayMode: 'off',
  overlayChosen: false,
  backend: null,
  engineState: 'starting',
  trainingMessage: null,
  engineDiagnostics: [],
  blockDropPending: false,
  curveVersion: 0,
  runsVersion: 0,
  savedRunsVersion: 0,
  setTrainingForm: (patch) => set({ trainingForm: { ...get().trainingForm, ...patch } }),
  applyPreset: (preset, designName) => {
    if (!preset) return set({ appliedPreset: null });
    const form = formFromPreset(preset, get().trainingForm);
    set({ trainingForm: form, appliedPreset: { designName, form, expected: preset.expected?.summary ?? null } });
  },
  setOverlayMode: (overlayMode) => set({ overlayMode, overlayChosen: true }),
  showOverlayForRun: () => {
    if (!get().overlayChosen && get().overlayMode === 'off') set({ overlayMode: 'forward' });
  },
  toggleCompare: (runId) => {
    const ids = get().compareIds;
    set({ compareIds: ids.includes(runId) ? ids.filter((id) => id !== runId) : [...ids, runId] });
  },
  setCompare: (compareIds) => set({ compareIds }),
  removeRun: (runId) => {
    const removed = get().runs.find((r) => r.id === runId);
    if (!removed) return;
    // Only finished runs are saved, so removing a running one changes nothing in the file.
    const bump = removed.outcome ? 1 : 0;
    set({ runs: get().runs.filter((r) => r.id !== runId), compareIds: get().compareIds.filter((id) => id !== runId), runsVersion: get().runsVersion + bump });
  },
  replaceRuns: (runs) => {
    const version = get().runsVersion + 1;
    set({
      runs: runs.slice(-MAX_RUNS),
      compareIds: [],
      activeRunId: null,
      progress: null,
      runsVersion: version,
      savedRunsVersion: version,
      curveVersion: get().curveVersion + 1,
    });
  },
  markRunsSaved: (savedRunsVersion) => set({ savedRunsVersion }),
  runStarting: (record) => {
    const before = get().runs;
    const runs = [...before, record].slice(-MAX_RUNS);
    const kept = new Set(runs.map((r) => r.id));
    // Pushing out a finished run changes what Save writes.
    const forgotFinished = before.some((r) => !kept.has(r.id) && r.outcome !== null);
    set({
      runs,
      runsVersion: get().runsVersion + (forgotFinished ? 1 : 0),
      activeRunId: record.id,
      runPhase: 'starting',
      progress: null,
      engineDiagnostics: [],
      compareIds: get().compareIds.filter((id) => kept.has(id)),
      trainingMessage: { text: 'Starting…', tone: 'info' },
      // What the status line said before (e.g. "Opened example …") is stale now; it follows the run.
      status: null,
    });
  },
  runProgress: (runId, progress) => {
    const run = get().runs.find((r) => r.id === runId);
    if (!run) return;
    const x = progress.step / progress.stepsPerEpoch;
    run.steps.push({ x, loss: progress.loss, accuracy: progress.accuracy });
    set({ progress, curveVersion: get().curveVersion + 1, runPhase: get().runPhase === 'starting' ? 'running' : get().runPhase });
  },
  runEpoch: (runId, point) => {
    const run = get().runs.find((r) => r.id === runId);
    if (!run) return;
    run.epochs.push(point);
    set({ curveVersion: get().curveVersion + 1 });
  },
  runState: (runId, phase) => {
    if (get().activeRunId === runId) set({ runPhase: phase });
  },
  runDone: (runId, outcome) => {
    set({
      runs: updateRun(get().runs, runId, (r) => ({ ...r, outcome })),
      runPhase: get().activeRunId === runId ? 'idle' : get().runPhase,
      curveVersion: get().curveVersion + 1,
      runsVersion: get().runsVersion + 1,
    });
  },
  runProfile: (runId, profile) => set({ runs: updateRun(get().runs, runId, (r) => ({ ...r, profile })), runsVersion: get().runsVersion + 1 }),
  runBlockDrop: (runId, blockDrop) =>
    set({ runs: updateRun(get().runs, runId, (r) => ({ ...r, blockDrop })), blockDropPending: false, runsVersion: get().runsVersion + 1 }),
  setRunPhase: (runPhase) => set({ runPhase }),
  setBlockDropPending: (blockDropPending) => set({ blockDropPending }),
  setBackend: (backend, engineState) => set({ backend, engineState }),
  setTrainingMessage: (trainingMessage) => set({ trainingMessage }),
  setEngineDiagnostics: (engineDiagnostics) => set({ engineDiagnostics }),
});
