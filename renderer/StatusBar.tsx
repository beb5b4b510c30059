import { useApp } from './store/store';
import { useValidation } from './store/validation';

export function StatusBar() {
  const status = useApp((s) => s.status);
  const nodes = useApp((s) => s.design.nodes.length);
  const valid = useValidation((s) => s.result.valid);
  return (
    <footer className="statusbar">
      <span role="status" aria-live="polite" className={status?.tone === 'error' ? 'status-error' : undefined}>
        {status?.text ?? ''}
      </span>
      <span className="muted">
        {nodes} layers · {valid ? 'valid' : 'has problems'}
      </span>
    </footer>
  );
}
