import { useEffect, useRef } from 'react';
import { appStore, useApp } from '../store/store';
import { openDocument } from '../files/fileActions';
import { examples, type ExampleEntry } from './catalog';

export function openExample(entry: ExampleEntry): void {
  if (!entry.design) return;
  const design = entry.design;
  appStore.getState().setExamplesOpen(false);
  appStore.getState().unlessDirty(() => {
    openDocument(design, entry.file, null);
    appStore.getState().say(`Opened example ${design.metadata.name}`);
  });
}

/** The example designs, each with its description and size. */
export function ExamplesGallery() {
  const open = useApp((s) => s.examplesOpen);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLElement>('button')?.focus();
  }, [open]);
  if (!open) return null;
  const list = examples();
  const close = () => appStore.getState().setExamplesOpen(false);
  return (
    <div className="modal-backdrop">
      <div ref={dialog} role="dialog" aria-modal="true" aria-label="Examples" className="modal examples" onKeyDown={(e) => e.key === 'Escape' && close()}>
        <div className="modal-head">
          <h2>Examples</h2>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
        {list.length === 0 && <p>No examples are bundled in this build.</p>}
        <ul className="example-list">
          {list.map((entry) => (
            <li key={entry.file} className="example">
              <h3>{entry.design?.metadata.name ?? entry.file}</h3>
              {entry.design ? (
                <>
                  <p>{entry.design.metadata.description}</p>
                  <p className="muted">
                    {entry.design.nodes.length} layers
                    {entry.design.groups.length ? `, ${entry.design.groups.length} repeat block${entry.design.groups.length > 1 ? 's' : ''}` : ''}
                  </p>
                  <button type="button" onClick={() => openExample(entry)} aria-label={`Open example ${entry.design.metadata.name}`}>
                    Open
                  </button>
                </>
              ) : (
                <p className="error">{entry.error}</p>
              )}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
