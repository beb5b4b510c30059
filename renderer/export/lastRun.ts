import type { DesignCore } from '../../src/graph/design';
import { splitRuns } from '../../src/graph/savedRuns';
import { appStore } from '../store/store';
import type { RunRecord } from '../store/trainingSlice';
import { networkFingerprint } from './networkFingerprint';

/**
 * The newest finished run, and whether the engine's current model is that run's model of the open
 * design's network. Compared by network fingerprint, so moving, renaming or folding nodes after the
 * run keeps its weights; an edit to the network does not.
 */
export function lastRun(design: DesignCore): { run: RunRecord | null; engineHoldsIt: boolean } {
  const { runs, activeRunId, runPhase } = appStore.getState();
  const run = [...runs].reverse().find((r) => r.outcome !== null) ?? null;
  if (!run) return { run: null, engineHoldsIt: false };
  const sameNetwork = networkFingerprint(splitRuns(run.design).design) === networkFingerprint(design);
  return { run, engineHoldsIt: sameNetwork && run.id === activeRunId && runPhase === 'idle' };
}
