import type { Design } from '../graph/design';
import type { TrainSettingsInput } from '../schema/settings';
import type { LessonEngine, RunRecord } from './engine';

/** Which canvas overlay the UI switches on while a lesson runs (the overlay issue names them). */
export type LessonOverlay = 'none' | 'forward' | 'backward' | 'depthProfile' | 'histograms' | 'blockDrop';

export type LessonVariant = 'full' | 'quick';

/** One training run of a lesson: a design, its data and settings, shown as one curve. */
export interface LessonRun {
  key: string;
  label: string;
  design: Design;
  settings: TrainSettingsInput;
  /** Stop after this many optimizer steps; 1 measures the network at initialization only. */
  maxSteps?: number;
}

export interface LessonSetup {
  runs: LessonRun[];
  /** What the setup found before any training (lesson 9 records the quick fix here). */
  notes?: string[];
}

/** One measured claim: what was expected, what was measured, and whether it held. */
export interface LessonCheck {
  claim: string;
  expected: string;
  measured: string;
  held: boolean;
}

export interface OutcomeTable {
  columns: string[];
  rows: (string | number)[][];
}

export interface LessonOutcome {
  held: boolean;
  checks: LessonCheck[];
  table: OutcomeTable;
}

/** What a lesson's measure step gets: the runs' records and the engine, still holding the last run. */
export interface MeasureContext {
  setup: LessonSetup;
  records: Map<string, RunRecord>;
  engine: LessonEngine;
  variant: LessonVariant;
  /** Lessons that measure after each run (block-drop) do it here, while that run's weights are loaded. */
  afterRun: Map<string, unknown>;
}

export interface Lesson {
  id: string;
  number: number;
  title: string;
  /** One sentence: the point of the lesson. */
  point: string;
  /** The narrative, one short paragraph per step. */
  steps: string[];
  overlay: LessonOverlay;
  /** The paper or note the claim comes from. */
  source?: string;
  setup(variant: LessonVariant, seed: number): LessonSetup;
  /** Runs on the engine right after the run `key` finished, while its weights are loaded. */
  afterRun?(key: string, engine: LessonEngine, setup: LessonSetup): Promise<unknown>;
  expected(context: MeasureContext): LessonOutcome;
}

/** Builds an outcome: it held when every check held. */
export function outcome(checks: LessonCheck[], table: OutcomeTable): LessonOutcome {
  return { held: checks.length > 0 && checks.every((c) => c.held), checks, table };
}
