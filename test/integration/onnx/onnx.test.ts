import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { exampleDesigns } from '../../../src/graph/examples';
import { DesignBuilder } from '../../../src/graph/builder';
import type { Design } from '../../../src/graph/design';
import { checkOnnxModel, decodeModel, exportOnnx, onnxModelBytes, OnnxExportError, ONNX_OPSET } from '../../../src/export/onnx';
import { RULES } from '../../unit/export/layerCases';
import { compiledCase, inputShape, relativeDiff, runOnnx, tf } from './onnxSupport';
import { useWasmBackend } from '../../../src/engine/backends/wasm';

const { onnx } = onnxProto;

const EXTRA: Record<string, Design> = {
  'Add of three inputs (Sum)': (() => {
    const b = new DesignBuilder('add3');
    const x = b.add('Input', { shape: [5] });
    const h1 = b.add('Dense', { units: 5, activation: 'tanh' }, { from: x });
    const h2 = b.add('Dense', { units: 5, activation: 'swish' }, { from: x });
    const s = b.add('Add', {}, { from: [h1, h2, x] });
    b.add('Output', { units: 3, activation: 'linear' }, { from: s });
    return b.build();
  })(),
};

const CASES: [string, Design][] = [...Object.entries(exampleDesigns()), ...Object.entries(RULES), ...Object.entries(EXTRA)];

/** Adds every value_info as a graph output, so ONNX Runtime reports the real shape of each design node. */
function withValueInfoOutputs(bytes: Uint8Array): { bytes: Uint8Array; declared: Map<string, (number | string)[]> } {
  const model = decodeModel(bytes);
  const graph = model.graph as InstanceType<typeof onnx.GraphProto>;
  const declared = new Map<string, (number | string)[]>();
  for (const v of graph.valueInfo) {
    declared.set(
      v.name ?? '',
      (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))),
    );
    graph.output.push(v);
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), declared };
}

describe('ONNX export: ONNX Runtime (wasm) predicts what tf.js predicts (max |onnx − tf.js| / max |tf.js| ≤ 1e-4)', () => {
  const measured: string[] = [];
  beforeAll(async () => {
    await useWasmBackend(tf);
  });
  afterAll(() => console.log(`ONNX vs tf.js, relative max difference (initial / trained): ${measured.join(', ')}`));

  for (const [name, design] of CASES) {
    it(`${name}: initial and trained weights agree; valid; declared shapes are the real ones; node ids kept`, async () => {
      const batch = inputShape(design).length === 3 ? 2 : 4;
      const initial = await compiledCase(design, batch);
      const bytes = onnxModelBytes(design, initial.weights, false);
      expect(checkOnnxModel(bytes)).toEqual([]);
      // One session for both: the probe model is the export plus every value_info as an extra output.
      const probe = withValueInfoOutputs(bytes);
      const onInitial = await runOnnx(probe.bytes, initial.x);
      const mismatches: string[] = [];
      for (const [tensor, dims] of probe.declared) {
        const real = onInitial.outputs[tensor]?.dims;
        const expected = dims.map((d) => (d === 'N' ? batch : d));
        if (!real || real.join(',') !== expected.join(','))
          mismatches.push(`${tensor}: declared [${expected.join(', ')}], ran [${real?.join(', ') ?? 'missing'}]`);
      }
      expect(mismatches).toEqual([]);
      const initialDiff = relativeDiff(onInitial.data, initial.expected);
      initial.dispose();

      const trained = await compiledCase(design, batch, 2);
      const trainedDiff = relativeDiff((await runOnnx(onnxModelBytes(design, trained.weights, true), trained.x)).data, trained.expected);
      trained.dispose();
      measured.push(`${name} ${initialDiff.toExponential(1)}/${trainedDiff.toExponential(1)}`);
      expect(initialDiff).toBeLessThanOrEqual(1e-4);
      expect(trainedDiff).toBeLessThanOrEqual(1e-4);

      // Every design node outside repeat groups is an op under its own id (Input is the graph input).
      const names = (decodeModel(bytes).graph?.node ?? []).map((n) => n.name ?? '');
      for (const n of design.nodes) if (n.type !== 'Input' && !design.groups.some((g) => g.nodeIds.includes(n.id))) expect(names).toContain(n.id);
    }, 300_000);
  }
});

describe('ONNX export: the file itself', () => {
  const design = exampleDesigns()['residual-mlp-20.rescanvas.json'];
  let bytes: Uint8Array;
  beforeAll(async () => {
    await useWasmBackend(tf);
    const bundle = await exportOnnx(design, tf);
    expect(bundle.files.map((f) => f.name)).toEqual(['model.onnx']);
    bytes = bundle.files[0].data as Uint8Array;
  });

  it(`imports opset ${ONNX_OPSET}, says the weights are initial, and names the input layout`, () => {
    const model = decodeModel(bytes);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(meta['rescanvas.weights']).toBe('initial');
    expect(meta['rescanvas.input_layout']).toBe('NC');
    expect(model.producerName).toBe('ResCanvas');
  });

  it('repeat-group copies keep their unrolled ids (block__k) as op names', () => {
    const repeated = exampleDesigns()['residual-mlp-1002-repeat.rescanvas.json'];
    const member = repeated.groups[0].nodeIds[0];
    return compiledCase(repeated, 1).then((c) => {
      const names = (decodeModel(onnxModelBytes(repeated, c.weights, false)).graph?.node ?? []).map((n) => n.name);
      c.dispose();
      expect(names).toContain(member);
      expect(names).toContain(`${member}__${repeated.groups[0].repeat - 1}`);
    });
  });

  /** Decodes, applies `edit`, re-encodes, and returns what the checker says. */
  function broken(edit: (graph: InstanceType<typeof onnx.GraphProto>, model: InstanceType<typeof onnx.ModelProto>) => void): string[] {
    const model = decodeModel(bytes);
    edit(model.graph as InstanceType<typeof onnx.GraphProto>, model);
    return checkOnnxModel(onnx.ModelProto.encode(model).finish());
  }

  it('the checker passes the export and catches each broken rule, naming the tensor or node', () => {
    expect(checkOnnxModel(bytes)).toEqual([]);
    expect(broken((g) => g.node.reverse()).join('\n')).toMatch(/is not defined before the node/);
    expect(broken((g) => g.initializer.push(g.initializer[0])).join('\n')).toMatch(new RegExp(`initializer "${g0(bytes)}" is defined twice`));
    expect(broken((_g, m) => (m.opsetImport = [])).join('\n')).toMatch(/no opset_import/);
    expect(broken((g) => (g.node[0].input = ['nowhere'])).join('\n')).toMatch(/input "nowhere" is not defined/);
    expect(broken((g) => (g.valueInfo[0].type = { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 0 }] } } })).join('\n')).toMatch(
      /dimension 0 is neither/,
    );
    expect(broken((g) => (g.valueInfo[0].name = 'ghost')).join('\n')).toMatch(/value_info "ghost" names no tensor/);
    expect(broken((g) => (g.initializer[0].rawData = new Uint8Array(4))).join('\n')).toMatch(/holds 1 values/);
    expect(checkOnnxModel(new Uint8Array([0xff, 0xff, 0xff]))[0]).toMatch(/not a readable ONNX protobuf|not an ONNX model/);
  });

  it('a layer ONNX cannot express is named, and nothing is produced', async () => {
    const bad = { ...design, nodes: design.nodes.map((n, i) => (i === 2 ? ({ ...n, type: 'Attention' } as unknown as typeof n) : n)) };
    await expect(exportOnnx(bad, tf)).rejects.toThrow(OnnxExportError);
    await expect(exportOnnx(bad, tf)).rejects.toThrow(`node "${design.nodes[2].id}" has layer type "Attention", which ONNX export cannot express`);
  });

  it('weights that do not fit the design are named per node', () => {
    const node = design.nodes.find((n) => n.type === 'Dense') as Design['nodes'][number];
    const weights = new Map([[node.id, new Map([['kernel', { shape: [1, 1], values: new Float32Array(1) }]])]]);
    expect(() => onnxModelBytes(design, weights, true)).toThrow(new RegExp(`node "${node.id}": weight "kernel" has shape \\[1, 1\\]`));
  });
});

function g0(bytes: Uint8Array): string {
  return decodeModel(bytes).graph?.initializer?.[0]?.name ?? '';
}
