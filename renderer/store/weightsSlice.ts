/**
 * Weights that came with the open document (an imported model, a design opened with its weights
 * sidecar), kept for the exporters. They live outside the design, so they are never written into
 * the design file nor into the undo history (the history partializes to the design alone); the
 * network fingerprint taken when they arrived decides whether they still fit the design at export.
 */
import type { StateCreator } from 'zustand';
import type { DesignCore } from '../../src/graph/design';
import type { NamedWeights } from '../../src/schema/weights';
import { networkFingerprint } from '../export/networkFingerprint';
import type { AppState } from './types';

export interface KeptWeights {
  weights: NamedWeights;
  /** The fingerprint of the network they belong to. */
  fingerprint: string;
  /** Where they came from, as the status line says it: "imported from model.json". */
  source: string;
}

/** What the exporters may use for a design: the kept weights, nothing, or weights kept for a network since edited. */
export type WeightsForDesign = { status: 'fit'; weights: NamedWeights; source: string } | { status: 'edited'; source: string } | { status: 'none' };

/** The question an export asks when the kept weights belong to a network since edited. */
export interface FreshWeightsOffer {
  /** What is being exported, as the menu names it: "tf.js model". */
  format: string;
  source: string;
  answer(fresh: boolean): void;
}

export interface WeightsSlice {
  keptWeights: KeptWeights | null;
  freshWeightsOffer: FreshWeightsOffer | null;
  /** Asks whether to export `format` with freshly initialized weights instead; true when the user agrees. */
  askFreshWeights(format: string, source: string): Promise<boolean>;
  /** Keeps `weights` as belonging to `design`'s network, replacing any kept before. */
  keepWeights(weights: NamedWeights, design: DesignCore, source: string): void;
  dropWeights(): void;
}

export const createWeightsSlice: StateCreator<AppState, [], [], WeightsSlice> = (set, get) => ({
  keptWeights: null,
  freshWeightsOffer: null,
  askFreshWeights: (format, source) =>
    new Promise<boolean>((resolve) => {
      // A question still open is answered "no" first, so no export waits forever.
      get().freshWeightsOffer?.answer(false);
      const offer: FreshWeightsOffer = {
        format,
        source,
        answer: (fresh) => {
          if (get().freshWeightsOffer === offer) set({ freshWeightsOffer: null });
          resolve(fresh);
        },
      };
      set({ freshWeightsOffer: offer });
    }),
  keepWeights: (weights, design, source) => set({ keptWeights: { weights, fingerprint: networkFingerprint(design), source } }),
  dropWeights: () => set({ keptWeights: null }),
});

/** Whether the kept weights belong to `design`'s network as it is now (an undo back to it makes them fit again). */
export function weightsFor(kept: KeptWeights | null, design: DesignCore): WeightsForDesign {
  if (!kept) return { status: 'none' };
  return networkFingerprint(design) === kept.fingerprint
    ? { status: 'fit', weights: kept.weights, source: kept.source }
    : { status: 'edited', source: kept.source };
}
