import type * as tfNamespace from '@tensorflow/tfjs';
import { PROTOCOL_VERSION, type FromEngine, type FromEngineOf } from '../../src/protocol/messages';
import type { GridPrediction, PredictGrid } from '../../src/protocol/boundary';
import type { z } from 'zod';

type Tf = typeof tfNamespace;
type Request = z.infer<typeof PredictGrid>;
const INTERNAL_PREFIX = '__grid__';

/**
 * Answers predictGrid inside the worker: asks the session for its current (probe-free) weights,
 * rebuilds the model from them and predicts on a grid of 2-D points. The model is rebuilt only when
 * the topology changes; otherwise the new weights are set on the cached one.
 */
export class GridPredictor {
  private waiting = new Map<string, (weights: FromEngineOf<'weights'> | null) => void>();
  private next = 0;
  private cached: { topology: string; model: tfNamespace.LayersModel } | null = null;

  constructor(private readonly tf: Tf, private readonly ask: (message: unknown) => Promise<void>) {}

  /** Takes the session's replies to our own weight requests; true when the message was ours. */
  intercept(message: FromEngine): boolean {
    if (message.type === 'weights' && message.requestId.startsWith(INTERNAL_PREFIX)) {
      this.waiting.get(message.requestId)?.(message);
      this.waiting.delete(message.requestId);
      return true;
    }
    if (message.type === 'error' && message.inReplyTo === 'exportWeights' && this.waiting.size > 0) {
      for (const [id, resolve] of this.waiting) {
        this.waiting.delete(id);
        resolve(null);
      }
      return true;
    }
    return false;
  }

  async predict(request: Request): Promise<z.input<typeof GridPrediction>> {
    const requestId = `${INTERNAL_PREFIX}${++this.next}`;
    const weights = await new Promise<FromEngineOf<'weights'> | null>((resolve) => {
      this.waiting.set(requestId, resolve);
      void this.ask({ v: PROTOCOL_VERSION, type: 'exportWeights', requestId });
    });
    if (!weights) throw new Error('no trained weights yet: start a run first');
    const model = await this.modelFor(weights);
    const inputShape = model.inputs[0]?.shape;
    if (!inputShape || inputShape.length !== 2 || inputShape[1] !== 2) throw new Error('the decision boundary needs a design with a 2-feature input');
    const { resolution: n, bounds } = request;
    const grid = new Float32Array(n * n * 2);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const i = (row * n + col) * 2;
        grid[i] = bounds.minX + ((bounds.maxX - bounds.minX) * col) / (n - 1);
        grid[i + 1] = bounds.minY + ((bounds.maxY - bounds.minY) * row) / (n - 1);
      }
    }
    const probabilities = this.tf.tidy(() => {
      const out = model.predict(this.tf.tensor2d(grid, [n * n, 2])) as tfNamespace.Tensor;
      return out.dataSync() as Float32Array;
    });
    const classes = probabilities.length / (n * n);
    return { v: PROTOCOL_VERSION, type: 'gridPrediction', requestId: request.requestId, bounds, resolution: n, classes, probabilities: new Float32Array(probabilities) };
  }

  private async modelFor(weights: FromEngineOf<'weights'>): Promise<tfNamespace.LayersModel> {
    const topology = JSON.stringify(weights.modelTopology);
    const buffer = weights.weightData.slice().buffer;
    if (this.cached?.topology === topology) {
      const named = this.tf.io.decodeWeights(buffer, weights.weightSpecs as tfNamespace.io.WeightsManifestEntry[]);
      const model = this.cached.model;
      const values = model.weights.map((w) => named[w.originalName] ?? named[w.name]);
      if (values.every((t) => t !== undefined)) {
        model.setWeights(values);
        for (const t of Object.values(named)) t.dispose();
        return model;
      }
      for (const t of Object.values(named)) t.dispose();
    }
    this.cached?.model.dispose();
    const model = await this.tf.loadLayersModel(this.tf.io.fromMemory({ modelTopology: weights.modelTopology, weightSpecs: weights.weightSpecs as tfNamespace.io.WeightsManifestEntry[], weightData: buffer }));
    this.cached = { topology, model };
    return model;
  }
}
