import type * as tfNamespace from '@tensorflow/tfjs';

/** tf.js' engine internals this reads: the live byte count, and the one method that raises it. */
interface Tracking {
  state: { numBytes: number };
  trackTensor: (...args: unknown[]) => unknown;
}

/**
 * The high-water mark of live tensor bytes (what the memory estimate predicts). tf.js adds a
 * tensor's bytes to its count only in trackTensor, so the count after each call, maximised, is its
 * peak. tf.profile gives the same but keeps a record per kernel, too many for a 1002-layer design.
 */
export function trackTensorPeak(tf: typeof tfNamespace): { value: () => number; reset: () => number } {
  const engine = tf.engine() as unknown as Tracking;
  const trackTensor = engine.trackTensor.bind(engine);
  let peak = engine.state.numBytes;
  engine.trackTensor = (...args: unknown[]) => {
    const result = trackTensor(...args);
    peak = Math.max(peak, engine.state.numBytes);
    return result;
  };
  return {
    value: () => peak,
    reset: () => (peak = engine.state.numBytes),
  };
}
