import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileDesign } from '../../../src/compile/toTfjs';
import { buildPlan } from '../../../src/engine/plan/plan';
import { frameLayout } from '../../../src/engine/instrument';
import { exportPytorchPackage } from '../../../src/export/pytorch';
import { planModel } from '../../../src/export/pytorch/translate';
import { statsLayout, type StatsLayout } from '../../../src/export/pytorch/statsLayout';
import { cifarResNet, deepResidualMlp, projectionShortcut, residualMlp } from '../../../src/graph/examples';
import type { Design } from '../../../src/graph/design';

/** The rows the app's engine gives its frames for a design, beside the ones train.py will write. */
function both(design: Design): { engine: ReturnType<typeof frameLayout>; pytorch: StatsLayout } {
  const compiled = compileDesign(design, tf);
  try {
    return { engine: frameLayout(buildPlan(compiled)), pytorch: statsLayout(design, planModel(design)) };
  } finally {
    compiled.model.dispose();
  }
}

describe('stats_layout.json: train.py writes frames in the engine’s row order', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['residual MLP-6', residualMlp(6, { width: 8 })],
    ['residual MLP, 3 repeated blocks', deepResidualMlp(3, 8)],
    ['projection shortcut', projectionShortcut()],
    ['ResNet-8', cifarResNet(1)],
  ])('%s: node, edge, weight and group rows equal the engine’s', (_name, design) => {
    const { engine, pytorch } = both(design);
    expect(pytorch.nodeIds).toEqual(engine.nodeIds);
    expect(pytorch.edges.map((e) => e.id)).toEqual(engine.edgeIds);
    // tf.js may suffix a variable name (`kernel_1`) when one process built several models.
    expect(pytorch.weights.map((w) => w.id)).toEqual(engine.weightIds.map((id) => id.replace(/_\d+$/, '')));
    expect(pytorch.weights.map((w) => w.node)).toEqual(engine.weightNodeIds);
    expect(pytorch.groups).toEqual([...engine.groups].map(([id, rows]) => ({ id, rows })));
  });

  it('names edge ports and PyTorch parameters: a repeated Add reads the block input on its second port', () => {
    const layout = statsLayout(deepResidualMlp(3, 8), planModel(deepResidualMlp(3, 8)));
    expect(layout.groups.map((g) => g.id)).toEqual(['layernorm_1', 'dense_2', 'dense_3', 'add_1']);
    expect(layout.groups[0].rows).toHaveLength(3);
    const intoAdd = layout.edges.filter((e) => e.target === 'add_1__2');
    expect(intoAdd).toHaveLength(1);
    expect(intoAdd[0].port).toBe(1);
    expect(intoAdd[0].id).toMatch(/__2$/);
    expect(layout.weights.find((w) => w.id === 'layernorm_1__1/gamma')).toEqual({ id: 'layernorm_1__1/gamma', node: 'layernorm_1__1', param: 'weight' });
  });

  it('is part of every package, beside the design it came from', () => {
    const names = exportPytorchPackage(residualMlp(4, { width: 8 })).files.map((f) => f.name);
    expect(names).toContain('stats_layout.json');
    expect(names).toContain('design.rescanvas.json');
  });
});
