import { useEffect, useRef } from 'react';
import { LESSONS } from '../../src/lessons';
import { appStore } from '../store/store';
import { openDocument } from '../files/fileActions';
import { useLessons } from './lessonState';

export function openLesson(id: string): void {
  const lesson = LESSONS.find((l) => l.id === id);
  if (!lesson) return;
  const first = lesson.setup('quick', 1).runs[0];
  useLessons.getState().setGalleryOpen(false);
  appStore.getState().unlessDirty(() => {
    useLessons.getState().show(id);
    if (first) openDocument(first.design, `${lesson.title} — ${first.label}`, null);
    appStore.getState().say(`Opened lesson ${lesson.number}: ${lesson.title}`);
  });
}

/** The Lessons dialog: the story of residual connections, one card per lesson. */
export function LessonsGallery() {
  const open = useLessons((s) => s.galleryOpen);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLElement>('button')?.focus();
  }, [open]);
  if (!open) return null;
  const close = () => useLessons.getState().setGalleryOpen(false);
  return (
    <div className="modal-backdrop">
      <div ref={dialog} role="dialog" aria-modal="true" aria-label="Lessons" className="modal lessons" onKeyDown={(e) => e.key === 'Escape' && close()}>
        <div className="modal-head">
          <h2>Lessons</h2>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
        <p className="muted">Each lesson trains small nets on this machine and checks its claim with numbers.</p>
        <ol className="example-list">
          {LESSONS.map((l) => (
            <li key={l.id} className="example">
              <h3>
                {l.number}. {l.title}
              </h3>
              <p>{l.point}</p>
              <button type="button" onClick={() => openLesson(l.id)} aria-label={`Open lesson ${l.title}`}>
                Open
              </button>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
