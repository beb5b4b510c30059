/**
 * The layer registry is complete: every catalogue layer type has an entry in every concern's table
 * (src/graph/layerTable.ts lists them), and the check itself catches a table with a type missing.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LAYER_KINDS, LAYER_TYPES, layerKind, type LayerType } from '../../../src/graph/catalogue';
import { DesignNode } from '../../../src/graph/design';
import { missingLayerEntries } from '../../../src/graph/layerTable';
import { PLAN_OPS } from '../../../src/engine/plan/ops';
import { PYTORCH_LAYERS } from '../../../src/export/pytorch/layers';
import { ONNX_LAYERS } from '../../../src/export/onnx/layers';
import { IMPORT_LAYERS, IMPORT_WEIGHTS } from '../../../src/import/layers';
import { LAYER_MEMORY } from '../../../src/compile/resourceTable';
import { RULES } from '../export/layerCases';

/** Every concern's table, by the name a missing entry is reported under. */
const CONCERNS = {
  'the design schema (graph/design.ts DesignNode)': Object.fromEntries(DesignNode.options.map((o) => [o.shape.type.value, o])),
  'the catalogue (graph/catalogue LAYER_KINDS)': Object.fromEntries(LAYER_KINDS.map((k) => [k.type, k])),
  'PLAN_OPS (engine/plan/ops.ts)': PLAN_OPS,
  'PYTORCH_LAYERS (export/pytorch/layers.ts)': PYTORCH_LAYERS,
  'ONNX_LAYERS (export/onnx/layers.ts)': ONNX_LAYERS,
  'IMPORT_LAYERS (import/layers.ts)': IMPORT_LAYERS,
  'IMPORT_WEIGHTS (import/layers.ts)': IMPORT_WEIGHTS,
  'LAYER_MEMORY (compile/resourceTable.ts)': LAYER_MEMORY,
};

describe('layer registry', () => {
  it('has an entry for every catalogue layer type in every concern', () => {
    expect(LAYER_TYPES.length).toBeGreaterThan(10);
    expect(missingLayerEntries(CONCERNS)).toEqual([]);
  });

  it('catches a concern whose table leaves a type out, or holds one the catalogue lacks', () => {
    const { Conv2D: _left, ...withoutConv } = PLAN_OPS;
    expect(missingLayerEntries({ PLAN_OPS: withoutConv })).toEqual(['layer type "Conv2D" has no entry in PLAN_OPS']);
    expect(missingLayerEntries({ ONNX_LAYERS: { ...ONNX_LAYERS, Attention: () => {} } })).toEqual([
      'ONNX_LAYERS has an entry for "Attention", which is not a catalogue layer type',
    ]);
    expect(missingLayerEntries({ PYTORCH_LAYERS: { ...PYTORCH_LAYERS, Dropout: undefined } })).toEqual(['layer type "Dropout" has no entry in PYTORCH_LAYERS']);
  });

  it('catches a type added to the catalogue and to no other concern', () => {
    const problems = missingLayerEntries(CONCERNS, [...LAYER_TYPES, 'Attention']);
    expect(problems).toHaveLength(Object.keys(CONCERNS).length);
    for (const concern of Object.keys(CONCERNS)) expect(problems).toContain(`layer type "Attention" has no entry in ${concern}`);
  });

  it('the export tests have a case for every type (PyTorch and ONNX rules run them)', () => {
    const covered = new Set(Object.values(RULES).flatMap((d) => d.nodes.map((n) => n.type)));
    expect(LAYER_TYPES.filter((t) => !covered.has(t))).toEqual([]);
  });

  it('every Keras class the tf.js builder writes is one the import reads back as the same type', () => {
    const defaults = (type: LayerType): object => layerKind(type).params.parse({});
    // Activations are the one param that changes the classes written: leaky ReLU is a layer of its own.
    const variants = (type: LayerType): object[] => {
      const base = defaults(type);
      return 'activation' in base && type !== 'Output' ? [base, { ...base, activation: 'leakyRelu' }] : [base];
    };
    const unread: string[] = [];
    for (const kind of LAYER_KINDS) {
      if (kind.type === 'Input') {
        expect(IMPORT_LAYERS.Input.kerasClasses).toContain(tf.input({ shape: [2] }).sourceLayer.getClassName());
        continue;
      }
      // The Output is written as a Dense; the import makes the model's last Dense the Output.
      const readAs: LayerType = kind.type === 'Output' ? 'Dense' : (kind.type as LayerType);
      for (const params of variants(kind.type as LayerType)) {
        const built = layerKind(kind.type).build(tf, params, `${kind.type}_probe`);
        const [main, ...extra] = built.layers.map((l) => l.getClassName());
        if (!IMPORT_LAYERS[readAs].kerasClasses.includes(main)) unread.push(`${kind.type} writes ${main}`);
        for (const cls of extra) if (!IMPORT_LAYERS.Activation.kerasClasses.includes(cls)) unread.push(`${kind.type} writes ${cls}`);
      }
    }
    expect(unread).toEqual([]);
  });
});
