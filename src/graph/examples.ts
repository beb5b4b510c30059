import { DesignBuilder } from './builder';
import type { Design } from './design';

/**
 * The designs shipped in assets/examples/ (written by `npm run examples`, checked by a test),
 * also used by lessons, tests and benchmarks. Depth counts weighted layers, as He et al. do.
 */

export interface MlpOptions {
  width?: number;
  inputs?: number;
  classes?: number;
  /** 'batch': Dense → BatchNorm → ReLU, as in ResNet; 'none': Dense with ReLU. */
  norm?: 'none' | 'batch';
}

function stem(b: DesignBuilder, o: Required<MlpOptions>): string {
  const input = b.add('Input', { shape: [o.inputs] });
  return denseUnit(b, input, o.width, o.norm, true);
}

function denseUnit(b: DesignBuilder, from: string, width: number, norm: 'none' | 'batch', activate: boolean, column = 0): string {
  if (norm === 'none') return b.add('Dense', { units: width, activation: activate ? 'relu' : 'linear' }, { from, column });
  const dense = b.add('Dense', { units: width, activation: 'linear', useBias: false }, { from, column });
  const bn = b.add('BatchNorm', {}, { from: dense, column });
  return activate ? b.add('Activation', { activation: 'relu' }, { from: bn, column }) : bn;
}

const defaults = (o: MlpOptions): Required<MlpOptions> => ({ width: 32, inputs: 2, classes: 2, norm: 'batch', ...o });

/** `depth` weighted layers: a stem, depth − 2 hidden layers, and the output layer. */
export function plainMlp(depth: number, options: MlpOptions = {}): Design {
  const o = defaults(options);
  const b = new DesignBuilder(`Plain MLP-${depth}`, `${depth} weighted layers, width ${o.width}, ${o.norm === 'batch' ? 'BatchNorm after each layer' : 'no normalization'}, no shortcuts.`);
  let x = stem(b, o);
  for (let i = 0; i < depth - 2; i++) x = denseUnit(b, x, o.width, o.norm, true);
  b.add('Output', { units: o.classes }, { from: x });
  return b.build();
}

/** depth = 2 + 2·blocks: each block is two dense layers with an identity shortcut, f(x) = relu(x + g(x)). */
export function residualMlp(depth: number, options: MlpOptions = {}): Design {
  const o = defaults(options);
  if ((depth - 2) % 2 !== 0) throw new Error(`a residual MLP has 2 + 2·blocks weighted layers; ${depth} is not of that form`);
  const b = new DesignBuilder(`Residual MLP-${depth}`, `${depth} weighted layers in ${(depth - 2) / 2} residual blocks, width ${o.width}, ${o.norm === 'batch' ? 'BatchNorm in each branch' : 'no normalization'}.`);
  let x = stem(b, o);
  for (let i = 0; i < (depth - 2) / 2; i++) {
    const h = denseUnit(b, x, o.width, o.norm, true, 1);
    const g = denseUnit(b, h, o.width, o.norm, false, 1);
    const sum = b.add('Add', {}, { from: [g, x] });
    x = b.add('Activation', { activation: 'relu' }, { from: sum });
  }
  b.add('Output', { units: o.classes }, { from: x });
  return b.build();
}

function convBn(b: DesignBuilder, from: string, filters: number, strides: number, kernelSize: number, relu: boolean, column = 0): string {
  const conv = b.add('Conv2D', { filters, kernelSize, strides, padding: 'same', activation: 'linear', useBias: false, kernelInitializer: 'heNormal' }, { from, column });
  const bn = b.add('BatchNorm', {}, { from: conv, column });
  return relu ? b.add('Activation', { activation: 'relu' }, { from: bn, column }) : bn;
}

/**
 * CIFAR-style ResNet with 6n + 2 weighted layers (He et al. 2016, section 4.2): 16/32/64 filters,
 * shortcuts projected by a strided 1×1 Conv2D + BatchNorm where the shape changes (option B).
 * `plain` drops the shortcuts and keeps everything else.
 */
export function cifarResNet(n: number, options: { plain?: boolean; classes?: number; inputShape?: [number, number, number] } = {}): Design {
  const depth = 6 * n + 2;
  const plain = options.plain ?? false;
  const b = new DesignBuilder(
    `${plain ? 'Plain' : 'ResNet'}-${depth} (CIFAR)`,
    `${depth} weighted layers: 3 stages of ${n} blocks with 16/32/64 filters${plain ? ', no shortcuts' : ', projection shortcuts where the shape changes'}.`,
  );
  const input = b.add('Input', { shape: options.inputShape ?? [32, 32, 3] });
  let x = convBn(b, input, 16, 1, 3, true);
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let block = 0; block < n; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      const h = convBn(b, x, filters, strides, 3, true, 1);
      const g = convBn(b, h, filters, 1, 3, false, 1);
      if (plain) {
        x = b.add('Activation', { activation: 'relu' }, { from: g });
        continue;
      }
      const shortcut = strides === 1 ? x : convBn(b, x, filters, strides, 1, false, 2);
      const sum = b.add('Add', {}, { from: [g, shortcut] });
      x = b.add('Activation', { activation: 'relu' }, { from: sum });
    }
  }
  const pooled = b.add('GlobalAvgPool', {}, { from: x });
  b.add('Output', { units: options.classes ?? 10 }, { from: pooled });
  return b.build();
}

/** The smallest design that needs a projection: the branch widens 32 → 64, so the shortcut must too. */
export function projectionShortcut(): Design {
  const b = new DesignBuilder('Projection shortcut', 'A residual block whose branch changes the width: the shortcut carries a linear projection (a Dense without bias) so that x and g(x) can be added.');
  const input = b.add('Input', { shape: [2] });
  const x = b.add('Dense', { units: 32 }, { from: input });
  const h = b.add('Dense', { units: 64 }, { from: x, column: 1 });
  const g = b.add('Dense', { units: 64, activation: 'linear' }, { from: h, column: 1 });
  const projection = b.add('Dense', { units: 64, activation: 'linear', useBias: false }, { from: x, name: 'projection', column: 2 });
  const sum = b.add('Add', {}, { from: [g, projection] });
  const out = b.add('Activation', { activation: 'relu' }, { from: sum });
  b.add('Output', { units: 2 }, { from: out });
  return b.build();
}

/**
 * A very deep pre-norm residual MLP, x + W₂·relu(W₁·LN(x)), written once and repeated with a repeat group.
 * 500 blocks give 1002 weighted layers (stem + 2·blocks + output) and 2000 nodes once unrolled.
 */
export function deepResidualMlp(blocks = 500, width = 16): Design {
  const b = new DesignBuilder(`Residual MLP-${2 * blocks + 2} (repeat group)`, `${blocks} pre-norm residual blocks x + W₂·relu(W₁·LayerNorm(x)), width ${width}, written once as a repeat group.`);
  const input = b.add('Input', { shape: [2] });
  const x = b.add('Dense', { units: width, activation: 'linear' }, { from: input });
  const last = b.repeat(
    blocks,
    () => {
      const ln = b.add('LayerNorm', {}, { from: x, column: 1 });
      const h = b.add('Dense', { units: width, activation: 'relu' }, { from: ln, column: 1 });
      const g = b.add('Dense', { units: width, activation: 'linear' }, { from: h, column: 1 });
      return b.add('Add', {}, { from: [g, x] });
    },
    { id: 'block', name: 'Pre-norm residual block' },
  );
  const ln = b.add('LayerNorm', {}, { from: last });
  b.add('Output', { units: 2 }, { from: ln });
  return b.build();
}

/** File name → design, for assets/examples/. */
export function exampleDesigns(): Record<string, Design> {
  return {
    'plain-mlp-20.rescanvas.json': plainMlp(20),
    'plain-mlp-56.rescanvas.json': plainMlp(56),
    'residual-mlp-20.rescanvas.json': residualMlp(20),
    'residual-mlp-56.rescanvas.json': residualMlp(56),
    'resnet-20-cifar.rescanvas.json': cifarResNet(3),
    'plain-20-cifar.rescanvas.json': cifarResNet(3, { plain: true }),
    'projection-shortcut.rescanvas.json': projectionShortcut(),
    'residual-mlp-1002-repeat.rescanvas.json': deepResidualMlp(500),
  };
}
