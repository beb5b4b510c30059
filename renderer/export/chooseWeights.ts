/**
 * Which weights an export of the open design carries: the engine's trained ones while its model is
 * the last run's model of this network; else the weights kept with the document (an import, a
 * sidecar) while the network is the one they belong to; else fresh ones. When the kept weights
 * belong to a network since edited, the export asks before it writes fresh ones.
 */
import type { DesignCore } from '../../src/graph/design';
import type { NamedWeights } from '../../src/schema/weights';
import { appStore } from '../store/store';
import { weightsFor } from '../store/weightsSlice';
import type { EngineConnection } from '../engine';
import { requestEngineWeights } from './engineWeights';
import { lastRun } from './lastRun';

export type WeightsChoice =
  | { kind: 'trained'; weights: NamedWeights }
  | { kind: 'kept'; weights: NamedWeights; source: string }
  /** Kept weights exist but no longer fit; the user agreed to fresh ones. */
  | { kind: 'fresh'; instead: string | null }
  | { kind: 'cancelled' };

/** `format` names the export in the question ("tf.js model"); `trainedFits` is false when the run's model is not the design's (fitted to its dataset). */
export async function chooseWeights(
  design: DesignCore,
  format: string,
  engine: () => EngineConnection,
  trainedFits: (settings: { fitDesignToDataset?: boolean }) => boolean = (s) => !s.fitDesignToDataset,
): Promise<WeightsChoice> {
  const { run, engineHoldsIt } = lastRun(design);
  if (run && engineHoldsIt && trainedFits(run.settings)) {
    const trained = await requestEngineWeights(engine());
    if (trained) return { kind: 'trained', weights: trained };
  }
  const state = appStore.getState();
  const kept = weightsFor(state.keptWeights, design);
  if (kept.status === 'fit') return { kind: 'kept', weights: kept.weights, source: kept.source };
  if (kept.status === 'none') return { kind: 'fresh', instead: null };
  return (await state.askFreshWeights(format, kept.source)) ? { kind: 'fresh', instead: kept.source } : { kind: 'cancelled' };
}
