import type * as tfNamespace from '@tensorflow/tfjs';

/**
 * The residual nets the kernel bench trains, written as plain tf.js ops on tf.variables (the
 * way the engine's compiled training plan runs them; a LayersModel adds per-layer overhead).
 * torch_bench.py builds the same nets layer for layer.
 */

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;
type Tensor4D = tfNamespace.Tensor4D;
type Variable = tfNamespace.Variable;

export interface TrainableNet {
  /** The mean softmax cross-entropy of one batch. */
  loss(): tfNamespace.Scalar;
  variables: Variable[];
  /** Frees the weights and the batch. */
  dispose(): void;
}

function variableFrom(tf: Tf, initial: Tensor): Variable {
  const variable = tf.variable(initial);
  initial.dispose();
  return variable;
}

function heNormal(tf: Tf, shape: number[], fanIn: number, scale = 1): Variable {
  return variableFrom(
    tf,
    tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn)), scale)),
  );
}

function randomBatch(tf: Tf, inputShape: number[], classes: number): { x: Tensor; y: Tensor } {
  const batch = inputShape[0] ?? 1;
  const x = tf.randomNormal(inputShape, 0, 1, 'float32', 11);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 13), classes));
  return { x, y };
}

interface ConvBn {
  filter: Variable;
  gamma: Variable;
  beta: Variable;
}

function convBn(tf: Tf, size: number, inChannels: number, outChannels: number): ConvBn {
  return {
    filter: heNormal(tf, [size, size, inChannels, outChannels], size * size * inChannels),
    gamma: variableFrom(tf, tf.ones([outChannels])),
    beta: variableFrom(tf, tf.zeros([outChannels])),
  };
}

/**
 * How BatchNorm is expressed. tf.batchNorm's gradient tiles 1/σ to the full activation shape
 * (tfjs-core FusedBatchNorm_grad), and wasm's Tile is slow; 'broadcast' writes the same
 * normalisation as (x − mean)·(γ/σ) + β, whose gradients broadcast instead.
 */
export type BatchNormStyle = 'tf.batchNorm' | 'broadcast';

/** Training-mode BatchNorm: batch statistics, as PyTorch's BatchNorm2d in train(). */
function applyConvBn(tf: Tf, x: Tensor4D, layer: ConvBn, stride: number, style: BatchNormStyle): Tensor4D {
  const convolved = tf.conv2d(x, layer.filter as Tensor4D, stride, 'same');
  const { mean, variance } = tf.moments(convolved, [0, 1, 2]);
  if (style === 'tf.batchNorm') {
    return tf.batchNorm4d(
      convolved,
      mean as tfNamespace.Tensor1D,
      variance as tfNamespace.Tensor1D,
      layer.beta as tfNamespace.Tensor1D,
      layer.gamma as tfNamespace.Tensor1D,
      1e-5,
    );
  }
  const scale = tf.mul(layer.gamma, tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(tf.sub(convolved, mean), scale), layer.beta) as Tensor4D;
}

interface BasicBlock {
  first: ConvBn;
  second: ConvBn;
  stride: number;
  projection?: ConvBn;
}

/**
 * CIFAR ResNet-20 (He et al. 2016): 3 stages × 3 basic blocks of 16/32/64 filters, BatchNorm,
 * a 1x1 stride-2 projection where the shape changes, global average pooling, Dense 10.
 */
export function resNet20(tf: Tf, batch: number, batchNorm: BatchNormStyle = 'broadcast'): TrainableNet {
  const stem = convBn(tf, 3, 3, 16);
  const blocks: BasicBlock[] = [];
  let channels = 16;
  for (const [stage, width] of [16, 32, 64].entries()) {
    for (let i = 0; i < 3; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const block: BasicBlock = { first: convBn(tf, 3, channels, width), second: convBn(tf, 3, width, width), stride };
      if (stride !== 1 || channels !== width) block.projection = convBn(tf, 1, channels, width);
      blocks.push(block);
      channels = width;
    }
  }
  const dense = heNormal(tf, [64, 10], 64);
  const bias = variableFrom(tf, tf.zeros([10]));
  const { x, y } = randomBatch(tf, [batch, 32, 32, 3], 10);

  const layers = [stem, ...blocks.flatMap((b) => [b.first, b.second, ...(b.projection ? [b.projection] : [])])];
  const variables = [...layers.flatMap((l) => [l.filter, l.gamma, l.beta]), dense, bias];
  return {
    variables,
    loss: () => {
      let h = tf.relu(applyConvBn(tf, x as Tensor4D, stem, 1, batchNorm));
      for (const block of blocks) {
        const branch = applyConvBn(tf, tf.relu(applyConvBn(tf, h, block.first, block.stride, batchNorm)), block.second, 1, batchNorm);
        const shortcut = block.projection ? applyConvBn(tf, h, block.projection, block.stride, batchNorm) : h;
        h = tf.relu(tf.add(branch, shortcut)) as Tensor4D;
      }
      const logits = tf.add(tf.matMul(tf.mean(h, [1, 2]), dense), bias);
      return tf.losses.softmaxCrossEntropy(y, logits);
    },
    dispose: () => tf.dispose([...variables, x, y]),
  };
}

/** depth blocks of h ← h + relu(h·W + b) at a fixed width, with an input and an output layer. */
export function residualMlp(tf: Tf, depth: number, width: number, batch: number): TrainableNet {
  const input = heNormal(tf, [width, width], width);
  const blocks = Array.from({ length: depth }, () => ({
    // Scaled-down branches keep 30 summed residuals from exploding at initialisation.
    weight: heNormal(tf, [width, width], width, 0.1),
    bias: variableFrom(tf, tf.zeros([width])),
  }));
  const output = heNormal(tf, [width, 10], width);
  const { x, y } = randomBatch(tf, [batch, width], 10);
  const variables = [input, ...blocks.flatMap((b) => [b.weight, b.bias]), output];
  return {
    variables,
    loss: () => {
      let h = tf.relu(tf.matMul(x as tfNamespace.Tensor2D, input as tfNamespace.Tensor2D));
      for (const block of blocks) {
        h = tf.add(h, tf.fused.matMul({ a: h, b: block.weight as tfNamespace.Tensor2D, bias: block.bias, activation: 'relu' }));
      }
      return tf.losses.softmaxCrossEntropy(y, tf.matMul(h, output as tfNamespace.Tensor2D));
    },
    dispose: () => tf.dispose([...variables, x, y]),
  };
}

/** One Conv2D (3x3, same) → mean-square loss: the smallest net whose step needs the filter gradient. */
export function singleConv(tf: Tf, batch: number, size: number, inChannels: number, outChannels: number): TrainableNet {
  const filter = heNormal(tf, [3, 3, inChannels, outChannels], 9 * inChannels);
  const x = tf.randomNormal([batch, size, size, inChannels], 0, 1, 'float32', 3);
  return {
    variables: [filter],
    loss: () => tf.mean(tf.square(tf.conv2d(x as Tensor4D, filter as Tensor4D, 1, 'same'))),
    dispose: () => tf.dispose([filter, x]),
  };
}
