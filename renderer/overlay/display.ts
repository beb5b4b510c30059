import { ACTIVATION_FIELDS, EDGE_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS, type StatsFrame } from '../../src/schema/stats';
import type { OverlayLayout } from './layout';

export type OverlayMode = 'off' | 'forward' | 'backward';

/** What one canvas node shows for one frame. */
export interface NodeDisplay {
  /** Activation std (forward) or gradient RMS (backward), averaged over copies; NaN when not measured. */
  value: number;
  /** Histogram of the first copy (32 fractions); empty when not measured. */
  histogram: Float32Array;
  /** Share of exact zeros in a ReLU-family output, or null when the layer is not one. */
  deadFraction: number | null;
  /** Inf or NaN seen in the measured values. */
  nonFinite: boolean;
  /** Per-copy values for repeated nodes (the strip in a collapsed group); null outside groups. */
  copies: Float32Array | null;
}

export interface FrameDisplay {
  mode: OverlayMode;
  nodes: Map<string, NodeDisplay>;
  /** Design edge id → gradient L2 norm flowing back along it. */
  edges: Map<string, number>;
  /** log10 range of the node values, for the colour scale and legend. */
  logMin: number;
  logMax: number;
  edgeLogMin: number;
  edgeLogMax: number;
}

const A_STD = ACTIVATION_FIELDS.indexOf('std');
const A_MIN = ACTIVATION_FIELDS.indexOf('min');
const A_MAX = ACTIVATION_FIELDS.indexOf('max');
const A_ZERO = ACTIVATION_FIELDS.indexOf('zeroFraction');
const G_RMS = GRADIENT_FIELDS.indexOf('rms');
const G_NORM = GRADIENT_FIELDS.indexOf('l2Norm');
const G_MAX = GRADIENT_FIELDS.indexOf('maxAbs');
const E_NORM = EDGE_FIELDS.indexOf('l2Norm');
const AW = ACTIVATION_FIELDS.length;
const GW = GRADIENT_FIELDS.length;
const EW = EDGE_FIELDS.length;
const EMPTY = new Float32Array(0);

/** Reduces one frame to what the canvas paints; O(rows), no allocation per row beyond subarray views. */
export function displayFrame(frame: StatsFrame, layout: OverlayLayout, mode: OverlayMode): FrameDisplay {
  const nodes = new Map<string, NodeDisplay>();
  const edges = new Map<string, number>();
  let logMin = Infinity;
  let logMax = -Infinity;
  const forward = mode !== 'backward';
  const values = forward ? frame.nodes.activation : frame.nodes.gradient;
  const width = forward ? AW : GW;
  const column = forward ? A_STD : G_RMS;
  const histograms = forward ? frame.nodes.activationHistogram : frame.nodes.gradientHistogram;
  for (const [id, rows] of layout.nodeRows) {
    if (rows.length === 0) continue;
    let sum = 0;
    let count = 0;
    let nonFinite = false;
    let zeros = 0;
    const copies = rows.length > 1 ? new Float32Array(rows.length) : null;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      const v = values[r * width + column];
      if (copies) copies[k] = v;
      if (forward) {
        const lo = frame.nodes.activation[r * AW + A_MIN];
        const hi = frame.nodes.activation[r * AW + A_MAX];
        if (lo === -Infinity || hi === Infinity || v === Infinity) nonFinite = true;
        zeros += frame.nodes.activation[r * AW + A_ZERO];
      } else {
        const m = frame.nodes.gradient[r * GW + G_MAX];
        if (m === Infinity || v === Infinity) nonFinite = true;
      }
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    const value = count ? sum / count : NaN;
    if (value > 0) {
      const l = Math.log10(value);
      if (l < logMin) logMin = l;
      if (l > logMax) logMax = l;
    }
    const kind = layout.kinds.get(id);
    const first = rows[0];
    const histogram = histograms.subarray(first * HISTOGRAM_BINS, (first + 1) * HISTOGRAM_BINS);
    nodes.set(id, {
      value,
      histogram: histogram.length === HISTOGRAM_BINS && Number.isFinite(histogram[0]) ? histogram : EMPTY,
      deadFraction: forward && kind?.reluFamily ? zeros / rows.length : null,
      nonFinite,
      copies,
    });
  }
  let edgeLogMin = Infinity;
  let edgeLogMax = -Infinity;
  if (!forward) {
    for (const [id, { edgeRows, sourceRows }] of layout.edgeRows) {
      let sum = 0;
      let count = 0;
      for (let k = 0; k < edgeRows.length; k++) {
        const v =
          edgeRows[k] >= 0 ? frame.edges.gradient[edgeRows[k] * EW + E_NORM] : sourceRows[k] >= 0 ? frame.nodes.gradient[sourceRows[k] * GW + G_NORM] : NaN;
        if (Number.isFinite(v)) {
          sum += v;
          count++;
        }
      }
      const value = count ? sum / count : NaN;
      edges.set(id, value);
      if (value > 0) {
        const l = Math.log10(value);
        if (l < edgeLogMin) edgeLogMin = l;
        if (l > edgeLogMax) edgeLogMax = l;
      }
    }
  }
  if (!(logMax >= logMin)) [logMin, logMax] = [-3, 0];
  if (logMax - logMin < 0.5) [logMin, logMax] = [(logMin + logMax) / 2 - 0.25, (logMin + logMax) / 2 + 0.25];
  if (!(edgeLogMax >= edgeLogMin)) [edgeLogMin, edgeLogMax] = [-3, 0];
  if (edgeLogMax - edgeLogMin < 0.5) [edgeLogMin, edgeLogMax] = [(edgeLogMin + edgeLogMax) / 2 - 0.25, (edgeLogMin + edgeLogMax) / 2 + 0.25];
  return { mode, nodes, edges, logMin, logMax, edgeLogMin, edgeLogMax };
}

/** Activation std and gradient RMS in topological order (depth), for the depth profile chart. */
export function depthProfile(frame: StatsFrame, layout: OverlayLayout): { depth: number[]; activationStd: (number | null)[]; gradientRms: (number | null)[] } {
  const depth: number[] = [];
  const activationStd: (number | null)[] = [];
  const gradientRms: (number | null)[] = [];
  layout.depthOrder.forEach((row, i) => {
    const a = frame.nodes.activation[row * AW + A_STD];
    const g = frame.nodes.gradient[row * GW + G_RMS];
    depth.push(i);
    activationStd.push(Number.isFinite(a) && a > 0 ? a : null);
    gradientRms.push(Number.isFinite(g) && g > 0 ? g : null);
  });
  return { depth, activationStd, gradientRms };
}

/** A short number for a node: 3 significant digits, exponent form outside [1e-3, 1e4). */
export function formatStat(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const a = Math.abs(value);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return value.toExponential(2);
  return value.toPrecision(3);
}
