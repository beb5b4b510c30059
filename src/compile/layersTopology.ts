import type * as tfNamespace from '@tensorflow/tfjs';
import type { Layer, SymbolicTensor, Tf } from '../graph/catalogue';

type LayerNode = Layer['inboundNodes'][number];
type ConfigValue = tfNamespace.serialization.ConfigDictValue;

/** A Keras-style layers topology as tf.js writes it (`{class_name, config, keras_version, backend}`). */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface LayersGraph {
  /** The model's layers in the order tf.js' LayersModel lists them (decreasing depth, then traversal order). */
  layers: Layer[];
  topology: JsonObject;
}

/**
 * What `tf.model({inputs, outputs}).toJSON()` writes, computed without building a LayersModel.
 * tf.js' Container walks the graph recursively (`buildMapOfGraph`), one stack frame per layer, so a
 * design of a few thousand layers overflows the stack; this walk is iterative and gives the same
 * layer order, inbound nodes and configs, so exports of any depth keep tf.js' format.
 */
export function layersGraph(tf: Tf, input: SymbolicTensor, output: SymbolicTensor, name: string): LayersGraph {
  const layerIndices = new Map<Layer, number>();
  const containerNodes = new Set<LayerNode>();
  const postOrder: LayerNode[] = [];
  const finished = new Set<LayerNode>();
  const inProgress = new Set<LayerNode>();

  // Depth-first post-order from the output, visiting inputs in order, like the recursion it replaces.
  const stack: { node: LayerNode; next: number }[] = [];
  const enter = (layer: Layer, nodeIndex: number) => {
    const node = layer.inboundNodes[nodeIndex];
    if (inProgress.has(node)) throw new Error(`layer "${layer.name}" is part of a cycle`);
    if (finished.has(node)) return;
    containerNodes.add(node);
    if (!layerIndices.has(layer)) layerIndices.set(layer, layerIndices.size);
    inProgress.add(node);
    stack.push({ node, next: 0 });
  };
  enter(output.sourceLayer, output.nodeIndex);
  while (stack.length) {
    const frame = stack[stack.length - 1];
    if (frame.next < frame.node.inboundLayers.length) {
      const i = frame.next++;
      enter(frame.node.inboundLayers[i], frame.node.nodeIndices[i]);
      continue;
    }
    stack.pop();
    finished.add(frame.node);
    inProgress.delete(frame.node);
    postOrder.push(frame.node);
  }

  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (let k = postOrder.length - 1; k >= 0; k--) {
    const node = postOrder[k];
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.outboundLayer) ?? 0);
    layerDepth.set(node.outboundLayer, depth);
    nodeDepth.set(node, depth);
    node.inboundLayers.forEach((inbound, i) => {
      const parent = inbound.inboundNodes[node.nodeIndices[i]];
      nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    });
  }
  const layers = [...layerDepth.keys()].sort(
    (a, b) => (layerDepth.get(b) as number) - (layerDepth.get(a) as number) || (layerIndices.get(a) as number) - (layerIndices.get(b) as number),
  );

  const names = new Set<string>();
  for (const layer of layers) {
    if (names.has(layer.name)) throw new Error(`the layer name "${layer.name}" is used more than once`);
    names.add(layer.name);
  }

  // Every layer here is applied once, so a kept node's index is its own.
  const layerConfigs = layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    config: layer.getConfig(),
    inboundNodes: layer.inboundNodes
      .filter((node) => containerNodes.has(node) && node.inboundLayers.length > 0)
      .map((node) => node.inboundLayers.map((inbound, i) => [inbound.name, node.nodeIndices[i], node.tensorIndices[i], (node.callArgs ?? {}) as ConfigValue])),
  }));
  const config = {
    name,
    layers: layerConfigs,
    inputLayers: [[input.sourceLayer.name, input.nodeIndex, input.tensorIndex]],
    outputLayers: [[output.sourceLayer.name, output.nodeIndex, output.tensorIndex]],
  };
  const updated = { className: 'Model', config, kerasVersion: `tfjs-layers ${tf.version_layers}`, backend: 'TensorFlow.js' } as unknown as ConfigValue;
  return { layers, topology: pythonic(updated) as JsonObject };
}

/** tf.js' snake-case rule for keys and string values (`glorotUniform` → `glorot_uniform`). */
function snakeCase(name: string): string {
  const snake = name
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return snake.startsWith('_') ? `private${snake}` : snake;
}

const NAME_LISTS = new Set(['inboundNodes', 'inputLayers', 'outputLayers']);

/**
 * The conversion tf.js applies when it serializes (`convertTsToPythonic`): keys and string values
 * to snake case, except names (`name`, `className` and the layer name at the head of a
 * node reference). Iterative for the same reason as the walk above.
 */
function pythonic(root: ConfigValue): JsonValue {
  const convert = (
    value: ConfigValue,
    key: string | undefined,
    index: number,
  ): { out: JsonValue; pending?: [ConfigValue, string | undefined, JsonValue[] | JsonObject][] } => {
    if (value === null || value === undefined) return { out: null };
    if (typeof value === 'string') return { out: key !== undefined && NAME_LISTS.has(key) && index === 0 ? value : snakeCase(value) };
    if (typeof value === 'number' || typeof value === 'boolean') return { out: value };
    if (Array.isArray(value)) return { out: [], pending: [[value, key, []]] };
    return { out: {}, pending: [[value, key, {}]] };
  };
  const top = convert(root, undefined, -1);
  if (!top.pending) return top.out;
  const work: { source: ConfigValue; key: string | undefined; target: JsonValue[] | JsonObject }[] = [
    { source: root, key: undefined, target: top.out as JsonValue[] | JsonObject },
  ];
  while (work.length) {
    const { source, key, target } = work.pop() as (typeof work)[number];
    if (Array.isArray(source) && Array.isArray(target)) {
      source.forEach((item, i) => {
        const { out } = convert(item as ConfigValue, key, i);
        target.push(out);
        if (out !== null && typeof out === 'object') work.push({ source: item as ConfigValue, key, target: out });
      });
      continue;
    }
    const dict = source as tfNamespace.serialization.ConfigDict;
    const into = target as JsonObject;
    for (const [tsKey, item] of Object.entries(dict)) {
      const pyKey = snakeCase(tsKey);
      if ((tsKey === 'name' || tsKey === 'className') && typeof item === 'string') {
        into[pyKey] = item;
        continue;
      }
      const { out } = convert(item, tsKey, -1);
      into[pyKey] = out;
      if (out !== null && typeof out === 'object') work.push({ source: item, key: tsKey, target: out });
    }
  }
  return top.out;
}
