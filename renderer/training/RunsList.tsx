import { memo } from 'react';
import { appStore, useApp } from '../store/store';
import type { RunRecord } from '../store/trainingSlice';
import { categoryColour } from '../overlay/colour';
import { outcomeText } from './controller';

function summary(run: RunRecord): string {
  if (!run.outcome) return 'running…';
  return outcomeText(run.outcome);
}

/** The document's runs (saved with the design file); tick two or more to overlay their curves and depth profiles. */
function RunsListView() {
  const runs = useApp((s) => s.runs);
  const compareIds = useApp((s) => s.compareIds);
  if (!runs.length) return <p className="muted small">No runs yet. Each training run is kept here to compare, and saved with the design.</p>;
  return (
    <div className="runs">
      <ul className="runs-list" aria-label="Runs">
        {runs.map((run, i) => (
          <li key={run.id} className="run">
            <label>
              <input
                type="checkbox"
                checked={compareIds.includes(run.id)}
                onChange={() => appStore.getState().toggleCompare(run.id)}
                aria-label={`Compare run ${i + 1}: ${run.label}`}
              />
              <span className="run-swatch" style={{ background: categoryColour(i) }} aria-hidden="true" />
              <span className="run-label">
                {i + 1}. {run.label}
              </span>
            </label>
            <span className="run-summary muted small">{summary(run)}</span>
            <button type="button" className="linklike small" onClick={() => appStore.getState().removeRun(run.id)} aria-label={`Remove run ${i + 1}`}>
              remove
            </button>
          </li>
        ))}
      </ul>
      <div className="runs-actions">
        <button type="button" onClick={() => appStore.getState().setCompare(runs.map((r) => r.id))} disabled={runs.length < 2}>
          Compare all
        </button>
        <button type="button" onClick={() => appStore.getState().setCompare([])} disabled={compareIds.length === 0}>
          Clear comparison
        </button>
      </div>
    </div>
  );
}

export const RunsList = memo(RunsListView);
