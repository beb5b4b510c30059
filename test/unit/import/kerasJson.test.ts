import { describe, expect, it } from 'vitest';
import { ImportError, importModel } from '../../../src/import';

/** The shape of Keras 3's `model.to_json()` for a small functional residual model (fields as Keras 3.x writes them). */
const keras3Functional = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'tiny_resnet',
    trainable: true,
    layers: [
      {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: [null, 8], dtype: 'float32', sparse: false, name: 'input_layer' },
        registered_name: null,
        name: 'input_layer',
        inbound_nodes: [],
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'dense',
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
          units: 8,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: { module: 'keras.initializers', class_name: 'HeNormal', config: { seed: null }, registered_name: null },
          bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
          bias_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 8] },
        name: 'dense',
        inbound_nodes: [
          { args: [{ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: ['input_layer', 0, 0] } }], kwargs: {} },
        ],
      },
      {
        module: 'keras.layers',
        class_name: 'Add',
        config: { name: 'add', trainable: true, dtype: 'float32' },
        registered_name: null,
        name: 'add',
        inbound_nodes: [
          {
            args: [
              [
                { class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: ['dense', 0, 0] } },
                { class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: ['input_layer', 0, 0] } },
              ],
            ],
            kwargs: {},
          },
        ],
      },
      {
        module: 'keras.layers',
        class_name: 'LayerNormalization',
        config: { name: 'layer_normalization', axis: [-1], epsilon: 0.001, center: true, scale: true, rms_scaling: false },
        registered_name: null,
        name: 'layer_normalization',
        inbound_nodes: [
          { args: [{ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: ['add', 0, 0] } }], kwargs: {} },
        ],
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: { name: 'logits', units: 4, activation: 'linear', use_bias: true },
        registered_name: null,
        name: 'logits',
        inbound_nodes: [
          {
            args: [{ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: ['layer_normalization', 0, 0] } }],
            kwargs: {},
          },
        ],
      },
      {
        module: 'keras.layers',
        class_name: 'Activation',
        config: { name: 'softmax', activation: 'softmax' },
        registered_name: null,
        name: 'softmax',
        inbound_nodes: [
          { args: [{ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: ['logits', 0, 0] } }], kwargs: {} },
        ],
      },
    ],
    input_layers: [['input_layer', 0, 0]],
    output_layers: [['softmax', 0, 0]],
  },
  registered_name: 'Functional',
};

/** tf_keras 2.x `model.to_json()` of a Sequential CNN (no InputLayer entry in older files: the first layer holds the shape). */
const keras2Sequential = {
  class_name: 'Sequential',
  config: {
    name: 'cnn',
    layers: [
      {
        class_name: 'Conv2D',
        config: {
          name: 'conv2d',
          batch_input_shape: [null, 28, 28, 1],
          filters: 8,
          kernel_size: [3, 3],
          strides: [1, 1],
          padding: 'valid',
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          groups: 1,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
        },
      },
      { class_name: 'MaxPooling2D', config: { name: 'max_pooling2d', pool_size: [2, 2], padding: 'valid', strides: null, data_format: 'channels_last' } },
      { class_name: 'Flatten', config: { name: 'flatten', data_format: 'channels_last' } },
      { class_name: 'Dropout', config: { name: 'dropout', rate: 0.5, noise_shape: null, seed: null } },
      { class_name: 'Dense', config: { name: 'dense', units: 10, activation: 'softmax', use_bias: true } },
    ],
  },
  keras_version: '2.15.0',
  backend: 'tensorflow',
};

describe('Keras JSON import', () => {
  it('reads Keras 3 functional JSON (keras_history nodes, dtype policies, class-named initializers) and folds Dense + softmax into Output', async () => {
    const result = await importModel({ text: JSON.stringify(keras3Functional), fileName: 'tiny.json' });
    expect(result.kind).toBe('keras');
    expect(result.weights).toBeNull();
    expect(result.design.metadata.name).toBe('tiny_resnet');
    expect(result.design.nodes.map((n) => [n.id, n.type])).toEqual([
      ['input_layer', 'Input'],
      ['dense', 'Dense'],
      ['add', 'Add'],
      ['layer_normalization', 'LayerNorm'],
      ['logits', 'Output'],
    ]);
    expect(result.design.nodes[1].params).toEqual({ units: 8, activation: 'relu', useBias: true, kernelInitializer: 'heNormal' });
    expect(result.design.nodes[4].params).toEqual({ units: 4, activation: 'softmax', loss: 'categoricalCrossentropy' });
    expect(result.design.edges.filter((e) => e.target === 'add').map((e) => [e.source, e.targetPort])).toEqual([
      ['dense', 0],
      ['input_layer', 1],
    ]);
    expect(result.warnings.join('\n')).toMatch(/kernel_regularizer is dropped/);
    expect(result.warnings.join('\n')).toMatch(/became one Output node/);
    // Rows follow depth: the skip's Add sits below both its inputs.
    const y = new Map(result.design.nodes.map((n) => [n.id, n.position.y]));
    expect((y.get('add') ?? 0) > (y.get('dense') ?? 0)).toBe(true);
  });

  it('reads Keras 2 Sequential JSON whose first layer carries the input shape', async () => {
    const result = await importModel({ text: JSON.stringify(keras2Sequential), fileName: 'cnn.json' });
    expect(result.design.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dropout', 'Output']);
    expect(result.design.nodes[0].params).toEqual({ shape: [28, 28, 1] });
    expect(result.design.nodes[2].params).toEqual({ poolSize: 2, strides: 2, padding: 'valid' });
  });

  it('names every unsupported layer of a Keras 3 model at once', async () => {
    const model = structuredClone(keras3Functional);
    model.config.layers[1].class_name = 'Embedding';
    model.config.layers[3].class_name = 'MultiHeadAttention';
    const error = await importModel({ text: JSON.stringify(model), fileName: 'tiny.json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    const problems = (error as ImportError).problems.map((p) => `${p.layer}:${p.className}`);
    expect(problems).toEqual(['dense:Embedding', 'layer_normalization:MultiHeadAttention']);
  });
});
