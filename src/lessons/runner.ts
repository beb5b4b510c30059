import type { EpochReport, ProgressReport } from '../engine/trainer';
import type { StatsFrame } from '../schema/stats';
import type { LessonEngine, RunRecord } from './engine';
import type { Lesson, LessonOutcome, LessonSetup, LessonVariant } from './types';

export type LessonEvent =
  | { type: 'setup'; setup: LessonSetup }
  | { type: 'runStart'; key: string; label: string; index: number; count: number }
  | { type: 'progress'; key: string; report: ProgressReport }
  | { type: 'epoch'; key: string; report: EpochReport }
  | { type: 'frame'; key: string; frame: StatsFrame }
  | { type: 'runDone'; key: string; record: RunRecord };

export interface LessonResult {
  lessonId: string;
  variant: LessonVariant;
  seed: number;
  outcome: LessonOutcome;
  records: RunRecord[];
  wallMs: number;
}

export interface RunLessonOptions {
  variant: LessonVariant;
  seed: number;
  onEvent?(event: LessonEvent): void;
  /** Wall clock; performance.now() by default. */
  now?(): number;
}

const clock = globalThis as unknown as { performance: { now(): number } };

/**
 * Runs a lesson end to end: its setup, each run in turn on the engine (with the lesson's
 * after-run measurement while that run's weights are loaded), then its expected-outcome check.
 */
export async function runLesson(lesson: Lesson, engine: LessonEngine, options: RunLessonOptions): Promise<LessonResult> {
  const now = options.now ?? (() => clock.performance.now());
  const started = now();
  const emit = options.onEvent ?? (() => {});
  const setup = lesson.setup(options.variant, options.seed);
  emit({ type: 'setup', setup });
  const records = new Map<string, RunRecord>();
  const afterRun = new Map<string, unknown>();
  for (const [index, run] of setup.runs.entries()) {
    emit({ type: 'runStart', key: run.key, label: run.label, index, count: setup.runs.length });
    const record = await engine.train(
      { runId: `${lesson.id}/${run.key}`, design: run.design, settings: run.settings, maxSteps: run.maxSteps },
      {
        progress: (report) => emit({ type: 'progress', key: run.key, report }),
        epoch: (report) => emit({ type: 'epoch', key: run.key, report }),
        frame: (frame) => emit({ type: 'frame', key: run.key, frame }),
      },
    );
    records.set(run.key, record);
    if (lesson.afterRun) afterRun.set(run.key, await lesson.afterRun(run.key, engine, setup));
    emit({ type: 'runDone', key: run.key, record });
  }
  const outcome = lesson.expected({ setup, records, engine, variant: options.variant, afterRun });
  return { lessonId: lesson.id, variant: options.variant, seed: options.seed, outcome, records: [...records.values()], wallMs: now() - started };
}
