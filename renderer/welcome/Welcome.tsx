import { useEffect, useRef } from 'react';
import { LESSONS } from '../../src/lessons';
import { describeDuration, LESSON_CPU_SECONDS } from '../../src/lessons/durations';
import { starterDesign } from '../../src/graph/examples';
import { summarizeDesign } from '../../src/compile/summary';
import { appStore, useApp } from '../store/store';
import { newDocumentAsked, openDocument, openFileAsked } from '../files/fileActions';
import { examples, type ExampleEntry } from '../examples/catalog';
import { openExample } from '../examples/ExamplesGallery';
import { openLesson } from '../lessons/LessonsGallery';
import { GraphSketch } from './GraphSketch';
import './welcome.css';

/** Closing the start screen over an empty canvas leaves a small design that validates and trains. */
export function dismissWelcome(): void {
  const state = appStore.getState();
  state.setWelcomeOpen(false);
  if (state.design.nodes.length === 0) {
    openDocument(starterDesign(), 'Starter design', null);
    state.say('Started with a small design: Input → Dense → Output. Add layers from the palette, or open an example.');
  }
}

function weightedLayers(entry: ExampleEntry): string {
  if (!entry.design) return '';
  try {
    const s = summarizeDesign(entry.design);
    return `${s.weightedLayerCount} weighted layers, ${s.totalParams.toLocaleString('en')} parameters`;
  } catch {
    return `${entry.design.nodes.length} nodes`;
  }
}

function ExampleCard({ entry }: { entry: ExampleEntry }) {
  const design = entry.design;
  if (!design) return null;
  return (
    <li className="welcome-card">
      <GraphSketch design={design} />
      <div>
        <button
          type="button"
          className="welcome-open"
          aria-label={`Open example ${design.metadata.name}`}
          onClick={() => {
            appStore.getState().setWelcomeOpen(false);
            openExample(entry);
          }}
        >
          {design.metadata.name}
        </button>
        <p className="small muted">{weightedLayers(entry)}</p>
        {design.preset?.expected && <p className="small">Expected: {design.preset.expected.summary}</p>}
      </div>
    </li>
  );
}

/** The start screen: lessons, examples, New design and Open…, shown at launch and from Help ▸ Welcome. */
export function Welcome() {
  const open = useApp((s) => s.welcomeOpen);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLElement>('button.welcome-primary')?.focus();
  }, [open]);
  if (!open) return null;
  const close = (then?: () => void) => {
    appStore.getState().setWelcomeOpen(false);
    then?.();
  };
  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-label="Welcome"
        className="modal welcome"
        onKeyDown={(e) => e.key === 'Escape' && dismissWelcome()}
      >
        <div className="modal-head">
          <h2>Welcome to ResCanvas</h2>
          <button type="button" onClick={dismissWelcome} title="Close and start with a small design (Esc)">
            Close
          </button>
        </div>
        <p className="muted">Design residual networks on a canvas, train them here, and see why shortcuts let very deep nets learn.</p>
        <div className="welcome-actions">
          <button type="button" className="welcome-primary" onClick={() => close(newDocumentAsked)}>
            New design
          </button>
          <button type="button" onClick={() => close(openFileAsked)}>
            Open…
          </button>
        </div>
        <div className="welcome-columns">
          <section aria-label="Lessons">
            <h3>Lessons</h3>
            <ol className="welcome-lessons">
              {LESSONS.map((l) => (
                <li key={l.id}>
                  <button
                    type="button"
                    className="welcome-open"
                    aria-label={`Open lesson ${l.title}`}
                    onClick={() => {
                      appStore.getState().setWelcomeOpen(false);
                      openLesson(l.id);
                    }}
                  >
                    {l.number}. {l.title}
                  </button>
                  <span className="small muted"> · {describeDuration(LESSON_CPU_SECONDS[l.id])}</span>
                  <p className="small">{l.point}</p>
                </li>
              ))}
            </ol>
          </section>
          <section aria-label="Examples">
            <h3>Examples</h3>
            <ul className="welcome-examples">
              {examples().map((entry) => (
                <ExampleCard key={entry.file} entry={entry} />
              ))}
            </ul>
          </section>
        </div>
      </div>
    </div>
  );
}
