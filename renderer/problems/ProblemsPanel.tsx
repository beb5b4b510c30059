import { memo } from 'react';
import type { Diagnostic, QuickFix } from '../../src/graph/diagnostics';
import { appStore } from '../store/store';
import { useValidation } from '../store/validation';

export function fixLabel(fix: QuickFix): string {
  return fix.kind === 'insert-flatten' ? 'Insert Flatten' : 'Insert projection';
}

function ProblemItem({ d }: { d: Diagnostic }) {
  const focus = d.nodeId ? () => appStore.getState().requestFocus(d.nodeId as string) : undefined;
  return (
    <li className={`problem problem-${d.severity}`}>
      {focus ? (
        <button type="button" className="linklike problem-message" onClick={focus}>
          {d.message}
        </button>
      ) : (
        <span className="problem-message">{d.message}</span>
      )}
      {d.fix && (
        <button type="button" className="problem-fix" onClick={() => appStore.getState().quickFix(d.fix as QuickFix)}>
          {fixLabel(d.fix)}
        </button>
      )}
    </li>
  );
}

function ProblemsPanelView() {
  const diagnostics = useValidation((s) => s.result.diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <section className="problems" aria-label="Problems">
      <h2>
        Problems{' '}
        <span className="count">
          {errors} error{errors === 1 ? '' : 's'}, {diagnostics.length - errors} warning{diagnostics.length - errors === 1 ? '' : 's'}
        </span>
      </h2>
      {diagnostics.length === 0 ? (
        <p className="empty">No problems: the design is valid.</p>
      ) : (
        <ul>
          {diagnostics.map((d, i) => (
            <ProblemItem key={`${d.code}-${d.nodeId ?? d.edgeId ?? d.groupId ?? ''}-${i}`} d={d} />
          ))}
        </ul>
      )}
    </section>
  );
}

export const ProblemsPanel = memo(ProblemsPanelView);
