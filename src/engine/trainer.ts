import type * as tfNamespace from '@tensorflow/tfjs';
import type { Dataset, DatasetSplit } from './datasets/types';
import type { TrainSettings } from '../schema/settings';
import type { StatsFrame } from '../schema/stats';
import type { EngineDiagnostic } from '../protocol/messages';
import { batchLoss, correctCount, targetsFor } from './loss';
import { createOptimizer, type Optimizer } from './optimizers';
import { learningRateAt } from './schedule';
import { runPlan, type Plan } from './plan/plan';
import { StepTape } from './plan/stepTape';
import { withDeferredFilterGradients } from './backends/wasmKernels';
import { activate } from './plan/ops';
import { frameLayout, recordedRows, StepRecorder, summariseStep, unpackFrame, weightSummary, type FrameLayout } from './instrument';
import { evaluatePlan, evaluatePlanAsync, type LabelledData, type Score } from './evaluate';
import { seededRandom, shuffledIndices } from './random';
import { findNonFinite } from './nonFinite';
import { FrameBudget } from './frameBudget';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;

export interface ProgressReport {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
  loss: number;
  accuracy: number;
  learningRate: number;
  stepsPerSecond: number;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  accuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
  learningRate: number;
  durationMs: number;
}

export interface RunOutcome {
  reason: 'completed' | 'stopped' | 'diverged';
  epochs: number;
  steps: number;
  loss: number | null;
  accuracy: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
}

export interface TrainerEvents {
  progress?(report: ProgressReport): void;
  epoch?(report: EpochReport): void;
  frame?(frame: StatsFrame): void;
  diagnostics?(diagnostics: EngineDiagnostic[]): void;
  state?(state: 'running' | 'paused'): void;
}

export interface TrainerClock {
  now(): number;
  /** Lets the host deliver messages (pause, stop) between steps. */
  yieldToHost(): Promise<void>;
}

/** Both exist in browsers, workers and Node; src/ is compiled without DOM or Node types. */
const host = globalThis as unknown as { performance: { now(): number }; setTimeout(callback: () => void, ms: number): unknown };

export const defaultClock: TrainerClock = {
  now: () => host.performance.now(),
  yieldToHost: () => new Promise((resolve) => host.setTimeout(resolve, 0)),
};

export interface TrainerOptions {
  /**
   * Measure the gradient w.r.t. the Input in instrumented steps (default on). Off only to measure
   * what it costs (test/bench/engine.ts).
   */
  inputGradient?: boolean;
}

/**
 * tf.variableGrads over `variables` plus `input`, in one backward pass. The input's own gradient is
 * dropped: the Input node's probe has recorded it on the way.
 */
function gradsWithInput(
  tf: Tf,
  f: () => tfNamespace.Scalar,
  variables: tfNamespace.Variable[],
  input: Tensor,
): { value: tfNamespace.Scalar; grads: tfNamespace.NamedTensorMap } {
  const { value, grads } = tf.engine().gradients(f, [...variables, input], undefined, true);
  const named: tfNamespace.NamedTensorMap = {};
  variables.forEach((v, i) => {
    const g = grads[i] as Tensor | null;
    if (g) named[v.name] = g;
  });
  return { value, grads: named };
}

/** A step's tensors between computing it and reading it back. */
interface PendingStep {
  step: number;
  /** [loss, correct count]. */
  result: Tensor;
  /** The stats frame's values, when instrumented. */
  packed?: Tensor;
  recorder?: StepRecorder;
}

export interface StepResult {
  loss: number;
  correct: number;
  frame?: StatsFrame;
}

/** A split as tensors that live as long as the trainer. */
export function labelledData(tf: Tf, split: DatasetSplit, sampleShape: number[], units: number): LabelledData {
  return {
    x: tf.tensor(split.x, [split.count, ...sampleShape], 'float32'),
    targets: targetsFor(tf, split.y, units),
    labels: tf.tensor1d(split.y, 'int32'),
    count: split.count,
  };
}

export function disposeData(data: LabelledData): void {
  data.x.dispose();
  data.targets.dispose();
  data.labels.dispose();
}

/**
 * One training run of a plan on a dataset. The loop yields to the host after every step, so
 * pause and stop take effect before the next step starts.
 */
export class Trainer {
  readonly layout: FrameLayout;
  private readonly optimizer: Optimizer;
  private readonly decayed: boolean[];
  private readonly train: LabelledData;
  private readonly validation: LabelledData;
  private stepCount = 0;
  private stopRequested = false;
  private paused: { resume: () => void; promise: Promise<void> } | null = null;
  private startedAt = 0;
  private lastFrameAt = -Infinity;
  private readonly frameBudget = new FrameBudget();
  /** A step is between computing and reading back (a GPU backend's readback yields to the host). */
  private stepping = false;

  constructor(
    private readonly tf: Tf,
    readonly plan: Plan,
    dataset: Dataset,
    readonly settings: TrainSettings,
    readonly runId: string,
    private readonly events: TrainerEvents = {},
    private readonly clock: TrainerClock = defaultClock,
    private readonly options: TrainerOptions = {},
  ) {
    this.layout = frameLayout(plan);
    this.optimizer = createOptimizer(tf, settings.optimizer);
    const kernels = new Set(plan.weights.filter((w) => w.role === 'kernel').map((w) => w.variable));
    this.decayed = plan.trainable.map((v) => kernels.has(v));
    this.train = labelledData(tf, dataset.train, dataset.sampleShape, plan.outputUnits);
    this.validation = labelledData(tf, dataset.validation, dataset.sampleShape, plan.outputUnits);
  }

  get steps(): number {
    return this.stepCount;
  }

  get stepsPerEpoch(): number {
    return Math.max(1, Math.ceil(this.train.count / this.settings.batchSize));
  }

  pause(): void {
    if (this.paused || this.stopRequested) return;
    let resume = () => {};
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { resume, promise };
    // A step awaiting its readback still holds its tensors; 'paused' is announced once it has released them.
    if (!this.stepping) this.events.state?.('paused');
  }

  resume(): void {
    if (!this.paused) return;
    const { resume } = this.paused;
    this.paused = null;
    resume();
    this.events.state?.('running');
  }

  stop(): void {
    this.stopRequested = true;
    this.paused?.resume();
    this.paused = null;
  }

  private wantsFrame(): boolean {
    const { cadence, intervalMs } = this.settings.instrumentation;
    if (cadence === 'off' || !this.events.frame) return false;
    return cadence === 'everyStep' || this.clock.now() - this.lastFrameAt >= this.frameBudget.gapMs(intervalMs);
  }

  /**
   * One optimizer step on a batch. With `instrument`, also returns the stats frame of this step
   * (activations and gradients from before the update, update ratios from the update itself).
   */
  trainStep(x: Tensor, targets: Tensor, labels: Tensor, instrument: boolean, epoch = 0): StepResult {
    const pending = this.computeStep(x, targets, labels, instrument);
    return this.finishStep(pending, epoch, pending.result.dataSync(), pending.packed?.dataSync());
  }

  /**
   * trainStep with the results read back asynchronously. WebGPU's synchronous readback goes through a
   * canvas, which some adapters cannot do (headless Chromium on SwiftShader returns zeros and loses the
   * device's instance); an awaited read works on every backend and gives the same values.
   */
  async trainStepAsync(x: Tensor, targets: Tensor, labels: Tensor, instrument: boolean, epoch = 0): Promise<StepResult> {
    const pending = this.computeStep(x, targets, labels, instrument);
    const [summary, packed] = await Promise.all([pending.result.data(), pending.packed?.data()]);
    return this.finishStep(pending, epoch, summary, packed);
  }

  private computeStep(x: Tensor, targets: Tensor, labels: Tensor, instrument: boolean): PendingStep {
    const tf = this.tf;
    const step = this.stepCount;
    const learningRate = this.learningRate(step);
    const recorder = instrument ? new StepRecorder(tf) : undefined;
    let packed: Tensor | undefined;
    const held: Tensor[] = [];
    let result: Tensor;
    try {
      result = this.stepTensors(x, targets, labels, step, learningRate, recorder, held, (p) => (packed = p));
    } finally {
      held.forEach((t) => t.dispose());
    }
    this.stepCount++;
    return { step, result, packed, recorder };
  }

  /** The step's loss and correct count stacked; the update is applied and, with a recorder, the frame packed. */
  private stepTensors(
    x: Tensor,
    targets: Tensor,
    labels: Tensor,
    step: number,
    learningRate: number,
    recorder: StepRecorder | undefined,
    held: Tensor[],
    setPacked: (packed: Tensor) => void,
  ): Tensor {
    const tf = this.tf;
    if (!recorder && this.plan.tapeable) return this.tapedStepTensors(x, targets, labels, step, learningRate, held);
    return tf.tidy(() => {
      let correct: Tensor | undefined;
      const loss = () => {
        const out = runPlan(tf, this.plan, x, { training: true, seed: this.settings.seed * 1_000_003 + step, probes: recorder, held });
        correct = tf.keep(correctCount(tf, out.output, labels));
        return batchLoss(tf, this.plan.loss, out, this.plan.outputActivation, targets) as tfNamespace.Scalar;
      };
      // Differentiating w.r.t. the batch as well puts the Input's probe on the tape, so its gradient row is measured.
      const { value, grads } =
        recorder && this.options.inputGradient !== false ? gradsWithInput(tf, loss, this.plan.trainable, x) : tf.variableGrads(loss, this.plan.trainable);
      const variables = this.plan.trainable.filter((v) => grads[v.name] !== undefined);
      const gradients = variables.map((v) => grads[v.name]);
      // Views keep the values from before the update (it assigns new tensors), without copying them.
      const before = recorder ? this.plan.trainable.map((v) => tf.reshape(v, v.shape)) : [];
      this.optimizer.apply(
        variables,
        gradients,
        learningRate,
        this.plan.trainable.map((v, i) => this.decayed[i]).filter((_, i) => grads[this.plan.trainable[i].name] !== undefined),
      );
      if (recorder) {
        const weights = weightSummary(
          tf,
          before,
          this.plan.trainable.map((v) => grads[v.name]),
          this.plan.trainable,
        );
        setPacked(tf.keep(summariseStep(tf, this.layout, recorder, weights)));
      }
      // `correct` was kept to leave the gradient scope; it is released here, once stacked.
      const counted = correct as Tensor;
      const summary = tf.stack([value, counted]);
      counted.dispose();
      return summary;
    });
  }

  /**
   * stepTensors for an uninstrumented step of a tapeable plan: the ops record their gradients on
   * the step's own tape (StepTape), and only the loss is differentiated by tf.js.
   */
  private tapedStepTensors(x: Tensor, targets: Tensor, labels: Tensor, step: number, learningRate: number, held: Tensor[]): Tensor {
    const tf = this.tf;
    const plan = this.plan;
    return tf.tidy(() => {
      const tape = new StepTape(tf);
      const out = runPlan(tf, plan, x, { training: true, seed: this.settings.seed * 1_000_003 + step, held, tape });
      const correct = correctCount(tf, out.output, labels);
      const loss = (logits: Tensor) =>
        batchLoss(tf, plan.loss, { logits, output: activate(tf, logits, plan.outputActivation) }, plan.outputActivation, targets);
      const { value, grad } = tf.valueAndGrad(loss)(out.logits);
      // The helpers compute filter gradients while this thread walks the rest of the tape; not while
      // tf.js reads each kernel's output as it is made (DEBUG, tf.profile), which would read them unfinished.
      const walk = (fence?: () => void) => tape.gradients(out.logits, grad, plan.trainable, fence);
      const observed = tf.env().getBool('DEBUG') || tf.engine().state.profiling;
      const all = observed ? walk() : withDeferredFilterGradients(tf.backend(), walk);
      const reached = plan.trainable.map((_, i) => i).filter((i) => all[i] !== null);
      this.optimizer.apply(
        reached.map((i) => plan.trainable[i]),
        reached.map((i) => all[i] as Tensor),
        learningRate,
        reached.map((i) => this.decayed[i]),
      );
      return tf.stack([value, correct]);
    });
  }

  /** Releases a step's tensors and builds its result from the values read back. */
  private finishStep(pending: PendingStep, epoch: number, summary: ArrayLike<number>, packedValues: ArrayLike<number> | undefined): StepResult {
    const { step, result, packed, recorder } = pending;
    const [loss, correct] = [summary[0], summary[1]];
    result.dispose();
    packed?.dispose();
    let frame: StatsFrame | undefined;
    if (recorder && packedValues) {
      frame = unpackFrame(
        { runId: this.runId, step, epoch, elapsedMs: this.clock.now() - this.startedAt, loss: Number.isFinite(loss) ? loss : null },
        this.layout,
        recordedRows(this.layout, recorder),
        packedValues as Float32Array,
      );
    }
    recorder?.dispose();
    return { loss, correct, frame };
  }

  learningRate(step: number): number {
    const total = this.stepsPerEpoch * this.settings.epochs;
    return learningRateAt(this.settings.optimizer.learningRate, this.settings.schedule, this.settings.warmupSteps, step, this.stepsPerEpoch, total);
  }

  evaluateValidation(): Score | null {
    return this.validation.count ? evaluatePlan(this.tf, this.plan, this.validation, 256) : null;
  }

  /** evaluateValidation with an awaited readback (see trainStepAsync). */
  async evaluateValidationAsync(): Promise<Score | null> {
    return this.validation.count ? evaluatePlanAsync(this.tf, this.plan, this.validation, 256) : null;
  }

  async run(): Promise<RunOutcome> {
    const tf = this.tf;
    const { epochs, batchSize } = this.settings;
    const random = seededRandom(this.settings.seed);
    const perEpoch = this.stepsPerEpoch;
    const total = perEpoch * epochs;
    this.startedAt = this.clock.now();
    let last: EpochReport | null = null;
    let epoch = 0;
    const outcome = (reason: RunOutcome['reason']): RunOutcome => ({
      reason,
      epochs: epoch,
      steps: this.stepCount,
      loss: last?.loss ?? null,
      accuracy: last?.accuracy ?? null,
      validationLoss: last?.validationLoss ?? null,
      validationAccuracy: last?.validationAccuracy ?? null,
    });
    this.events.state?.('running');
    for (epoch = 0; epoch < epochs; epoch++) {
      const epochStart = this.clock.now();
      const order = shuffledIndices(this.train.count, random);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let b = 0; b < perEpoch; b++) {
        await this.clock.yieldToHost();
        if (this.paused) await this.paused.promise;
        if (this.stopRequested) return outcome('stopped');
        const indices = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, this.train.count));
        const batch = tf.tidy(() => {
          const idx = tf.tensor1d(indices, 'int32');
          return [tf.gather(this.train.x, idx), tf.gather(this.train.targets, idx), tf.gather(this.train.labels, idx)];
        });
        const instrument = this.wantsFrame();
        this.stepping = true;
        const stepStart = this.clock.now();
        let result: StepResult;
        try {
          result = await this.trainStepAsync(batch[0], batch[1], batch[2], instrument, epoch);
        } finally {
          this.stepping = false;
        }
        this.frameBudget.record(this.clock.now() - stepStart, instrument);
        if (!Number.isFinite(result.loss)) {
          const found = await findNonFinite(tf, this.plan, batch[0], batch[1]);
          batch.forEach((t) => t.dispose());
          this.events.diagnostics?.([found]);
          return outcome('diverged');
        }
        batch.forEach((t) => t.dispose());
        if (result.frame) {
          this.lastFrameAt = this.clock.now();
          this.events.frame?.(result.frame);
        }
        lossSum += result.loss * indices.length;
        correctSum += result.correct;
        seen += indices.length;
        this.events.progress?.({
          epoch,
          epochs,
          step: this.stepCount,
          stepsPerEpoch: perEpoch,
          totalSteps: total,
          loss: lossSum / seen,
          accuracy: correctSum / seen,
          learningRate: this.learningRate(this.stepCount - 1),
          stepsPerSecond: (this.stepCount / Math.max(1e-9, this.clock.now() - this.startedAt)) * 1000,
        });
        if (this.paused) this.events.state?.('paused');
      }
      const validation = await this.evaluateValidationAsync();
      last = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        validationLoss: validation?.loss ?? null,
        validationAccuracy: validation?.accuracy ?? null,
        learningRate: this.learningRate(this.stepCount - 1),
        durationMs: this.clock.now() - epochStart,
      };
      this.events.epoch?.(last);
    }
    return outcome('completed');
  }

  /** The training split as tensors (the loss landscape slices the training loss). */
  get trainingData(): LabelledData {
    return this.train;
  }

  /** The validation split as tensors (evaluation extras reuse it). */
  get validationData(): LabelledData {
    return this.validation;
  }

  dispose(): void {
    this.optimizer.dispose();
    disposeData(this.train);
    disposeData(this.validation);
  }
}
