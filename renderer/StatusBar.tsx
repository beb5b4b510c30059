import { useApp } from './store/store';
import { useValidation } from './store/validation';
import { runStatusLine } from './runStatusLine';

export function StatusBar() {
  const status = useApp((s) => s.status);
  // A run clears what was said before it (trainingSlice.runStarting), so the line follows the run.
  const run = useApp(runStatusLine);
  const nodes = useApp((s) => s.design.nodes.length);
  const valid = useValidation((s) => s.result.valid);
  return (
    <footer className="statusbar">
      <span role="status" aria-live="polite" className={status?.tone === 'error' ? 'status-error' : undefined}>
        {status?.text ?? run ?? ''}
      </span>
      <span className="muted">
        {nodes} layers · {valid ? 'valid' : 'has problems'}
      </span>
    </footer>
  );
}
