import type { AppState } from './store/types';

const ENDED: Record<'completed' | 'stopped' | 'diverged' | 'failed', string> = {
  completed: 'done',
  stopped: 'stopped',
  diverged: 'diverged',
  failed: 'failed',
};

/**
 * What the bottom status line says about the current run when nothing was said since it started:
 * its epoch (not every step: the line is a live region a screen reader reads out), or how it ended.
 * Null without a run.
 */
export function runStatusLine(s: Pick<AppState, 'activeRunId' | 'runs' | 'runPhase' | 'progress'>): string | null {
  if (!s.activeRunId) return null;
  const run = s.runs.find((r) => r.id === s.activeRunId);
  if (!run) return null;
  if (s.runPhase === 'idle') {
    if (!run.outcome) return null;
    const { reason, epochs } = run.outcome;
    return `Training ${run.label}: ${ENDED[reason]} after ${epochs} epoch${epochs === 1 ? '' : 's'}`;
  }
  if (s.runPhase === 'starting' || !s.progress) return `Training ${run.label}: starting…`;
  const { epoch, epochs } = s.progress;
  const state = s.runPhase === 'paused' ? ' (paused)' : s.runPhase === 'stopping' ? ' (stopping)' : '';
  return `Training ${run.label}: epoch ${Math.min(epoch + 1, epochs)}/${epochs}${state}`;
}
