import type { DesignSlice } from './designSlice';
import type { SelectionSlice } from './selectionSlice';
import type { UiSlice } from './uiSlice';
import type { TrainingSlice } from './trainingSlice';
import type { WeightsSlice } from './weightsSlice';

/** The whole renderer state. */
export type AppState = DesignSlice & SelectionSlice & UiSlice & TrainingSlice & WeightsSlice;
