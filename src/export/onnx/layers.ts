import type { LayerTable } from '../../graph/layerTable';
import type { Shape } from '../../graph/shape';
import type { UnrolledNode } from '../../graph/unroll';
import { convKernel, windowPads, withActivation, type Builder } from './builder';
import type { AttrValue } from './model';

/** Gemm (+ bias) then the activation; Gemm's B is [in, out] without transB: tf.js' kernel as it is. */
function dense(b: Builder, n: UnrolledNode, channels: number, units: number, bias: boolean, activation: Parameters<typeof withActivation>[2]): void {
  const id = n.id;
  const inputs = [n.inputs[0].source, b.weight(id, 'kernel', [channels, units]), ...(bias ? [b.weight(id, 'bias', [units])] : [])];
  withActivation(b, id, activation, (out) => b.op(id, id, 'Gemm', inputs, out));
}

function pool(
  b: Builder,
  n: UnrolledNode,
  inShape: Shape,
  opType: 'MaxPool' | 'AveragePool',
  p: { poolSize: number; strides: number; padding: 'same' | 'valid' },
): void {
  const attributes: Record<string, AttrValue> = {
    kernel_shape: { ints: [p.poolSize, p.poolSize] },
    strides: { ints: [p.strides, p.strides] },
    pads: { ints: windowPads(inShape, p.poolSize, p.strides, p.padding) },
  };
  // TF averages over the real pixels of a padded window only: count_include_pad 0.
  if (opType === 'AveragePool') attributes.count_include_pad = { int: 0 };
  b.op(n.id, n.id, opType, [n.inputs[0].source], n.id, attributes);
}

const channelsOf = (shape: Shape): number => shape[shape.length - 1];

/**
 * Each layer type as ONNX ops on NCHW tensors, written into `b`; the op that writes the node's output
 * is named after the (unrolled) node. `inShape` is the (first) input's design shape. The ONNX part of
 * the layer registry (src/graph/layerTable.ts).
 */
export const ONNX_LAYERS: LayerTable<void, [b: Builder, n: UnrolledNode, inShape: Shape]> = {
  // The graph's input is the node's output.
  Input: () => {},
  Dense: ({ params: p }, b, n, inShape) => dense(b, n, channelsOf(inShape), p.units, p.useBias, p.activation),
  Output: ({ params: p }, b, n, inShape) => dense(b, n, channelsOf(inShape), p.units, true, p.activation),
  Conv2D: ({ params: p }, b, n, inShape) => {
    const id = n.id;
    const k = p.kernelSize;
    const channels = channelsOf(inShape);
    const inputs = [
      n.inputs[0].source,
      b.weight(id, 'kernel', [k, k, channels, p.filters], convKernel, [p.filters, channels, k, k]),
      ...(p.useBias ? [b.weight(id, 'bias', [p.filters])] : []),
    ];
    const attributes = {
      kernel_shape: { ints: [k, k] },
      strides: { ints: [p.strides, p.strides] },
      pads: { ints: windowPads(inShape, k, p.strides, p.padding) },
    };
    withActivation(b, id, p.activation, (out) => b.op(id, id, 'Conv', inputs, out, attributes));
  },
  MaxPool2D: ({ params: p }, b, n, inShape) => pool(b, n, inShape, 'MaxPool', p),
  AvgPool2D: ({ params: p }, b, n, inShape) => pool(b, n, inShape, 'AveragePool', p),
  GlobalAvgPool: (_node, b, { id, inputs }) => {
    const pooled = b.op(id, id, 'GlobalAveragePool', [inputs[0].source], `${id}/pooled:0`);
    b.op(id, `${id}/flatten`, 'Flatten', [pooled], id, { axis: { int: 1 } });
  },
  Flatten: (_node, b, { id, inputs }, inShape) => {
    const x = inputs[0].source;
    // tf.js flattens channels-last; the NCHW tensor goes back to NHWC first so the order (and every Dense after) matches.
    const source = inShape.length === 3 ? b.op(id, `${id}/to_nhwc`, 'Transpose', [x], `${id}/nhwc:0`, { perm: { ints: [0, 2, 3, 1] } }) : x;
    b.op(id, id, 'Flatten', [source], id, { axis: { int: 1 } });
  },
  BatchNorm: ({ params: p }, b, { id, inputs }, inShape) => {
    const channels = channelsOf(inShape);
    const operands = [
      inputs[0].source,
      b.weight(id, 'gamma', [channels]),
      b.weight(id, 'beta', [channels]),
      b.weight(id, 'moving_mean', [channels]),
      b.weight(id, 'moving_variance', [channels]),
    ];
    b.op(id, id, 'BatchNormalization', operands, id, { epsilon: { float: p.epsilon } });
  },
  LayerNorm: ({ params: p }, b, { id, inputs }, inShape) => {
    const channels = channelsOf(inShape);
    const operands = (source: string) => [source, b.weight(id, 'gamma', [channels]), b.weight(id, 'beta', [channels])];
    const attributes = { axis: { int: -1 }, epsilon: { float: p.epsilon } };
    if (inShape.length !== 3) {
      b.op(id, id, 'LayerNormalization', operands(inputs[0].source), id, attributes);
      return;
    }
    // tf.js normalizes over channels only: that is the last axis in NHWC, so the op runs between two transposes.
    const nhwc = b.op(id, `${id}/to_nhwc`, 'Transpose', [inputs[0].source], `${id}/nhwc:0`, { perm: { ints: [0, 2, 3, 1] } });
    const normed = b.op(id, id, 'LayerNormalization', operands(nhwc), `${id}/normalized:0`, attributes);
    b.op(id, `${id}/to_nchw`, 'Transpose', [normed], id, { perm: { ints: [0, 3, 1, 2] } });
  },
  Activation: ({ params: p }, b, { id, inputs }) => {
    b.activation(id, p.activation, inputs[0].source, id, id);
  },
  // Inference: dropout is the identity. Kept as a node so the graph still shows it.
  Dropout: (_node, b, { id, inputs }) => {
    b.op(id, id, 'Identity', [inputs[0].source], id);
  },
  Add: (_node, b, { id, inputs }) => {
    b.op(
      id,
      id,
      inputs.length === 2 ? 'Add' : 'Sum',
      inputs.map((e) => e.source),
      id,
    );
  },
  // The design's last (channel) axis is axis 1 in NCHW and in [N, features] alike.
  Concatenate: (_node, b, { id, inputs }) => {
    b.op(
      id,
      id,
      'Concat',
      inputs.map((e) => e.source),
      id,
      { axis: { int: 1 } },
    );
  },
};
