import { useEffect, useRef } from 'react';
import { description, homepage, version } from '../../package.json';
import { useAbout } from './aboutState';

/** Help ▸ About: what the app is, its version, and where it lives. */
export function AboutDialog() {
  const open = useAbout((s) => s.open);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLElement>('button')?.focus();
  }, [open]);
  if (!open) return null;
  const close = () => useAbout.getState().setOpen(false);
  return (
    <div className="modal-backdrop">
      <div ref={dialog} role="dialog" aria-modal="true" aria-label="About ResCanvas" className="modal" onKeyDown={(e) => e.key === 'Escape' && close()}>
        <div className="modal-head">
          <h2>ResCanvas {version}</h2>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
        <p>{description}</p>
        <p className="muted">{homepage.replace(/#.*$/, '')}</p>
      </div>
    </div>
  );
}
