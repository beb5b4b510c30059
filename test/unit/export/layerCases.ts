/** One small design per translation rule (every catalogue layer, each padding and layout case), shared by the PyTorch and ONNX export tests. */
import { DesignBuilder } from '../../../src/graph/builder';
import type { Design } from '../../../src/graph/design';
import { ACTIVATIONS, type Activation } from '../../../src/graph/activations';

type B = DesignBuilder;
type Head = 'flatten' | 'gap' | 'none';

/** Input → body → (Flatten | GlobalAvgPool) → linear Output: the Output mixes every value the body produced. */
function design(
  name: string,
  shape: number[],
  body: (b: B, input: string) => string,
  head: Head = 'none',
  output: { activation?: 'linear' | 'softmax' | 'sigmoid'; units?: number } = {},
): Design {
  const b = new DesignBuilder(name);
  const input = b.add('Input', { shape });
  let x = body(b, input);
  if (head === 'flatten') x = b.add('Flatten', {}, { from: x });
  if (head === 'gap') x = b.add('GlobalAvgPool', {}, { from: x });
  b.add('Output', { units: output.units ?? 3, activation: output.activation ?? 'linear' }, { from: x });
  return b.build();
}

const conv =
  (filters: number, kernelSize: number, strides: number, padding: 'same' | 'valid', activation: Activation = 'linear') =>
  (b: B, from: string) =>
    b.add('Conv2D', { filters, kernelSize, strides, padding, activation }, { from });
const pool = (type: 'MaxPool2D' | 'AvgPool2D', poolSize: number, strides: number, padding: 'same' | 'valid') => (b: B, from: string) =>
  b.add(type, { poolSize, strides, padding }, { from: b.add('Conv2D', { filters: 3, kernelSize: 1, activation: 'linear' }, { from }) });

/** Rule → design. Odd and even sizes on purpose: TF's 'same' padding with stride 2 is asymmetric on even sizes. */
export const RULES: Record<string, Design> = {
  'Dense ↔ Linear (kernel transposed, bias)': design('dense', [5], (b, x) => b.add('Dense', { units: 7, activation: 'linear' }, { from: x })),
  'Dense without bias': design('dense-nobias', [5], (b, x) => b.add('Dense', { units: 7, activation: 'linear', useBias: false }, { from: x })),
  "Conv2D 'same' stride 1 (3×3)": design('conv-same-1', [6, 7, 2], conv(4, 3, 1, 'same'), 'flatten'),
  "Conv2D 'same' stride 2 (asymmetric padding)": design('conv-same-2', [6, 7, 2], conv(4, 3, 2, 'same'), 'flatten'),
  "Conv2D 'same' even kernel (2×2, asymmetric)": design('conv-same-even', [5, 6, 2], conv(3, 2, 1, 'same'), 'flatten'),
  "Conv2D 'valid' stride 1": design('conv-valid-1', [6, 7, 2], conv(4, 3, 1, 'valid'), 'flatten'),
  "Conv2D 'valid' stride 2": design('conv-valid-2', [7, 8, 2], conv(4, 3, 2, 'valid'), 'flatten'),
  'Conv2D without bias, fused relu': design(
    'conv-nobias',
    [6, 6, 3],
    (b, x) => b.add('Conv2D', { filters: 4, kernelSize: 3, useBias: false, activation: 'relu' }, { from: x }),
    'flatten',
  ),
  'BatchNorm on vectors, inference mode (moving statistics, epsilon)': design('bn-1d', [6], (b, x) =>
    b.add('BatchNorm', { epsilon: 0.01 }, { from: b.add('Dense', { units: 5, activation: 'linear' }, { from: x }) }),
  ),
  'BatchNorm on images, inference mode': design(
    'bn-2d',
    [5, 5, 3],
    (b, x) => b.add('BatchNorm', { momentum: 0.9 }, { from: conv(4, 3, 1, 'same')(b, x) }),
    'flatten',
  ),
  'LayerNorm on vectors (last axis)': design('ln-1d', [6], (b, x) =>
    b.add('LayerNorm', { epsilon: 1e-5 }, { from: b.add('Dense', { units: 5, activation: 'linear' }, { from: x }) }),
  ),
  'LayerNorm on images (channel axis only)': design('ln-2d', [4, 5, 3], (b, x) => b.add('LayerNorm', {}, { from: conv(4, 3, 1, 'same')(b, x) }), 'flatten'),
  ...Object.fromEntries(
    ACTIVATIONS.map((a) => [
      `Activation ${a}`,
      design(`act-${a}`, [6], (b, x) => b.add('Activation', { activation: a }, { from: b.add('Dense', { units: 8, activation: 'linear' }, { from: x }) })),
    ]),
  ),
  'Dense with fused leakyRelu (alpha 0.3)': design('dense-leaky', [6], (b, x) => b.add('Dense', { units: 8, activation: 'leakyRelu' }, { from: x })),
  'Dense with fused gelu (exact erf form)': design('dense-gelu', [6], (b, x) => b.add('Dense', { units: 8, activation: 'gelu' }, { from: x })),
  "MaxPool2D 'valid'": design('maxpool-valid', [7, 6, 2], pool('MaxPool2D', 2, 2, 'valid'), 'flatten'),
  "MaxPool2D 'same' (pads ignored)": design('maxpool-same', [7, 6, 2], pool('MaxPool2D', 3, 2, 'same'), 'flatten'),
  "AvgPool2D 'valid'": design('avgpool-valid', [7, 6, 2], pool('AvgPool2D', 3, 2, 'valid'), 'flatten'),
  "AvgPool2D 'same' (pads not counted)": design('avgpool-same', [7, 6, 2], pool('AvgPool2D', 2, 2, 'same'), 'flatten'),
  GlobalAvgPool: design('gap', [5, 6, 3], conv(4, 3, 1, 'same', 'tanh'), 'gap'),
  'Flatten after Conv2D (channel order permuted)': design('flatten', [3, 4, 5], conv(6, 1, 1, 'valid'), 'flatten'),
  'Add (residual join)': design('add', [6], (b, x) => {
    const h = b.add('Dense', { units: 6, activation: 'tanh' }, { from: x });
    return b.add('Add', {}, { from: [h, x] });
  }),
  'Concatenate vectors (order of ports)': design('concat-1d', [6], (b, x) => {
    const h = b.add('Dense', { units: 4, activation: 'tanh' }, { from: x });
    return b.add('Concatenate', {}, { from: [h, x] });
  }),
  'Concatenate images (channel axis)': design(
    'concat-2d',
    [4, 5, 2],
    (b, x) => b.add('Concatenate', {}, { from: [conv(3, 3, 1, 'same')(b, x), x] }),
    'flatten',
  ),
  'Dropout is the identity in eval mode': design('dropout', [6], (b, x) =>
    b.add('Dropout', { rate: 0.5 }, { from: b.add('Dense', { units: 8 }, { from: x }) }),
  ),
  'Output softmax': design('out-softmax', [6], (b, x) => b.add('Dense', { units: 8, activation: 'elu' }, { from: x }), 'none', { activation: 'softmax' }),
  'Output sigmoid': design('out-sigmoid', [6], (b, x) => b.add('Dense', { units: 8, activation: 'elu' }, { from: x }), 'none', {
    activation: 'sigmoid',
    units: 1,
  }),
  'Repeat group of conv blocks (nn.ModuleList loop)': (() => {
    const b = new DesignBuilder('conv repeat');
    const input = b.add('Input', { shape: [5, 6, 3] });
    const stem = b.add('Conv2D', { filters: 4, kernelSize: 3, activation: 'relu' }, { from: input });
    const exit = b.repeat(
      3,
      () => {
        const c = b.add('Conv2D', { filters: 4, kernelSize: 3, activation: 'linear' }, { from: stem });
        const n = b.add('BatchNorm', {}, { from: c });
        const a = b.add('Activation', { activation: 'relu' }, { from: n });
        return b.add('Add', {}, { from: [a, stem] });
      },
      { id: 'stage' },
    );
    const pooled = b.add('GlobalAvgPool', {}, { from: exit });
    b.add('Output', { units: 3, activation: 'linear' }, { from: pooled });
    return b.build();
  })(),
};
