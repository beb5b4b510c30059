import type * as tfNamespace from '@tensorflow/tfjs';
import { copyId } from '../../graph/unroll';
import type { NamedWeights } from '../../schema/weights';
import { PytorchExportError, type ModelPlan, type NodePlan, type WeightRule } from './translate';

/** One weight as tf.js holds it: row-major values in tf.js layout. */
export interface TensorData {
  shape: number[];
  values: Float32Array;
}

/**
 * tf.js weights per unrolled node id (`dense_1`, repeat copies `dense_1__3`), by weight name without the
 * layer prefix (`kernel`, `bias`, `gamma`, `beta`, `moving_mean`, `moving_variance`).
 */
export type NodeWeights = Map<string, Map<string, TensorData>>;

type Layer = tfNamespace.layers.Layer;

/** tf.js names (`dense_1/kernel`, `dense_1__3/kernel_1`) → the exporter's per-node weights. */
export function nodeWeightsFromNamed(named: NamedWeights): NodeWeights {
  const out: NodeWeights = new Map();
  for (const [name, w] of named) {
    const slash = name.lastIndexOf('/');
    if (slash < 0) continue;
    const node = name.slice(0, slash);
    const leaf = name.slice(slash + 1).replace(/_\d+$/, '');
    const byLeaf = out.get(node) ?? new Map();
    byLeaf.set(leaf, { shape: [...w.shape], values: w.data });
    out.set(node, byLeaf);
  }
  return out;
}

/**
 * Reads the current weights of a compiled design (compileDesign's nodeLayers), trained or fresh.
 * Variable names may carry a uniquifying suffix (`kernel_1`) when a process built several models.
 */
export function weightsFromLayers(nodeLayers: ReadonlyMap<string, readonly Layer[]>): NodeWeights {
  const out: NodeWeights = new Map();
  for (const [id, layers] of nodeLayers) {
    const named = new Map<string, TensorData>();
    for (const layer of layers) {
      for (const variable of layer.weights) {
        const leaf = variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1).replace(/_\d+$/, '');
        named.set(leaf, { shape: [...variable.shape] as number[], values: Float32Array.from(variable.read().dataSync()) });
      }
    }
    if (named.size) out.set(id, named);
  }
  return out;
}

export interface PackedWeights {
  index: string;
  bin: Uint8Array;
}

interface IndexEntry {
  key: string;
  shape: number[];
  offset: number;
  /** The tf.js weight it came from, for people tracing a value back. */
  from: string;
}

function permute(t: TensorData, rule: WeightRule): Float32Array {
  if (rule.layout === 'same') return t.values;
  const out = new Float32Array(t.values.length);
  if (rule.layout === 'dense') {
    const [rows, cols] = t.shape;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = t.values[i * cols + j];
    return out;
  }
  // conv: [kh, kw, in, out] → [out, in, kh, kw]
  const [kh, kw, ci, co] = t.shape;
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = t.values[((y * kw + x) * ci + i) * co + o];
  return out;
}

function tfShape(rule: WeightRule): number[] {
  if (rule.layout === 'dense') return [rule.shape[1], rule.shape[0]];
  if (rule.layout === 'conv') return [rule.shape[2], rule.shape[3], rule.shape[1], rule.shape[0]];
  return rule.shape;
}

/** Every weighted node with the state_dict prefix of each of its copies. */
function weightedNodes(plan: ModelPlan): { node: NodePlan; unrolledId: string; prefix: string }[] {
  const out: { node: NodePlan; unrolledId: string; prefix: string }[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'node') {
      if (step.node.weights.length) out.push({ node: step.node, unrolledId: step.node.id, prefix: step.node.name });
      continue;
    }
    const g = step.group;
    for (let copy = 0; copy < g.group.repeat; copy++) {
      for (const n of g.nodes) if (n.weights.length) out.push({ node: n, unrolledId: copyId(n.id, copy), prefix: `${g.name}.${copy}.${n.name}` });
    }
  }
  return out;
}

/**
 * tf.js weights → weights.bin (little-endian float32, PyTorch layout) + weights.json (state_dict key,
 * shape and byte offset of each). Missing or mis-shaped weights are errors naming the node.
 */
export function packWeights(plan: ModelPlan, weights: NodeWeights): PackedWeights {
  const problems: string[] = [];
  const entries: IndexEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const { node, unrolledId, prefix } of weightedNodes(plan)) {
    const have = weights.get(unrolledId);
    for (const rule of node.weights) {
      const t = have?.get(rule.tfName);
      const expected = tfShape(rule);
      if (!t) {
        problems.push(`node "${unrolledId}": no tf.js weight "${rule.tfName}" was given`);
        continue;
      }
      if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i]) || t.values.length !== expected.reduce((a, b) => a * b, 1)) {
        problems.push(`node "${unrolledId}": weight "${rule.tfName}" has shape [${t.shape.join(', ')}] but the design needs [${expected.join(', ')}]`);
        continue;
      }
      const values = permute(t, rule);
      entries.push({ key: `${prefix}.${rule.param}`, shape: rule.shape, offset, from: `${unrolledId}/${rule.tfName}` });
      chunks.push(values);
      offset += values.byteLength;
    }
  }
  if (problems.length) throw new PytorchExportError(problems.slice(0, 20).concat(problems.length > 20 ? [`… and ${problems.length - 20} more`] : []));
  const bin = new Uint8Array(offset);
  const view = new DataView(bin.buffer);
  let at = 0;
  for (const chunk of chunks) {
    // DataView pins the byte order to little-endian whatever the host's.
    for (let i = 0; i < chunk.length; i++, at += 4) view.setFloat32(at, chunk[i], true);
  }
  const index = { format: 'rescanvas.pytorch-weights', version: 1, dtype: 'float32', byteOrder: 'little', file: 'weights.bin', tensors: entries };
  return { index: `${JSON.stringify(index, null, 1)}\n`, bin };
}
