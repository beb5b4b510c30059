import { memo } from 'react';
import { useApp } from '../store/store';
import type { RunRecord } from '../store/trainingSlice';
import { categoryColour } from '../overlay/colour';
import { CurveChart, type CurveSeries } from './CurveChart';

/** Keeps charts light: at most this many step points per run (evenly thinned, last one kept). */
const MAX_POINTS = 1500;

function thin<T>(points: T[]): T[] {
  if (points.length <= MAX_POINTS) return points;
  const step = points.length / MAX_POINTS;
  const out: T[] = [];
  for (let i = 0; i < MAX_POINTS - 1; i++) out.push(points[Math.floor(i * step)]);
  out.push(points[points.length - 1]);
  return out;
}

function seriesFor(run: RunRecord, metric: 'loss' | 'accuracy', colour: string, prefix: string): CurveSeries[] {
  const steps = thin(run.steps);
  const validation = run.epochs.filter((e) => (metric === 'loss' ? e.validationLoss : e.validationAccuracy) !== null);
  const out: CurveSeries[] = [{ label: `${prefix}train`, colour, x: steps.map((p) => p.x), y: steps.map((p) => p[metric]) }];
  if (validation.length)
    out.push({
      label: `${prefix}validation`,
      colour,
      dash: [5, 4],
      x: validation.map((e) => e.epoch),
      y: validation.map((e) => (metric === 'loss' ? e.validationLoss : e.validationAccuracy)),
    });
  return out;
}

/** Loss and accuracy, train and validation, for the latest run — or overlaid for the compared runs. */
function CurvesView() {
  useApp((s) => s.curveVersion);
  const runs = useApp((s) => s.runs);
  const compareIds = useApp((s) => s.compareIds);
  const activeRunId = useApp((s) => s.activeRunId);
  const compared = runs.filter((r) => compareIds.includes(r.id));
  const shown = compared.length >= 2 ? compared : runs.filter((r) => r.id === activeRunId);
  const many = shown.length > 1;
  const build = (metric: 'loss' | 'accuracy') =>
    shown.flatMap((run, i) =>
      seriesFor(
        run,
        metric,
        many ? categoryColour(runs.indexOf(run)) : metric === 'loss' ? categoryColour(0) : categoryColour(2),
        many ? `${i + 1}. ${run.designName} ` : '',
      ),
    );
  return (
    <div className="curves">
      {many && (
        <p className="muted small">
          Comparing {shown.length} runs: {shown.map((r, i) => `${i + 1}. ${r.label}`).join('; ')}
        </p>
      )}
      <CurveChart name="Loss curve" yLabel="cross-entropy, log scale" series={build('loss')} logY />
      <CurveChart name="Accuracy curve" yLabel="fraction correct" series={build('accuracy')} percent />
    </div>
  );
}

export const Curves = memo(CurvesView);
