import type { AppState } from './types';

type DocumentParts = Pick<AppState, 'design' | 'savedDesign' | 'runsVersion' | 'savedRunsVersion'>;

/** The design differs from the one last saved or opened. */
export const isDesignDirty = (state: Pick<AppState, 'design' | 'savedDesign'>): boolean => state.design !== state.savedDesign;

/** Something Save would write has changed: the design, or the runs saved with it. */
export const isDirty = (state: DocumentParts): boolean => isDesignDirty(state) || state.runsVersion !== state.savedRunsVersion;
