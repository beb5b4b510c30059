import { findLesson, ProtocolLessonEngine, runLesson, type LessonVariant } from '../../src/lessons';
import { getEngine, type EngineConnection } from '../engine';
import { openDocument } from '../files/fileActions';
import { appStore } from '../store/store';
import { useLessons } from './lessonState';
import type { LessonOverlay } from '../../src/lessons';

/** The canvas overlay that shows a lesson's point (histograms and depth profile live in the overlay's own views). */
function overlayFor(overlay: LessonOverlay): 'forward' | 'backward' | null {
  if (overlay === 'forward' || overlay === 'histograms') return 'forward';
  if (overlay === 'backward' || overlay === 'depthProfile') return 'backward';
  return null;
}

let running: ProtocolLessonEngine | null = null;

/** Resolves once the engine connection reports ready (the worker picks its backend first). */
function whenReady(connection: EngineConnection): Promise<void> {
  if (connection.status.state === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const off = connection.onStatus((status) => {
      if (status.state === 'ready') {
        off();
        resolve();
      } else if (status.state === 'crashed' && !status.restarting) {
        off();
        reject(new Error(status.message));
      }
    });
  });
}

/**
 * Runs a lesson through the app's engine connection (the same engine the Train button uses),
 * showing each run's design on the canvas as it trains.
 */
export async function runLessonInUi(id: string, variant: LessonVariant, seed = 1): Promise<void> {
  const lesson = findLesson(id);
  const state = useLessons.getState();
  if (!lesson) {
    state.setPhase({ kind: 'failed', message: `no lesson "${id}"` });
    return;
  }
  if (running) return;
  const connection = getEngine();
  const engine = new ProtocolLessonEngine(connection);
  running = engine;
  state.setRuns(() => []);
  try {
    await whenReady(connection);
    const result = await runLesson(lesson, engine, {
      variant,
      seed,
      onEvent: (event) => {
        const s = useLessons.getState();
        if (event.type === 'setup') {
          s.setNotes(event.setup.notes ?? []);
          s.setRuns(() => event.setup.runs.map((r) => ({ key: r.key, label: r.label, loss: null, step: 0, totalSteps: 1, done: false })));
        } else if (event.type === 'runStart') {
          s.setPhase({ kind: 'running', variant, current: event.index + 1, count: event.count });
          const run = lesson.setup(variant, seed).runs[event.index];
          if (run) openDocument(run.design, `${lesson.title} — ${run.label}`, null);
          const mode = overlayFor(lesson.overlay);
          if (mode) appStore.getState().setOverlayMode(mode);
        } else if (event.type === 'progress') {
          s.setRuns((runs) =>
            runs.map((r) => (r.key === event.key ? { ...r, loss: event.report.loss, step: event.report.step, totalSteps: event.report.totalSteps } : r)),
          );
        } else if (event.type === 'runDone') {
          s.setRuns((runs) => runs.map((r) => (r.key === event.key ? { ...r, done: true, loss: event.record.outcome.loss ?? r.loss } : r)));
        }
      },
    });
    useLessons.getState().setPhase({ kind: 'finished', variant, outcome: result.outcome, seconds: result.wallMs / 1000 });
  } catch (error) {
    useLessons.getState().setPhase({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    running = null;
  }
}

export function stopLesson(): void {
  running?.stop();
}
