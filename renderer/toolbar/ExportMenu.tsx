import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { exportDesignJson, exportModelFiles, exportPytorchFiles } from '../files/fileActions';

const ITEMS = [
  { label: 'tf.js model', run: () => exportModelFiles('tfjs') },
  { label: 'Keras JSON', run: () => exportModelFiles('keras') },
  { label: 'Design JSON', run: () => exportDesignJson() },
  { label: 'PyTorch', run: () => exportPytorchFiles() },
  { label: 'ONNX', run: () => exportModelFiles('onnx') },
] as const;

/** A menu button (WAI-ARIA menu pattern): arrows move between items, Escape closes. */
export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLUListElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && e.target !== button.current) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else if (e.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div className="menu-wrap">
      <button ref={button} type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Export
      </button>
      {open && (
        <ul ref={menu} role="menu" aria-label="Export" className="menu" onKeyDown={onKeyDown}>
          {ITEMS.map((item) => (
            <li
              key={item.label}
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                setOpen(false);
                void item.run();
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  setOpen(false);
                  void item.run();
                }
              }}
            >
              {item.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
