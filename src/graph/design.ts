import { z } from 'zod';
import type { LayerKind } from './catalogue';
import { inputLayer, outputLayer } from './catalogue/io';
import { denseLayer } from './catalogue/dense';
import { conv2dLayer } from './catalogue/conv';
import { avgPoolLayer, flattenLayer, globalAvgPoolLayer, maxPoolLayer } from './catalogue/pool';
import { batchNormLayer, layerNormLayer } from './catalogue/norm';
import { activationLayer, dropoutLayer } from './catalogue/elementwise';
import { addLayer, concatenateLayer } from './catalogue/merge';
import { TrainingPreset } from './preset';

export const DESIGN_FORMAT = 'rescanvas.design';
export const DESIGN_VERSION = 1;
/** Far beyond a 1000-block ResNet (~4000 nodes) yet small enough to validate in well under a second. */
export const MAX_NODES = 50_000;
export const MAX_EDGES = 100_000;
export const MAX_REPEAT = 10_000;

/** Ids become tf.js layer names; `__` is reserved for unrolled copies of repeat groups (`dense_1__3`). */
export const NodeId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'ids start with a letter and use only letters, digits and _ (at most 64 characters)')
  .refine((id) => !id.includes('__'), 'ids may not contain "__" (reserved for repeated copies)');

const Position = z.strictObject({
  x: z.number().finite().min(-1e7).max(1e7),
  y: z.number().finite().min(-1e7).max(1e7),
});

function nodeSchema<P extends object, const T extends string>(kind: LayerKind<P, T>) {
  return z.strictObject({
    id: NodeId,
    type: z.literal(kind.type),
    name: z.string().max(100).optional(),
    params: kind.params.prefault({} as P),
    position: Position.default({ x: 0, y: 0 }),
  });
}

/** Listed one by one (not mapped) so TypeScript keeps each type's params tied to its `type`. */
export const DesignNode = z.discriminatedUnion('type', [
  nodeSchema(inputLayer),
  nodeSchema(denseLayer),
  nodeSchema(conv2dLayer),
  nodeSchema(maxPoolLayer),
  nodeSchema(avgPoolLayer),
  nodeSchema(globalAvgPoolLayer),
  nodeSchema(flattenLayer),
  nodeSchema(batchNormLayer),
  nodeSchema(layerNormLayer),
  nodeSchema(activationLayer),
  nodeSchema(dropoutLayer),
  nodeSchema(addLayer),
  nodeSchema(concatenateLayer),
  nodeSchema(outputLayer),
]);
export type DesignNode = z.infer<typeof DesignNode>;
export type NodeOfType<T extends DesignNode['type']> = Extract<DesignNode, { type: T }>;

export const DesignEdge = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_:-]{1,128}$/, 'edge ids use letters, digits, _, : and - (at most 128 characters)'),
  source: NodeId,
  target: NodeId,
  /** Order of inputs for multi-input layers (Concatenate order matters); lower first. */
  targetPort: z.number().int().min(0).max(63).default(0),
});
export type DesignEdge = z.infer<typeof DesignEdge>;

/** A block with one entry and one exit, applied `repeat` times in sequence. */
export const RepeatGroup = z.strictObject({
  id: NodeId,
  name: z.string().max(100).optional(),
  nodeIds: z.array(NodeId).min(1).max(MAX_NODES),
  repeat: z.number().int().min(1).max(MAX_REPEAT),
  collapsed: z.boolean().default(true),
});
export type RepeatGroup = z.infer<typeof RepeatGroup>;

export const DesignMetadata = z.strictObject({
  name: z.string().max(200).default('Untitled design'),
  description: z.string().max(20_000).default(''),
  tags: z.array(z.string().max(50)).max(50).default([]),
});

/**
 * How the canvas shows the design; never read by the compiler, the engine or the exporters.
 * `folded` lists residual blocks drawn as one node, by merge node id (see blocks.ts).
 */
export const DesignView = z.strictObject({
  folded: z.array(NodeId).max(MAX_NODES).optional(),
  direction: z.enum(['down', 'right']).optional(),
});
export type DesignView = z.infer<typeof DesignView>;

/** The network itself: what the engine, the exporters and a run's design snapshot hold. */
export const DesignCore = z.strictObject({
  format: z.literal(DESIGN_FORMAT),
  version: z.literal(DESIGN_VERSION),
  metadata: DesignMetadata.prefault({}),
  nodes: z.array(DesignNode).max(MAX_NODES),
  edges: z.array(DesignEdge).max(MAX_EDGES),
  groups: z.array(RepeatGroup).max(MAX_NODES).default([]),
  /** The training recipe the design comes with (preset.ts); absent in files written before it existed. */
  preset: TrainingPreset.optional(),
  view: DesignView.optional(),
});
export type DesignCore = z.infer<typeof DesignCore>;

/**
 * A design document: the network plus, optionally, the training runs saved with it. The runs pass
 * through here unread; readSavedRuns (savedRuns.ts) checks them one by one when the document is
 * opened, so a damaged run record costs that run and never the design. The published JSON Schema
 * (jsonSchema.ts) describes them in full.
 */
export const Design = DesignCore.extend({
  runs: z.unknown().optional(),
});
export type Design = z.infer<typeof Design>;
/** What a file holds before defaults are applied. */
export type DesignInput = z.input<typeof Design>;

export function emptyDesign(name = 'Untitled design'): Design {
  return { format: DESIGN_FORMAT, version: DESIGN_VERSION, metadata: { name, description: '', tags: [] }, nodes: [], edges: [], groups: [] };
}
