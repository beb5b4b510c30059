import { memo, useEffect, useState } from 'react';
import { useApp } from '../store/store';
import { describeBackend } from '../../src/engine/backends/select';
import { connectTraining } from './controller';
import { getEngine } from '../engine';
import { DatasetPicker } from './DatasetPicker';
import { TrainControls } from './TrainControls';
import { Curves } from './Curves';
import { DecisionBoundary } from './DecisionBoundary';
import { DepthProfile } from './DepthProfile';
import { RunsList } from './RunsList';
import { BlockDrop } from './BlockDrop';
import { LossLandscape } from './LossLandscape';
import { PresetNote } from './PresetNote';
import './training.css';

/** Where the engine runs, which the backend report cannot know: the host decided that. */
function engineWhere(): string {
  return getEngine().kind === 'worker' ? 'in a Web Worker of this window' : 'in its own process';
}

/** Where the engine runs, on what, and why the better backends were not used. */
function BackendLine() {
  const backend = useApp((s) => s.backend);
  const state = useApp((s) => s.engineState);
  if (!backend) return <p className="backend-line muted small">Engine: {state === 'crashed' ? 'crashed' : 'starting…'}</p>;
  return (
    <div className="backend-line small" title={describeBackend(backend)}>
      <p>
        Backend: <strong>{backend.active}</strong> {backend.detail && <span className="muted">({backend.detail})</span>}
        {backend.forced && <span className="muted">, forced</span>} <span className="muted">· {engineWhere()}</span>
      </p>
      {backend.skipped.length > 0 && (
        <ul className="backend-skipped muted" aria-label="Backends not used">
          {backend.skipped.map((s) => (
            <li key={s.name}>
              not {s.name}: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A collapsible part of the panel. With `live`, its contents are unmounted while it is closed, so
 * charts nobody sees do no work per stats frame or progress message; they rebuild from the stores
 * when it opens. Form sections stay mounted to keep what the user was typing.
 */
function Section({ title, children, live = false }: { title: string; children: React.ReactNode; live?: boolean }) {
  const [open, setOpen] = useState(true);
  return (
    <details className="training-section" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{title}</summary>
      {(open || !live) && children}
    </details>
  );
}

/** The Training landmark: dataset, settings, progress, curves, runs and the experiments on a trained net. */
function TrainingPanelView() {
  useEffect(() => {
    connectTraining();
  }, []);
  return (
    <section className="training" aria-label="Training">
      <h2>Training</h2>
      <BackendLine />
      <PresetNote />
      <Section title="Data">
        <DatasetPicker />
      </Section>
      <Section title="Settings">
        <TrainControls />
      </Section>
      <Section title="Curves" live>
        <Curves />
        <DecisionBoundary />
      </Section>
      <Section title="Depth profile" live>
        <DepthProfile />
      </Section>
      <Section title="Runs">
        <RunsList />
      </Section>
      <Section title="Block drop" live>
        <BlockDrop />
      </Section>
      <Section title="Loss landscape" live>
        <LossLandscape />
      </Section>
    </section>
  );
}

export const TrainingPanel = memo(TrainingPanelView);
