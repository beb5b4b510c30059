import { describe, expect, it } from 'vitest';
import { parseDesignValue } from '../../../src/graph/parse';
import type { Design } from '../../../src/graph/design';
import { unroll } from '../../../src/graph/unroll';
import { ACTIVATION_FIELDS, EDGE_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS, STATS_SCHEMA_VERSION, type StatsFrame } from '../../../src/schema/stats';
import { buildOverlayLayout } from '../../../renderer/overlay/layout';
import { displayFrame } from '../../../renderer/overlay/display';
import residual1002 from '../../../assets/examples/residual-mlp-1002-repeat.rescanvas.json';
import residual20 from '../../../assets/examples/residual-mlp-20.rescanvas.json';
import { manualStatsStore } from '../support/manualStatsStore';

function design(raw: unknown): Design {
  const parsed = parseDesignValue(raw);
  if (!parsed.ok) throw new Error('example does not parse');
  return parsed.design;
}

/** A frame over the unrolled graph where row r has activation std = (r + 1) and gradient rms = 10^-r. */
function frame(d: Design, runId = 'run', step = 1, fanOutEdges: string[] = []): StatsFrame {
  const ids = unroll(d).nodes.map((n) => n.id);
  const rows = ids.length;
  const activation = new Float32Array(rows * ACTIVATION_FIELDS.length);
  const gradient = new Float32Array(rows * GRADIENT_FIELDS.length);
  for (let r = 0; r < rows; r++) {
    activation.set([0, r + 1, -1, 1, r % 2 ? 0.25 : 0], r * ACTIVATION_FIELDS.length);
    gradient.set([10 ** -r * 3, 10 ** -r, 10 ** -r * 2], r * GRADIENT_FIELDS.length);
  }
  return {
    schema: STATS_SCHEMA_VERSION,
    runId,
    step,
    epoch: 0,
    elapsedMs: step,
    loss: 1,
    nodes: {
      ids,
      activation,
      activationHistogram: new Float32Array(rows * HISTOGRAM_BINS).fill(1 / HISTOGRAM_BINS),
      gradient,
      gradientHistogram: new Float32Array(rows * HISTOGRAM_BINS).fill(1 / HISTOGRAM_BINS),
    },
    edges: { ids: fanOutEdges, gradient: new Float32Array(fanOutEdges.length * EDGE_FIELDS.length).fill(42) },
    weights: { ids: [], nodeIds: [], values: new Float32Array() },
    groups: { ids: [], values: new Float32Array() },
  };
}

describe('overlay layout and display', () => {
  it('maps every design node of a plain design to its own frame row', () => {
    const d = design(residual20);
    const f = frame(d);
    const layout = buildOverlayLayout(d, f.nodes.ids, f.edges.ids);
    const shown = displayFrame(f, layout, 'forward');
    for (const n of d.nodes) expect(shown.nodes.get(n.id)?.value).toBe(f.nodes.ids.indexOf(n.id) + 1);
  });

  it('backward shows gradient RMS, and edges carry their source gradient unless a fan-out row exists', () => {
    const d = design(residual20);
    const fanOut = d.edges.find((e) => d.edges.filter((o) => o.source === e.source).length > 1);
    expect(fanOut).toBeDefined();
    const f = frame(d, 'run', 1, [fanOut!.id]);
    const shown = displayFrame(f, buildOverlayLayout(d, f.nodes.ids, f.edges.ids), 'backward');
    const row = f.nodes.ids.indexOf('dense_1');
    expect(shown.nodes.get('dense_1')?.value).toBe(Math.fround(10 ** -row));
    expect(shown.edges.get(fanOut!.id)).toBe(42);
    const single = d.edges.find((e) => e.source === 'dense_1')!;
    expect(shown.edges.get(single.id)).toBe(Math.fround(10 ** -row * 3));
    expect(shown.logMin).toBeLessThan(shown.logMax);
  });

  it('aggregates a collapsed repeat group over the copies of its exit node', () => {
    const d = design(residual1002);
    const group = d.groups[0];
    expect(group.collapsed).toBe(true);
    const f = frame(d);
    const layout = buildOverlayLayout(d, f.nodes.ids, f.edges.ids);
    expect(layout.nodeRows.get(group.id)?.length).toBe(group.repeat);
    const shown = displayFrame(f, layout, 'forward').nodes.get(group.id)!;
    expect(shown.copies?.length).toBe(group.repeat);
    const rows = [...layout.nodeRows.get(group.id)!];
    expect(shown.value).toBeCloseTo(rows.reduce((s, r) => s + r + 1, 0) / rows.length, 3);
  });

  it('flags non-finite activations', () => {
    const d = design(residual20);
    const f = frame(d);
    const row = f.nodes.ids.indexOf('dense_1');
    f.nodes.activation[row * ACTIVATION_FIELDS.length + ACTIVATION_FIELDS.indexOf('max')] = Infinity;
    const shown = displayFrame(f, buildOverlayLayout(d, f.nodes.ids, f.edges.ids), 'forward');
    expect(shown.nodes.get('dense_1')?.nonFinite).toBe(true);
    expect(shown.nodes.get('dense_2')?.nonFinite).toBe(false);
  });
});

describe('StatsStore', () => {
  it('paints subscribers once per animation frame, only for their own node, and acknowledges the last seq', () => {
    const d = design(residual20);
    const { store, flush } = manualStatsStore();
    const acks: number[] = [];
    store.onAck((seq) => acks.push(seq));
    store.setDesign(d);
    store.setMode('forward');
    const seen: (number | undefined)[] = [];
    const other: number[] = [];
    store.subscribeNode('dense_1', (n) => seen.push(n?.value));
    store.subscribeNode('dense_2', () => other.push(1));
    store.push(frame(d, 'run', 1), 1);
    store.push(frame(d, 'run', 2), 2);
    expect(seen).toEqual([]);
    flush();
    expect(seen).toHaveLength(1);
    expect(other).toHaveLength(1);
    expect(acks).toEqual([2]);
    expect(store.timings.map((t) => t.seq)).toEqual([1, 2]);
  });

  it('does not paint nodes with the overlay off, but still acknowledges', () => {
    const d = design(residual20);
    const { store, flush } = manualStatsStore();
    const acks: number[] = [];
    store.onAck((seq) => acks.push(seq));
    store.setDesign(d);
    let painted = 0;
    store.subscribeNode('dense_1', () => painted++);
    store.push(frame(d), 7);
    flush();
    expect(painted).toBe(0);
    expect(acks).toEqual([7]);
  });

  it('keeps recorded frames for scrubbing and starts over for a new run', () => {
    const d = design(residual20);
    const { store, flush } = manualStatsStore();
    store.setDesign(d);
    for (let i = 1; i <= 5; i++) store.push(frame(d, 'a', i), i);
    flush();
    expect(store.frameCount).toBe(5);
    store.scrubTo(1);
    expect(store.current()?.step).toBe(2);
    store.scrubTo(99);
    expect(store.current()?.step).toBe(5);
    store.scrubTo(null);
    store.push(frame(d, 'b', 1), 6);
    expect(store.frameCount).toBe(1);
    expect(store.current()?.runId).toBe('b');
  });

  it('shows nothing rather than a wrong value when the canvas design lacks the frame ids', () => {
    const d = design(residual20);
    const { store, flush } = manualStatsStore();
    store.setDesign({ ...d, nodes: d.nodes.map((n) => ({ ...n, id: `other_${n.id}` })), edges: [], groups: [] });
    store.setMode('forward');
    const seen: unknown[] = [];
    store.subscribeNode('other_dense_1', (n) => seen.push(n));
    store.push(frame(d), 1);
    flush();
    expect(seen).toEqual([undefined]);
  });
});
