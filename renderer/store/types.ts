import type { DesignSlice } from './designSlice';
import type { SelectionSlice } from './selectionSlice';
import type { UiSlice } from './uiSlice';

/** The whole renderer state; a training slice joins this intersection when the training panel lands. */
export type AppState = DesignSlice & SelectionSlice & UiSlice;
