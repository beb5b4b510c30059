import './lessons.css';
import { findLesson, verdict, type LessonOutcome } from '../../src/lessons';
import { useLessons } from './lessonState';
import { runLessonInUi, stopLesson } from './runLessonInUi';

function OutcomeCard({ outcome, seconds }: { outcome: LessonOutcome; seconds: number }) {
  return (
    <section className={`lesson-outcome ${outcome.held ? 'held' : 'not-held'}`} aria-label="Lesson outcome">
      <h4>
        Outcome: {verdict(outcome.held)} <span className="muted">({seconds.toFixed(1)} s)</span>
      </h4>
      <ul>
        {outcome.checks.map((c) => (
          <li key={c.claim}>
            <span aria-hidden="true">{c.held ? '✓' : '✗'}</span> {c.claim} — measured {c.measured} <span className="muted">(expected {c.expected})</span>
          </li>
        ))}
      </ul>
      <table>
        <thead>
          <tr>
            {outcome.table.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {outcome.table.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The open lesson: its steps, its runs' progress and, once measured, the outcome card. */
export function LessonPanel() {
  const { activeId, phase, runs, notes } = useLessons();
  const lesson = activeId ? findLesson(activeId) : undefined;
  if (!lesson) return null;
  const busy = phase.kind === 'running';
  return (
    <aside className="lesson-panel" aria-label="Lesson">
      <div className="modal-head">
        <h3>
          Lesson {lesson.number}: {lesson.title}
        </h3>
        <button type="button" onClick={() => useLessons.getState().show(null)} disabled={busy}>
          Close lesson
        </button>
      </div>
      <p>
        <strong>{lesson.point}</strong>
      </p>
      <ol className="lesson-steps">
        {lesson.steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
      {notes.length > 0 && (
        <ul className="muted">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <div className="toolbar-group">
        <button type="button" onClick={() => void runLessonInUi(lesson.id, 'quick')} disabled={busy}>
          Run quick lesson
        </button>
        <button type="button" onClick={() => void runLessonInUi(lesson.id, 'full')} disabled={busy}>
          Run full lesson
        </button>
        <button type="button" onClick={stopLesson} disabled={!busy}>
          Stop lesson
        </button>
      </div>
      {runs.length > 0 && (
        <ul className="lesson-runs" aria-label="Lesson runs">
          {runs.map((r) => (
            <li key={r.key}>
              {r.label}: {r.done ? 'done' : r.step > 0 ? `step ${r.step}/${r.totalSteps}` : 'waiting'}
              {r.loss !== null ? `, loss ${r.loss.toFixed(3)}` : ''}
            </li>
          ))}
        </ul>
      )}
      <p role="status" className="lesson-status">
        {phase.kind === 'running'
          ? `Running ${phase.variant} lesson: run ${phase.current} of ${phase.count}`
          : phase.kind === 'failed'
            ? `Lesson failed: ${phase.message}`
            : phase.kind === 'finished'
              ? `Lesson ${verdict(phase.outcome.held)}`
              : ''}
      </p>
      {phase.kind === 'finished' && <OutcomeCard outcome={phase.outcome} seconds={phase.seconds} />}
    </aside>
  );
}
