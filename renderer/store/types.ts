import type { DesignSlice } from './designSlice';
import type { SelectionSlice } from './selectionSlice';
import type { UiSlice } from './uiSlice';
import type { TrainingSlice } from './trainingSlice';

/** The whole renderer state. */
export type AppState = DesignSlice & SelectionSlice & UiSlice & TrainingSlice;
