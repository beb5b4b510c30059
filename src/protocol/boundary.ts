import { z } from 'zod';
import { FromEngine, PROTOCOL_VERSION, ToEngine } from './messages';

/**
 * Decision-boundary messages, an extension the browser worker answers itself (it reads the current
 * weights through `exportWeights` and predicts on a grid). Kept apart from messages.ts so the engine
 * can adopt them later; a host that does not know them refuses them, and the UI then shows no boundary.
 */
const v = z.literal(PROTOCOL_VERSION).default(PROTOCOL_VERSION);
export const MAX_GRID_RESOLUTION = 128;

export const GridBounds = z.strictObject({ minX: z.number(), maxX: z.number(), minY: z.number(), maxY: z.number() }).refine((b) => b.maxX > b.minX && b.maxY > b.minY, 'bounds must have max > min');
export type GridBounds = z.infer<typeof GridBounds>;

export const PredictGrid = z.strictObject({
  v,
  type: z.literal('predictGrid'),
  requestId: z.string().max(200),
  bounds: GridBounds,
  /** Points per side; the grid is resolution² points, row 0 at minY. */
  resolution: z.number().int().min(2).max(MAX_GRID_RESOLUTION),
});

export const GridPrediction = z
  .strictObject({
    v,
    type: z.literal('gridPrediction'),
    requestId: z.string().max(200),
    bounds: GridBounds,
    resolution: z.number().int().min(2).max(MAX_GRID_RESOLUTION),
    classes: z.number().int().min(1).max(10_000),
    /** resolution² rows of `classes` probabilities, row-major, rows by y then x. */
    probabilities: z.instanceof(Float32Array),
  })
  .refine((m) => m.probabilities.length === m.resolution * m.resolution * m.classes, 'probabilities must hold resolution²×classes values');

export const WorkerToEngine = z.discriminatedUnion('type', [...ToEngine.options, PredictGrid]);
export type WorkerToEngine = z.infer<typeof WorkerToEngine>;
export type WorkerToEngineInput = z.input<typeof WorkerToEngine>;
export const WorkerFromEngine = z.union([FromEngine, GridPrediction]);
export type WorkerFromEngine = z.infer<typeof WorkerFromEngine>;
export type GridPrediction = z.infer<typeof GridPrediction>;
