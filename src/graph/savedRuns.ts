/**
 * Training runs saved inside a design file (its optional top-level `runs`): the design each run
 * trained, its settings, curves and results, so a comparison survives closing the app.
 */
import { z } from 'zod';
import { SavedTrainSettings } from '../schema/settings';
import { DesignCore, MAX_NODES, type Design } from './design';
import { checkReferences, formatPath } from './parse';

/** Runs kept in a file, newest last; older ones are dropped when a new run would exceed it. */
export const MAX_SAVED_RUNS = 20;
/** Curve points kept per run and curve; longer curves are thinned evenly when saved. */
export const MAX_CURVE_POINTS = 2000;

/** JSON has no NaN: a diverged run's NaN loss is written as null and read back as NaN. */
const Measured = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);
/** Results that may be absent (no validation split) stay null. */
const Optional = z.number().nullable();

export const SavedCurvePoint = z.strictObject({ x: z.number().min(0), loss: Measured, accuracy: Measured });

export const SavedEpochPoint = z.strictObject({
  epoch: z.number().int().min(0),
  loss: Measured,
  accuracy: Measured,
  validationLoss: Optional,
  validationAccuracy: Optional,
});

export const SavedOutcome = z.strictObject({
  reason: z.enum(['completed', 'stopped', 'diverged', 'failed']),
  epochs: z.number().int().min(0),
  steps: z.number().int().min(0),
  loss: Optional,
  accuracy: Optional,
  validationLoss: Optional,
  validationAccuracy: Optional,
});

export const SavedDepthProfile = z.strictObject({
  activationStd: z.array(Optional).max(MAX_NODES),
  gradientRms: z.array(Optional).max(MAX_NODES),
});

export const SavedBlockDrop = z.strictObject({
  baseline: z.strictObject({ loss: Measured, accuracy: Measured }),
  results: z.array(z.strictObject({ dropped: z.array(z.string().max(64)).max(MAX_NODES), loss: Measured, accuracy: Measured })).max(MAX_NODES),
});

export const SavedRun = z.strictObject({
  id: z.string().min(1).max(100),
  label: z.string().max(500),
  designName: z.string().max(200),
  /**
   * The design as it was when the run started (it may have been edited since). Left out when it is the
   * document's own design, so twenty runs of a 1000-layer network do not repeat it twenty times.
   */
  design: DesignCore.optional(),
  settings: SavedTrainSettings,
  /** Milliseconds since 1970 (Date.now()). */
  startedAt: z.number().int().min(0),
  steps: z.array(SavedCurvePoint).max(MAX_CURVE_POINTS),
  epochs: z.array(SavedEpochPoint).max(MAX_CURVE_POINTS),
  /** Only finished runs are saved. */
  outcome: SavedOutcome,
  profile: SavedDepthProfile.nullable(),
  blockDrop: SavedBlockDrop.nullable(),
});
/** A saved run as read, its design snapshot filled in from the document when the file left it out. */
export type SavedRun = z.output<typeof SavedRun> & { design: DesignCore };
/** A run as written to the file (NaN as null). */
export type SavedRunInput = z.input<typeof SavedRun>;

/** The `runs` field as the published JSON Schema describes it. */
export const SavedRuns = z.array(SavedRun).max(MAX_SAVED_RUNS);

export interface ReadRuns {
  runs: SavedRun[];
  /** One sentence per run (or list) that was not loaded, naming the run and the field. */
  warnings: string[];
}

function describe(value: unknown, index: number): string {
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const label = typeof record.label === 'string' && record.label ? ` "${record.label.slice(0, 80)}"` : '';
  const id = typeof record.id === 'string' && record.id ? ` (id ${record.id.slice(0, 40)})` : '';
  return `run ${index + 1}${label}${id}`;
}

/**
 * Reads a document's `runs` value one record at a time: good runs are kept, each bad one is named
 * with the first fields that are wrong. Never throws; `undefined` (an older file) reads as no runs.
 * `document` is the design a run without its own snapshot trained.
 */
export function readSavedRuns(raw: unknown, document: DesignCore): ReadRuns {
  if (raw === undefined) return { runs: [], warnings: [] };
  if (!Array.isArray(raw)) return { runs: [], warnings: [`runs: expected a list of runs, found ${raw === null ? 'null' : typeof raw}; no runs were loaded`] };
  const warnings: string[] = [];
  const start = Math.max(0, raw.length - MAX_SAVED_RUNS);
  if (start > 0) warnings.push(`runs: the file holds ${raw.length} runs; the ${MAX_SAVED_RUNS} newest were loaded`);
  const runs: SavedRun[] = [];
  const ids = new Set<string>();
  for (let i = start; i < raw.length; i++) {
    const parsed = SavedRun.safeParse(raw[i]);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `runs[${i}]${issue.path.length ? (typeof issue.path[0] === 'number' ? '' : '.') + formatPath(issue.path) : ''}: ${issue.message}`);
      warnings.push(`${describe(raw[i], i)} was not loaded: ${problems.join('; ')}`);
      continue;
    }
    const run = { ...parsed.data, design: parsed.data.design ?? document };
    const broken = parsed.data.design ? checkReferences(parsed.data.design) : [];
    if (broken.length) {
      warnings.push(`${describe(raw[i], i)} was not loaded: runs[${i}].design: ${broken[0].message}`);
      continue;
    }
    if (ids.has(parsed.data.id)) {
      warnings.push(`${describe(raw[i], i)} was not loaded: runs[${i}].id: another run already uses id "${parsed.data.id}"`);
      continue;
    }
    ids.add(run.id);
    runs.push(run);
  }
  return { runs, warnings };
}

/** `max` points spread evenly over the curve (first and last included), so its shape and end stay true. */
export function thin<T>(points: readonly T[], max = MAX_CURVE_POINTS): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, k) => points[Math.round(k * step)]);
}

/** A document's network without its runs: what the canvas, the engine and the exporters work on. */
export function splitRuns(document: Design): { design: DesignCore; runs: unknown } {
  const { runs, ...design } = document;
  return { design, runs };
}
