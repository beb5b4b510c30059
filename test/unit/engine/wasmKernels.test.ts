import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src/engine/backends/wasmKernels';
import { useWasmBackend } from '../../../src/engine/backends/wasm';
import { depthwiseGradientsByDefinition, pick, randomInt, randomSource, randomValues, relativeError, startWasm, tf, valuesOn } from './wasmTestSupport';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const TOLERANCE = 1e-5;

interface ConvCase {
  seed: number;
  inputShape: [number, number, number, number]; // NHWC
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

/** Random conv geometries that tf.js accepts: odd and even sizes, batch 1, k 1/3/5, s 1/2. */
function randomConvCase(seed: number, options: { depthwise: boolean; allowDilation: boolean; maxChannels?: number; maxOutChannels?: number }): ConvCase {
  const next = randomSource(seed);
  const k = pick(next, [1, 3, 5] as const);
  const strided = next() < 0.5;
  const dilated = options.allowDilation && !strided && k > 1 && next() < 0.5;
  const strides: [number, number] = strided ? [2, pick(next, [1, 2])] : [1, 1];
  const dilations: [number, number] = dilated ? [2, pick(next, [1, 2])] : [1, 1];
  const reach = (k - 1) * Math.max(...dilations) + 1;
  const height = randomInt(next, reach, reach + 6);
  const width = randomInt(next, reach, reach + 6);
  const channels = randomInt(next, 1, options.maxChannels ?? 4);
  const outChannels = options.depthwise ? randomInt(next, 1, 2) : randomInt(next, 1, options.maxOutChannels ?? 4);
  const padKind = pick(next, ['same', 'valid', 'explicit'] as const);
  const pad: Pad =
    padKind === 'explicit'
      ? [
          [0, 0],
          [randomInt(next, 0, 2), randomInt(next, 0, 2)],
          [randomInt(next, 0, 2), randomInt(next, 0, 2)],
          [0, 0],
        ]
      : padKind;
  return {
    seed,
    inputShape: [pick(next, [1, 2, 3]), height, width, channels],
    filterShape: [k, k, channels, outChannels],
    strides,
    dilations,
    pad,
  };
}

function outputShape(c: ConvCase, depthwise: boolean): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.inputShape, c.filterShape, c.strides, c.dilations, c.pad, undefined, depthwise);
  return info.outShape;
}

const SEEDS = Array.from({ length: 24 }, (_, i) => 1000 + i);

/** The filter gradient of case `c` for input `x` and upstream gradient `dy`, as the kernel is called. */
function filterGradientOf(c: ConvCase, x: Float32Array, dy: Float32Array): () => tf.Tensor {
  const dyShape = outputShape(c, false);
  return () =>
    tf
      .engine()
      .runKernel(
        tf.Conv2DBackpropFilter,
        { x: tf.tensor4d(x, c.inputShape), dy: tf.tensor4d(dy, dyShape) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape },
      ) as tf.Tensor;
}

beforeAll(startWasm);

describe('registerWasmTrainingKernels', () => {
  it('adds the four missing kernels, replaces the slow Conv2D, Conv2DBackpropInput, SplitV and Slice, and is idempotent', () => {
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
    const replaced = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(replaced.setupFunc, 'the native kernel binds a wasm function in setupFunc; ours needs none').toBeUndefined();
    expect(registerWasmTrainingKernels(tf)).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(replaced);
  });
});

describe('Conv2DBackpropFilter on wasm matches the CPU kernel', () => {
  it('runs on our SIMD kernel, not the XNNPACK route', async () => {
    const status = await useWasmBackend(tf);
    expect(status.nativeKernels).toEqual({ active: true, helperThreads: 0 });
  });

  // Up to 4 channels each way reaches the kernel's narrow paths; wider ones its 2 × 16 tiles and
  // the tails after them (odd input channels, output channels past a multiple of 4 or 16).
  it.each([...SEEDS.map((seed) => [seed, 4, 4] as const), ...SEEDS.slice(0, 12).map((seed) => [seed + 50, 9, 37] as const)])(
    'random case, seed %i, up to %i → %i channels',
    async (seed, maxChannels, maxOutChannels) => {
      const c = randomConvCase(seed, { depthwise: false, allowDilation: false, maxChannels, maxOutChannels });
      const next = randomSource(seed * 7);
      const x = randomValues(next, c.inputShape);
      const dyShape = outputShape(c, false);
      const dy = randomValues(next, dyShape);
      const compute = filterGradientOf(c, x, dy);
      const expected = await valuesOn('cpu', compute);
      const actual = await valuesOn('wasm', compute);
      expect(relativeError(actual, expected), JSON.stringify(c)).toBeLessThan(TOLERANCE);
    },
  );

  it('sums images in cache-sized blocks: activations larger than one block, channel tails included', async () => {
    // 4·(33·31·17 + 33·31·21) bytes per image: one image a block, five blocks.
    const c: ConvCase = { seed: 91, inputShape: [5, 33, 31, 17], filterShape: [3, 3, 17, 21], strides: [1, 1], dilations: [1, 1], pad: 'same' };
    const next = randomSource(91);
    const x = randomValues(next, c.inputShape);
    const dy = randomValues(next, outputShape(c, false));
    const compute = filterGradientOf(c, x, dy);
    expect(relativeError(await valuesOn('wasm', compute), await valuesOn('cpu', compute))).toBeLessThan(TOLERANCE);
  });

  it('handles NCHW data', async () => {
    const c: ConvCase = {
      seed: 78,
      inputShape: [2, 7, 6, 3],
      filterShape: [3, 3, 3, 4],
      strides: [2, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    };
    // An explicit NCHW padding lists the dims in NCHW order.
    const channelsFirstPad = [
      [0, 0],
      [0, 0],
      [1, 2],
      [0, 1],
    ];
    const next = randomSource(78);
    const dyShape = outputShape(c, false);
    const x = randomValues(next, c.inputShape);
    const dy = randomValues(next, dyShape);
    const toChannelsFirst = (values: Float32Array, [b, rows, columns, channels]: number[]) =>
      tf.transpose(tf.tensor4d(values, [b ?? 0, rows ?? 0, columns ?? 0, channels ?? 0]), [0, 3, 1, 2]);
    const compute = () =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x: toChannelsFirst(x, c.inputShape), dy: toChannelsFirst(dy, dyShape) },
          { strides: c.strides, pad: channelsFirstPad, dataFormat: 'NCHW', filterShape: c.filterShape },
        ) as tf.Tensor;
    expect(relativeError(await valuesOn('wasm', compute), await valuesOn('cpu', compute))).toBeLessThan(TOLERANCE);
  });
});

describe('Conv2D on wasm (our SIMD kernel) matches the CPU kernel', () => {
  // Narrow cases reach the single-pixel edges and the scalar channel tail; wide ones the 2-pixel
  // × 16-channel interior tiles and the 4-channel tails after them. Dilations included.
  it.each([...SEEDS.map((seed) => [seed + 700, 4, 4] as const), ...SEEDS.slice(0, 12).map((seed) => [seed + 800, 9, 37] as const)])(
    'random case, seed %i, up to %i → %i channels',
    async (seed, maxChannels, maxOutChannels) => {
      const c = randomConvCase(seed, { depthwise: false, allowDilation: true, maxChannels, maxOutChannels });
      const next = randomSource(seed * 13);
      const x = randomValues(next, c.inputShape);
      const filter = randomValues(next, c.filterShape);
      const compute = () => tf.conv2d(tf.tensor4d(x, c.inputShape), tf.tensor4d(filter, c.filterShape), c.strides, c.pad, 'NHWC', c.dilations);
      expect(relativeError(await valuesOn('wasm', compute), await valuesOn('cpu', compute)), JSON.stringify(c)).toBeLessThan(TOLERANCE);
    },
  );

  it('keeps the setup of the kernel it replaced, and makes an empty output without running', async () => {
    expect(tf.getKernel('Conv2D', 'wasm').setupFunc, "tf.js' setup binds the XNNPACK route ours falls back to").toBeDefined();
    const empty = await valuesOn('wasm', () => tf.conv2d(tf.zeros([0, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 5]) as tf.Tensor4D, 1, 'same'));
    expect(empty.length).toBe(0);
  });
});

describe('Conv2DBackpropInput on wasm matches the CPU kernel', () => {
  it.each(SEEDS)('random case, seed %i', async (seed) => {
    const c = randomConvCase(seed + 500, { depthwise: false, allowDilation: false });
    const next = randomSource(seed * 11);
    const filter = randomValues(next, c.filterShape);
    const dyShape = outputShape(c, false);
    const dy = randomValues(next, dyShape);
    const compute = () =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropInput,
          { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(filter, c.filterShape) },
          { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.inputShape },
        ) as tf.Tensor;
    expect(relativeError(await valuesOn('wasm', compute), await valuesOn('cpu', compute)), JSON.stringify(c)).toBeLessThan(TOLERANCE);
  });
});

describe('depthwise backprops on wasm match the CPU kernels', () => {
  it.each(SEEDS)('random case incl. dilations, seed %i', async (seed) => {
    const c = randomConvCase(seed, { depthwise: true, allowDilation: true });
    const next = randomSource(seed * 13);
    const x = randomValues(next, c.inputShape);
    const filter = randomValues(next, c.filterShape);
    const dyShape = outputShape(c, true);
    const dy = randomValues(next, dyShape);
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad };
    const filterGrad = () =>
      tf
        .engine()
        .runKernel(
          tf.DepthwiseConv2dNativeBackpropFilter,
          { x: tf.tensor4d(x, c.inputShape), dy: tf.tensor4d(dy, dyShape) },
          { ...attrs, filterShape: c.filterShape },
        ) as tf.Tensor;
    const inputGrad = () =>
      tf
        .engine()
        .runKernel(
          tf.DepthwiseConv2dNativeBackpropInput,
          { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(filter, c.filterShape) },
          { ...attrs, inputShape: c.inputShape },
        ) as tf.Tensor;
    const info = tf.backend_util.computeConv2DInfo(c.inputShape, c.filterShape, c.strides, c.dilations, c.pad, undefined, true);
    const reference = depthwiseGradientsByDefinition(x, c.inputShape, filter, c.filterShape, dy, {
      ...info,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
    });
    const expectedFilterGradient = reference.filterGradient;
    const expectedInputGradient = reference.inputGradient;
    // tf.js's CPU kernels ignore dilations, so they are the reference only where none is set.
    if (c.dilations.every((d) => d === 1)) {
      expect(relativeError(await valuesOn('cpu', filterGrad), expectedFilterGradient)).toBeLessThan(TOLERANCE);
      expect(relativeError(await valuesOn('cpu', inputGrad), expectedInputGradient)).toBeLessThan(TOLERANCE);
    }
    expect(relativeError(await valuesOn('wasm', filterGrad), expectedFilterGradient), JSON.stringify(c)).toBeLessThan(TOLERANCE);
    expect(relativeError(await valuesOn('wasm', inputGrad), expectedInputGradient), JSON.stringify(c)).toBeLessThan(TOLERANCE);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it.each([1, 2, 3, 4, 5, 6])('matches the CPU kernel on random 1-D ids incl. out-of-range ones, seed %i', async (seed) => {
    const next = randomSource(seed);
    const numSegments = randomInt(next, 1, 7);
    const idCount = randomInt(next, 1, 40);
    const sliceShape = seed % 3 === 0 ? [] : [randomInt(next, 1, 4), randomInt(next, 1, 3)];
    const ids = Int32Array.from({ length: idCount }, () => randomInt(next, -2, numSegments + 1));
    const xShape = [idCount, ...sliceShape];
    const x = randomValues(next, xShape);
    const compute = () => tf.unsortedSegmentSum(tf.tensor(x, xShape), tf.tensor1d(ids, 'int32'), numSegments);
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(actual.length).toBe(numSegments * sliceShape.reduce((a, b) => a * b, 1));
    expect(relativeError(actual, expected)).toBeLessThan(TOLERANCE);
  });

  it('drops out-of-range ids instead of writing outside the output', async () => {
    const compute = () => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 4, 8, 16, 32]), tf.tensor1d([0, -1, 2, 3, 0, 1000], 'int32'), 3);
    expect(Array.from(await valuesOn('wasm', compute))).toEqual([17, 0, 4]);
  });

  it('reads multi-dimensional ids as TensorFlow does: one id per leading position', async () => {
    // tf.js's CPU kernel only sums over the first axis here; TensorFlow's definition sums over all id axes.
    const compute = () =>
      tf.engine().runKernel(
        tf.UnsortedSegmentSum,
        {
          x: tf.tensor3d([1, 10, 2, 20, 4, 40, 8, 80], [2, 2, 2]),
          segmentIds: tf.tensor2d(
            [
              [1, 0],
              [1, 5],
            ],
            [2, 2],
            'int32',
          ),
        },
        { numSegments: 2 },
      ) as tf.Tensor;
    expect(Array.from(await valuesOn('wasm', compute))).toEqual([2, 20, 5, 50]);
  });
});

describe('SplitV and Slice on wasm read the input in place and match the CPU kernels', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random shapes, axes and boxes, seed %i', async (seed) => {
    const next = randomSource(100 + seed);
    const rank = randomInt(next, 1, 5);
    const shape = Array.from({ length: rank }, () => randomInt(next, 1, 5));
    const values = randomValues(next, shape);
    const axis = randomInt(next, 0, rank - 1);
    const parts: number[] = [];
    for (let left = shape[axis]; left > 0;) {
      const part = randomInt(next, 1, left);
      parts.push(part);
      left -= part;
    }
    const begin = shape.map((d) => randomInt(next, 0, d - 1));
    const size = shape.map((d, i) => (next() < 0.3 ? -1 : randomInt(next, 1, d - begin[i])));
    const compute = () =>
      tf.concat([
        ...tf.split(tf.tensor(values, shape), parts, axis).map((t) => tf.reshape(t, [-1])),
        tf.reshape(tf.slice(tf.tensor(values, shape), begin, size), [-1]),
      ]);
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(actual).toEqual(expected);
  });

  it('keeps int32 and bool values, and is what tf.split and tf.slice use on wasm', async () => {
    const ints = () => tf.concat(tf.split(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), [1, 2], 0).map((t) => tf.reshape(t, [-1])));
    expect(Array.from(await valuesOn('wasm', ints))).toEqual([1, 2, 3, 4, 5, 6]);
    const bools = () => tf.cast(tf.slice(tf.tensor1d([true, false, true, true], 'bool'), 1, 2), 'float32');
    expect(Array.from(await valuesOn('wasm', bools))).toEqual([0, 1]);
    const ours = Symbol.for('rescanvas.wasmTrainingKernel');
    for (const name of ['SplitV', 'Slice']) expect((tf.getKernel(name, 'wasm') as unknown as Record<symbol, unknown>)[ours], name).toBe(true);
  });
});

describe('Sum and Mean over leading axes on wasm (our SIMD kernel) match the CPU kernels', () => {
  const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
    { shape: [4, 5, 6, 16], axis: [0, 1, 2], keepDims: false },
    { shape: [3, 7, 7, 37], axis: [0, 1, 2], keepDims: true },
    { shape: [64, 33], axis: 0, keepDims: false },
    { shape: [5, 3], axis: [-2], keepDims: true },
    { shape: [2, 3, 4, 5], axis: [1, 0], keepDims: false },
    { shape: [1, 1, 1, 7], axis: [0, 1, 2], keepDims: false },
    { shape: [9, 4], axis: 0, keepDims: false },
    // Not leading, or everything: tf.js' own kernels.
    { shape: [4, 5, 6], axis: [0, 2], keepDims: false },
    { shape: [4, 5], axis: [0, 1], keepDims: false },
    { shape: [4, 5], axis: 1, keepDims: true },
  ];
  it.each(
    cases.flatMap((c) => [
      { ...c, op: 'sum' as const },
      { ...c, op: 'mean' as const },
    ]),
  )('$op over $axis of $shape (keepDims $keepDims)', async (c) => {
    const values = randomValues(randomSource(c.shape.reduce((a, b) => a * 31 + b, 7)), c.shape);
    const compute = () => tf[c.op](tf.tensor(values, c.shape), c.axis, c.keepDims);
    const expectedShape = tf.tidy(() => compute().shape);
    await tf.setBackend('wasm');
    expect(tf.tidy(() => compute().shape)).toEqual(expectedShape);
    expect(relativeError(await valuesOn('wasm', compute), await valuesOn('cpu', compute))).toBeLessThan(TOLERANCE);
  });

  it('leaves int32 sums to tf.js', async () => {
    await tf.setBackend('wasm');
    const sum = tf.tidy(() => tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0));
    expect(sum.dtype).toBe('int32');
    expect(Array.from(await sum.data())).toEqual([4, 6]);
    sum.dispose();
  });
});
