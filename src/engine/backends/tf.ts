import type * as tfNamespace from '@tensorflow/tfjs';

/**
 * The tf.js namespace is passed in, never imported, so these kernels bind to whichever tf.js
 * instance the host loaded (one engine, one kernel registry) and cost nothing where unused.
 */
export type Tf = typeof tfNamespace;
export type Tensor = tfNamespace.Tensor;
export type Tensor4D = tfNamespace.Tensor4D;
export type TensorInfo = tfNamespace.TensorInfo;
export type KernelBackend = tfNamespace.KernelBackend;
export type KernelConfig = tfNamespace.KernelConfig;
