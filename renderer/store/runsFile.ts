/**
 * The runs list ↔ a design file's `runs`: finished runs are written with their curves thinned to
 * MAX_CURVE_POINTS; on open each saved run is checked on its own (readSavedRuns) so a damaged
 * record is named and skipped while the design and the other runs still open.
 */
import type { Design, DesignCore } from '../../src/graph/design';
import { MAX_SAVED_RUNS, readSavedRuns, splitRuns, thin, type SavedRun, type SavedRunInput } from '../../src/graph/savedRuns';
import { serializeDesign } from '../../src/graph/parse';
import type { RunRecord } from './trainingSlice';

/** JSON has no NaN or Infinity; the file says null and reading gives NaN back. */
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const finiteOrNull = (v: number | null): number | null => (v === null ? null : finite(v));

/**
 * A CSV run's settings hold the whole file; beyond this it is left out of the saved run (its name
 * stays), so twenty runs on a large CSV cannot push the design file past what Open accepts.
 */
export const MAX_SAVED_CSV_CHARS = 256 * 1024;

/** Null for an image-folder run: its decoded pixels do not belong in a design file. */
function settingsForFile(settings: RunRecord['settings']): SavedRunInput['settings'] | null {
  const dataset = settings.dataset;
  if (dataset.kind === 'images') return null;
  if (dataset.kind !== 'csv' || dataset.text.length <= MAX_SAVED_CSV_CHARS) return { ...settings, dataset };
  return { ...settings, dataset: { ...dataset, text: '' } };
}

function toSaved(run: RunRecord, outcome: NonNullable<RunRecord['outcome']>, documentText: string): SavedRunInput | null {
  const settings = settingsForFile(run.settings);
  if (!settings) return null;
  const snapshot = splitRuns(run.design).design;
  return {
    id: run.id,
    label: run.label,
    designName: run.designName,
    // The document's own design is not repeated (the reader fills it back in).
    ...(serializeDesign(snapshot) === documentText ? {} : { design: snapshot }),
    settings,
    startedAt: Math.max(0, Math.round(run.startedAt)),
    steps: thin(run.steps).map((p) => ({ x: p.x, loss: finite(p.loss), accuracy: finite(p.accuracy) })),
    epochs: thin(run.epochs).map((p) => ({
      epoch: p.epoch,
      loss: finite(p.loss),
      accuracy: finite(p.accuracy),
      validationLoss: finiteOrNull(p.validationLoss),
      validationAccuracy: finiteOrNull(p.validationAccuracy),
    })),
    // Field by field: the controller hands over the engine's whole `done` message as the outcome.
    outcome: {
      reason: outcome.reason,
      epochs: outcome.epochs,
      steps: outcome.steps,
      loss: finiteOrNull(outcome.loss),
      accuracy: finiteOrNull(outcome.accuracy),
      validationLoss: finiteOrNull(outcome.validationLoss),
      validationAccuracy: finiteOrNull(outcome.validationAccuracy),
    },
    profile: run.profile && { activationStd: run.profile.activationStd.map(finiteOrNull), gradientRms: run.profile.gradientRms.map(finiteOrNull) },
    blockDrop: run.blockDrop && {
      baseline: { loss: finite(run.blockDrop.baseline.loss), accuracy: finite(run.blockDrop.baseline.accuracy) },
      results: run.blockDrop.results.map((r) => ({ dropped: r.dropped, loss: finite(r.loss), accuracy: finite(r.accuracy) })),
    },
  };
}

/** Finished runs as the file keeps them (a run still training is saved once it ends), newest last. */
export function runsForFile(runs: readonly RunRecord[], document: DesignCore): SavedRunInput[] {
  const finished = runs.some((r) => r.outcome !== null);
  // Serialising a 50,000-node design takes seconds: only done when a run is there to compare with it.
  const documentText = finished ? serializeDesign(document) : '';
  const saved: SavedRunInput[] = [];
  for (const run of runs.filter((r) => r.outcome !== null).slice(-MAX_SAVED_RUNS)) {
    const record = run.outcome && toSaved(run, run.outcome, documentText);
    if (record) saved.push(record);
  }
  return saved;
}

/** The document Save writes: the design, plus `runs` when there are any (older readers see an unchanged format otherwise). */
export function documentWithRuns(design: DesignCore, runs: readonly RunRecord[]): Design {
  const saved = runsForFile(runs, design);
  return saved.length ? { ...design, runs: saved } : design;
}

export function runFromSaved(saved: SavedRun): RunRecord {
  return { ...saved, steps: [...saved.steps], epochs: [...saved.epochs] };
}

export interface OpenedRuns {
  design: DesignCore;
  /** Whether the document said anything about runs (a `runs` field, even an empty or bad one). */
  hasRuns: boolean;
  runs: RunRecord[];
  warnings: string[];
}

/** Splits an opened document into its design and its readable runs, naming every run left out. */
export function readDocumentRuns(document: Design): OpenedRuns {
  const { design, runs: raw } = splitRuns(document);
  const read = readSavedRuns(raw, design);
  return { design, hasRuns: raw !== undefined, runs: read.runs.map(runFromSaved), warnings: read.warnings };
}
