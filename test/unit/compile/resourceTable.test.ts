/**
 * The per-type memory figures against what test/bench/memoryTypes.ts measured on the wasm engine
 * (float32 values per output value per sample of a plain training step: tf.profile peaks, slope over
 * layer count and batch), and the estimate built from them against known designs.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_VALUES,
  LAYER_MEMORY,
  STATISTICS_VALUES_PER_OUTPUT,
  STATISTICS_VALUES_PER_SHARED_EDGE,
  SUMMARY_CHUNK_VALUES,
  SUMMARY_VALUES_PER_CHUNK_VALUE,
} from '../../../src/compile/resourceTable';
import { estimateResources, WASM_USABLE } from '../../../src/compile/resources';
import { entryFor } from '../../../src/graph/layerTable';
import { DesignBuilder } from '../../../src/graph/builder';
import type { z } from 'zod';
import { DesignNode } from '../../../src/graph/design';

type DesignNodeInput = z.input<typeof DesignNode>;

const node = (input: DesignNodeInput) => DesignNode.parse(input);
const at = { x: 0, y: 0 };
/** Values per output value of a shape-preserving node of `type`. */
const perOutput = (type: string, params: object = {}, inputs = 1) => {
  const n = node({ id: 'n', type, params, position: at } as DesignNodeInput);
  return entryFor(LAYER_MEMORY, n)(n, { input: 100 * inputs, output: 100 }) / 100;
};

describe('LAYER_MEMORY: values a training step keeps per output value, as measured on wasm', () => {
  it('LayerNorm keeps the most of the normalizations: its backward intermediates outlive the backward pass', () => {
    expect(perOutput('LayerNorm')).toBe(8);
    expect(perOutput('BatchNorm')).toBe(6);
    expect(perOutput('LayerNorm')).toBeGreaterThan(perOutput('BatchNorm'));
  });

  it('Dense and Conv2D: product, bias and activation, each a result and its gradient', () => {
    expect(perOutput('Dense', { units: 100, activation: 'relu' })).toBe(6);
    expect(perOutput('Dense', { units: 100, activation: 'linear' })).toBe(4);
    expect(perOutput('Dense', { units: 100, activation: 'linear', useBias: false })).toBe(2);
    expect(perOutput('Dense', { units: 100, activation: 'gelu' })).toBe(20);
    expect(perOutput('Conv2D', { filters: 4, kernelSize: 3, activation: 'relu' })).toBe(6);
  });

  it('activations by function: GELU is five taped ops, swish two, linear none', () => {
    expect(perOutput('Activation', { activation: 'relu' })).toBe(2);
    expect(perOutput('Activation', { activation: 'gelu' })).toBe(16);
    expect(perOutput('Activation', { activation: 'swish' })).toBe(6);
    expect(perOutput('Activation', { activation: 'linear' })).toBe(0);
    expect(Object.values(ACTIVATION_VALUES).every((v) => v >= 0)).toBe(true);
  });

  it('pooling, dropout, merges and reshapes', () => {
    expect(perOutput('MaxPool2D', { poolSize: 3, strides: 1, padding: 'same' })).toBe(5);
    expect(perOutput('AvgPool2D', { poolSize: 3, strides: 1, padding: 'same' })).toBe(3);
    expect(perOutput('Dropout', { rate: 0.2 })).toBe(5);
    expect(perOutput('Dropout', { rate: 0 })).toBe(0);
    expect(perOutput('Add', {}, 2)).toBe(4);
    expect(perOutput('Concatenate')).toBe(3);
    expect(perOutput('Flatten')).toBe(0);
  });

  it('a pool with stride 2 pays for its input, four times its output', () => {
    const n = node({ id: 'p', type: 'MaxPool2D', params: { poolSize: 2, strides: 2 }, position: at });
    expect(entryFor(LAYER_MEMORY, n)(n, { input: 400, output: 100 })).toBe(2 * 100 + 3 * 400);
  });
});

describe('estimateResources from the table', () => {
  function layerNormDesign(width: number, norms: number) {
    const b = new DesignBuilder('norms');
    let x = b.add('Input', { shape: [width] });
    for (let i = 0; i < norms; i++) x = b.add('LayerNorm', {}, { from: x });
    b.add('Output', { units: 2 }, { from: x });
    return b.build();
  }

  it('Input[64] → LayerNorm → Output: the backward pass, plus the statistics of every node on instrumented steps', () => {
    const design = layerNormDesign(64, 1);
    const plain = estimateResources(design, { batchSize: 32, optimizer: 'adam', statistics: false });
    expect(plain.activationsPerSample).toBe(8 * 64 + 8 * 2);
    const instrumented = estimateResources(design, { batchSize: 32, optimizer: 'adam' });
    expect(instrumented.activationsPerSample).toBe(8 * 64 + 8 * 2 + STATISTICS_VALUES_PER_OUTPUT * (64 + 64 + 2));
    // The summary reduces one chunk at a time: here every recorded value (130 per sample) fits in one.
    expect(instrumented.summaryValues).toBe(SUMMARY_VALUES_PER_CHUNK_VALUE * 130 * 32);
    expect(plain.summaryValues).toBe(0);
    expect(instrumented.activationBytes).toBe((32 * instrumented.activationsPerSample + instrumented.summaryValues) * 4);
  });

  it('each LayerNorm adds 8 + 4 values per output value: its backward pass, and the recorder’s copies of its output and gradient', () => {
    const two = estimateResources(layerNormDesign(1000, 2));
    const three = estimateResources(layerNormDesign(1000, 3));
    expect(STATISTICS_VALUES_PER_OUTPUT).toBe(4);
    expect(three.activationsPerSample - two.activationsPerSample).toBe(1000 * (8 + STATISTICS_VALUES_PER_OUTPUT));
  });

  it('the summary term does not grow with depth: the same for 100 and 2,000 layers, one recorded tensor when that exceeds a chunk', () => {
    const shallow = estimateResources(layerNormDesign(16, 100), { batchSize: 64, optimizer: 'adam' });
    const deep = estimateResources(layerNormDesign(16, 2000), { batchSize: 64, optimizer: 'adam' });
    expect(deep.summaryValues).toBe(shallow.summaryValues);
    expect(deep.summaryValues).toBe(SUMMARY_VALUES_PER_CHUNK_VALUE * SUMMARY_CHUNK_VALUES);
    // 16,384 values per sample at batch 64: a recorded tensor of 1,048,576 values, reduced alone.
    const wide = estimateResources(layerNormDesign(16384, 2), { batchSize: 64, optimizer: 'adam' });
    expect(wide.summaryValues).toBe(SUMMARY_VALUES_PER_CHUNK_VALUE * 16384 * 64);
    // Per sample, each further layer costs its backward pass and the recorder’s 4 copies per output value.
    expect(deep.activationsPerSample - shallow.activationsPerSample).toBe(1900 * 16 * (8 + STATISTICS_VALUES_PER_OUTPUT));
    // A design smaller than a chunk pays for what it recorded.
    const tiny = estimateResources(layerNormDesign(16, 2), { batchSize: 64, optimizer: 'adam' });
    expect(tiny.summaryValues).toBe(SUMMARY_VALUES_PER_CHUNK_VALUE * (16 * 3 + 2) * 64);
  });

  it('Dense 16384 + 16 LayerNorms: at or up to 25% above the wasm heap peaks measured at batch 64 and 128 (851 MB, 1.66 GB), refused at 256', () => {
    const b = new DesignBuilder('LayerNorm tower');
    let x = b.add('Dense', { units: 16384, activation: 'relu' }, { from: b.add('Input', { shape: [2] }) });
    for (let i = 0; i < 16; i++) x = b.add('LayerNorm', {}, { from: x });
    b.add('Output', { units: 2 }, { from: x });
    const design = b.build();
    // 300 samples: 60 validate, in one batch of 60 (as the engine's own check counts it).
    const at = (batchSize: number) => estimateResources(design, { batchSize, optimizer: 'adam', samples: 300, evaluationBatch: 60 }).trainingBytes;
    // npm run bench:memory on a loaded shared machine, chunked statistics summary.
    for (const [batch, heap] of [
      [64, 851_312_640],
      [128, 1_656_619_008],
    ]) {
      expect(at(batch) / heap).toBeGreaterThanOrEqual(1);
      expect(at(batch) / heap).toBeLessThan(1.25);
    }
    expect(at(256)).toBeGreaterThan(WASM_USABLE);
  });

  it('a source feeding several nodes adds its edge statistics once per edge', () => {
    const b = new DesignBuilder('fan-out');
    const input = b.add('Input', { shape: [10] });
    const d = b.add('Dense', { units: 10, activation: 'linear' }, { from: input });
    const e = b.add('Activation', { activation: 'relu' }, { from: d });
    const sum = b.add('Add', {}, { from: [d, e] });
    b.add('Output', { units: 2 }, { from: sum });
    const shared = estimateResources(b.build());
    const off = estimateResources(b.build(), { batchSize: 64, optimizer: 'adam', statistics: false });
    // Nodes: input 10, dense 10, relu 10, add 10, output 2; two shared edges of 10 leave the Dense.
    expect(shared.activationsPerSample - off.activationsPerSample).toBe(STATISTICS_VALUES_PER_OUTPUT * 42 + STATISTICS_VALUES_PER_SHARED_EDGE * 20);
  });
});
