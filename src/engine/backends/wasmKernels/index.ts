import type { KernelConfig, Tf } from '../tf';
import { conv2DBackpropFilterKernel } from './conv2DBackpropFilter';
import { conv2DBackpropInputKernel } from './conv2DBackpropInput';
import { conv2DKernel } from './conv2D';
import { depthwiseConv2dNativeBackpropFilterKernel } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputKernel } from './depthwiseConv2dNativeBackpropInput';
import { packFlatKernel, unpackFlatKernel } from './flatPack';
import { sliceKernel, splitVKernel } from './splitV';
import { unsortedSegmentSumKernel } from './unsortedSegmentSum';
import { batchNormTrainingKernels } from './batchNormTraining';
import { statsSummaryKernels } from './statsSummary';
import { reluGradientKernels } from './reluGradient';
import { elementwiseKernels } from './elementwise';

export { conv2DBackpropFilter } from './conv2DBackpropFilter';
export { conv2DBackpropInput } from './conv2DBackpropInput';
export { depthwiseConv2dNativeBackpropFilter } from './depthwiseConv2dNativeBackpropFilter';
export { depthwiseConv2dNativeBackpropInput } from './depthwiseConv2dNativeBackpropInput';
export { unsortedSegmentSum } from './unsortedSegmentSum';
export { PACK_FLAT, UNPACK_FLAT, type UnpackFlatAttrs } from './flatPack';
export { trainingBatchNormKernels } from './batchNormTraining';
export { nativeStatsSummaries, type StatsSummaries } from './statsSummary';
export { nativeReluGradient } from './reluGradient';
export { nativeAdd, nativeRelu } from './elementwise';
export { withDeferredFilterGradients } from './native/nativeKernels';

/** Symbol.for, not Symbol: a second copy of this module must still recognise our kernels. */
const OURS = Symbol.for('rescanvas.wasmTrainingKernel');
type TaggedKernel = KernelConfig & { [OURS]?: true };

/** Kernels tf.js 4.22's wasm backend lacks (tfjs issues 8474, 8082), the optimizer's flat-layout copies, and our own fused ones. */
export function missingWasmKernels(tf: Tf): KernelConfig[] {
  return [
    conv2DBackpropFilterKernel(tf),
    depthwiseConv2dNativeBackpropFilterKernel(tf),
    depthwiseConv2dNativeBackpropInputKernel(tf),
    unsortedSegmentSumKernel(tf),
    packFlatKernel(),
    unpackFlatKernel(),
    ...batchNormTrainingKernels(),
    ...statsSummaryKernels(),
    ...reluGradientKernels(),
    ...elementwiseKernels(),
  ];
}

/** Kernels wasm has in forms several times slower than these (scalar loop nests, needless copies). */
export function slowWasmKernelReplacements(tf: Tf): KernelConfig[] {
  return [conv2DKernel(tf), conv2DBackpropInputKernel(tf), splitVKernel(tf), sliceKernel(tf)];
}

export interface RegisterOptions {
  /** Also replace wasm's own slow kernels (default true). */
  replaceSlowKernels?: boolean;
}

function isOurs(config: KernelConfig | undefined): boolean {
  return (config as TaggedKernel | undefined)?.[OURS] === true;
}

/**
 * Registers the training kernels for 'wasm'; safe to call any number of times. A missing kernel
 * that has since appeared natively (a later tf.js) is left alone. Returns the names registered
 * by this call.
 */
export function registerWasmTrainingKernels(tf: Tf, options: RegisterOptions = {}): string[] {
  const registered: string[] = [];
  const register = (config: KernelConfig) => {
    const tagged: TaggedKernel = { ...config, [OURS]: true };
    tf.registerKernel(tagged);
    registered.push(config.kernelName);
  };
  for (const config of missingWasmKernels(tf)) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) register(config);
  }
  if (options.replaceSlowKernels ?? true) {
    for (const config of slowWasmKernelReplacements(tf)) {
      const existing = tf.getKernel(config.kernelName, config.backendName);
      if (isOurs(existing)) continue;
      if (existing !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
      register(config);
    }
  }
  return registered;
}
