import { memo } from 'react';
import { OPTIMIZERS, type OptimizerName } from '../../src/schema/settings';
import { appStore, useApp } from '../store/store';
import type { ScheduleSettings } from '../../src/schema/settings';
import { pauseTraining, restartEngine, resumeTraining } from './controller';

const OPTIMIZER_TITLES: Record<OptimizerName, string> = {
  sgd: 'SGD',
  momentum: 'SGD + momentum',
  nesterov: 'Nesterov',
  adam: 'Adam',
  adamw: 'AdamW',
  rmsprop: 'RMSProp',
};
const SCHEDULES: { value: ScheduleSettings['kind']; label: string }[] = [
  { value: 'constant', label: 'Constant' },
  { value: 'step', label: 'Step (÷10 every 10 epochs)' },
  { value: 'cosine', label: 'Cosine' },
];

function NumberField({
  label,
  value,
  min,
  max,
  step,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max?: number;
  step: number | 'any';
  onChange: (v: number) => void;
}) {
  return (
    <label className="field">
      {label}
      <input
        type="number"
        value={Number.isFinite(value) ? value : ''}
        min={min}
        max={max}
        step={step}
        onChange={(e) => onChange(e.currentTarget.valueAsNumber)}
      />
    </label>
  );
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** Progress bar and the status line (Epoch N/M while training; final loss and accuracy when done; failures). */
function ProgressView() {
  const progress = useApp((s) => s.progress);
  const phase = useApp((s) => s.runPhase);
  const message = useApp((s) => s.trainingMessage);
  const training = phase === 'running' || phase === 'paused' || phase === 'stopping';
  let text = message?.text ?? 'Ready to train.';
  if (training && progress) {
    const eta = (progress.totalSteps - progress.step) / (progress.stepsPerSecond || Infinity);
    text = `Epoch ${Math.min(progress.epoch + 1, progress.epochs)}/${progress.epochs} · step ${progress.step}/${progress.totalSteps} · loss ${progress.loss.toPrecision(3)} · accuracy ${(progress.accuracy * 100).toFixed(1)}% · ${progress.stepsPerSecond.toFixed(1)} steps/s · ETA ${formatEta(eta)}${phase === 'paused' ? ' · paused' : phase === 'stopping' ? ' · stopping' : ''}`;
  } else if (phase === 'starting') text = 'Preparing the dataset and compiling the design…';
  const max = progress?.totalSteps ?? 1;
  const now = progress?.step ?? 0;
  return (
    <div className="training-progress">
      <div
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={now}
        aria-valuetext={`${now} of ${max} steps`}
        className="progress"
      >
        <div className="progress-fill" style={{ width: `${(100 * now) / max}%` }} />
      </div>
      <p role="status" aria-live="polite" className={`training-status${message?.tone === 'error' && !training ? ' status-error' : ''}`}>
        {text}
      </p>
      {training && message?.tone === 'error' && (
        <p className="training-error" role="alert">
          {message.text}
        </p>
      )}
    </div>
  );
}
const Progress = memo(ProgressView);

function TrainControlsView() {
  const form = useApp((s) => s.trainingForm);
  const phase = useApp((s) => s.runPhase);
  const engineState = useApp((s) => s.engineState);
  const set = appStore.getState().setTrainingForm;
  const idle = phase === 'idle';
  return (
    <div className="train-controls">
      <div className="field-grid">
        <label className="field">
          Optimizer
          <select value={form.optimizer} onChange={(e) => set({ optimizer: e.currentTarget.value as OptimizerName })}>
            {OPTIMIZERS.map((o) => (
              <option key={o} value={o}>
                {OPTIMIZER_TITLES[o]}
              </option>
            ))}
          </select>
        </label>
        <NumberField label="Learning rate" value={form.learningRate} min={0} step="any" onChange={(learningRate) => set({ learningRate })} />
        <label className="field">
          Schedule
          <select value={form.schedule} onChange={(e) => set({ schedule: e.currentTarget.value as ScheduleSettings['kind'] })}>
            {SCHEDULES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <NumberField label="Epochs" value={form.epochs} min={1} max={100000} step={1} onChange={(epochs) => set({ epochs })} />
        <NumberField label="Batch size" value={form.batchSize} min={1} max={65536} step={1} onChange={(batchSize) => set({ batchSize })} />
        <NumberField label="Seed" value={form.seed} min={0} step={1} onChange={(seed) => set({ seed })} />
      </div>
      <label className="field field-bool">
        <input type="checkbox" checked={form.fitDesignToDataset} onChange={(e) => set({ fitDesignToDataset: e.currentTarget.checked })} />
        Fit design to dataset (Input shape, Output units)
      </label>
      <div className="train-buttons">
        {/* Train and Stop live in the toolbar (ui-contract.md); the panel adds what the toolbar lacks. */}
        {phase === 'paused' ? (
          <button type="button" onClick={resumeTraining}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={pauseTraining} disabled={phase !== 'running'}>
            Pause
          </button>
        )}
        {engineState === 'crashed' && (
          <button type="button" onClick={restartEngine}>
            Restart engine
          </button>
        )}
        {idle && engineState === 'ready' && <span className="muted small">Press Train in the toolbar to start.</span>}
        {engineState === 'starting' && <span className="muted small">Starting the engine…</span>}
      </div>
      <Progress />
    </div>
  );
}

export const TrainControls = memo(TrainControlsView);
