import type { KernelConfig, Tf } from '../tf';
import { conv2DBackpropFilterKernel } from './conv2DBackpropFilter';
import { depthwiseConv2dNativeBackpropFilterKernel } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputKernel } from './depthwiseConv2dNativeBackpropInput';
import { unsortedSegmentSumKernel } from './unsortedSegmentSum';

export { conv2DBackpropFilter } from './conv2DBackpropFilter';
export { depthwiseConv2dNativeBackpropFilter } from './depthwiseConv2dNativeBackpropFilter';
export { depthwiseConv2dNativeBackpropInput } from './depthwiseConv2dNativeBackpropInput';
export { unsortedSegmentSum } from './unsortedSegmentSum';

/** The training kernels tf.js 4.22's wasm backend lacks (tfjs issues 8474, 8082). */
export function wasmTrainingKernels(tf: Tf): KernelConfig[] {
  return [
    conv2DBackpropFilterKernel(tf),
    depthwiseConv2dNativeBackpropFilterKernel(tf),
    depthwiseConv2dNativeBackpropInputKernel(tf),
    unsortedSegmentSumKernel(tf),
  ];
}

/**
 * Registers each missing kernel for 'wasm'; safe to call any number of times. A kernel already
 * present — ours from an earlier call, or a native one from a later tf.js — is left alone.
 * Returns the names registered by this call.
 */
export function registerWasmTrainingKernels(tf: Tf): string[] {
  const registered: string[] = [];
  for (const config of wasmTrainingKernels(tf)) {
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
