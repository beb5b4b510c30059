/**
 * The decision-boundary messages. They began as an extension only the browser worker answered; the
 * engine session now answers them on every host, so they live in messages.ts with the rest of the
 * protocol. This module keeps the names the renderer's training code imports.
 */
export { GridBounds, GridPrediction, MAX_GRID_RESOLUTION, PredictGrid } from './messages';
