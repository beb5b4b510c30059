import { LAYER_TYPES, type LayerType } from './catalogue';
import type { DesignNode, NodeOfType } from './design';

/**
 * The layer registry. A layer type's parts live with the code that uses them, because the layers of
 * `src/` import only downward and no one folder may hold a tf.js builder, a training op, an exporter
 * and an importer at once. Each concern keeps one table with an entry per layer type:
 *
 * | concern | table | layer |
 * | --- | --- | --- |
 * | catalogue data, params, shape rule, parameter and FLOP counts, tf.js builder, face summary | `LAYER_KINDS` (`graph/catalogue/`) | graph |
 * | the training step's op | `PLAN_OPS` (`engine/plan/ops.ts`) | engine |
 * | PyTorch module | `PYTORCH_LAYERS` (`export/pytorch/layers.ts`) | export |
 * | ONNX ops | `ONNX_LAYERS` (`export/onnx/layers.ts`) | export |
 * | Keras classes read on import, and how | `IMPORT_LAYERS` (`import/layers.ts`) | import |
 * | weights a node has on import, with their shapes | `IMPORT_WEIGHTS` (`import/layers.ts`) | import |
 * | memory a training step keeps per sample | `LAYER_MEMORY` (`compile/resourceTable.ts`) | compile |
 *
 * Every table is typed `LayerTable` or `LayerRecord`, so a type left out is a compile error, and
 * `test/unit/graph/layerRegistry.test.ts` checks each against the catalogue with `missingLayerEntries`.
 * Adding a layer type: one catalogue file, then one entry in each table above.
 */

/** A concern's entry per layer type, each a function of that type's node (params typed for it). */
export type LayerTable<R, A extends unknown[] = []> = { readonly [T in LayerType]: (node: NodeOfType<T>, ...args: A) => R };

/** A concern's entry per layer type when the entry does not depend on the node's params. */
export type LayerRecord<V> = { readonly [T in LayerType]: V };

/** The entry for `node`, called with the node narrowed to its own type. */
export function entryFor<R, A extends unknown[]>(table: LayerTable<R, A>, node: DesignNode): (node: DesignNode, ...args: A) => R {
  const entry = (table as Record<string, ((node: DesignNode, ...args: A) => R) | undefined>)[node.type];
  if (!entry) throw new Error(`no entry for layer type "${node.type}"`);
  return entry;
}

/**
 * Every hole in the registry: a catalogue type some concern has no entry for, and an entry for a type
 * the catalogue does not have. Empty when the registry is complete.
 */
export function missingLayerEntries(concerns: Readonly<Record<string, object>>, types: readonly string[] = LAYER_TYPES): string[] {
  const problems: string[] = [];
  for (const [concern, table] of Object.entries(concerns)) {
    const entries = table as Record<string, unknown>;
    for (const type of types) {
      if (!Object.prototype.hasOwnProperty.call(entries, type) || entries[type] === undefined) {
        problems.push(`layer type "${type}" has no entry in ${concern}`);
      }
    }
    for (const key of Object.keys(entries))
      if (!types.includes(key)) problems.push(`${concern} has an entry for "${key}", which is not a catalogue layer type`);
  }
  return problems;
}
