import type * as tfNamespace from '@tensorflow/tfjs';
import { compileDesign, type CompiledDesign } from '../compile/toTfjs';
import type { Design } from '../graph/design';
import { checkDatasetFitsDesign, fitDesignToDataset, loadDataset } from '../engine/datasets';
import { buildPlan, type Plan } from '../engine/plan/plan';
import { seedKernels } from '../engine/initialize';
import { defaultClock, Trainer, type EpochReport, type ProgressReport, type RunOutcome } from '../engine/trainer';
import { blockDrop, skipLayers, type BlockDropOutcome, type Score } from '../engine/evaluate';
import { TrainSettings, type TrainSettingsInput } from '../protocol/settings';
import type { StatsFrame } from '../protocol/stats';
import type { EngineDiagnostic } from '../protocol/messages';

type Tf = typeof tfNamespace;

export interface TrainEvents {
  progress?(report: ProgressReport): void;
  epoch?(report: EpochReport): void;
  frame?(frame: StatsFrame): void;
}

export interface TrainRequest {
  runId: string;
  design: Design;
  settings: TrainSettingsInput;
  /** Stop after this many optimizer steps (1: just the step-0 frame, measured at initialization). */
  maxSteps?: number;
}

export interface RunRecord {
  runId: string;
  outcome: RunOutcome;
  /** One entry per completed epoch. */
  epochs: EpochReport[];
  /** Loss of each optimizer step, in order. */
  stepLosses: number[];
  /** The step-0 frame: activations and gradients at initialization. */
  initFrame: StatsFrame | null;
  /** The last frame received (runs whose settings switch instrumentation on). */
  lastFrame: StatsFrame | null;
  diagnostics: EngineDiagnostic[];
  wallMs: number;
}

/**
 * Per-step losses recovered from progress reports, which carry the running mean of the epoch so far.
 * Reports may skip steps (the protocol throttles them); each step of a skipped span gets the span's
 * mean, which is exact on average.
 */
export class StepLosses {
  private epoch = -1;
  private step = 0;
  private sum = 0;

  constructor(private readonly into: number[]) {}

  add(p: { epoch: number; step: number; stepsPerEpoch: number; loss: number }): void {
    if (p.epoch !== this.epoch) {
      this.epoch = p.epoch;
      this.step = p.epoch * p.stepsPerEpoch;
      this.sum = 0;
    }
    const span = p.step - this.step;
    if (span <= 0) return;
    const seen = p.step - p.epoch * p.stepsPerEpoch;
    const sum = p.loss * seen;
    const mean = (sum - this.sum) / span;
    for (let i = 0; i < span; i++) this.into.push(mean);
    this.step = p.step;
    this.sum = sum;
  }
}

/** A dropped-layer evaluation: for each set, the ids of the layers taken out and the score without them. */
export interface DropReport {
  baseline: Score;
  results: { dropped: string[]; loss: number; accuracy: number }[];
}

/**
 * What a lesson needs from the training engine. The protocol (src/protocol/messages.ts) covers
 * training, frames and residual block-drop, but not two things lesson 10 needs: taking a layer out
 * of a plain net (the protocol's dropBlocks only zeroes residual branches) and per-node activation
 * norms of the trained weights in inference mode. So lessons run on this small adapter over the
 * engine's public parts (Trainer, plan, evaluate) instead of on EngineSession.
 */
export interface LessonEngine {
  train(request: TrainRequest, events?: TrainEvents): Promise<RunRecord>;
  /** Zero the branch of each residual Add (Veit et al. 2016), one set at a time, on the last run. */
  dropBlocks(sets?: string[][]): Promise<DropReport>;
  /**
   * Take a chain of layers out of the last run's net: the node after `to` reads what `from` read.
   * Undefined where the engine cannot (the protocol has no such message).
   */
  skipLayers?(spans: { from: string; to: string }[]): Promise<DropReport>;
  /** Stops the run in progress, if any. */
  stop(): void;
  dispose(): void;
}

interface LastRun {
  trainer: Trainer;
  compiled: CompiledDesign;
  plan: Plan;
}

/** The in-process LessonEngine: the CLI, the tests and a browser worker each run one with their tf.js. */
export class LocalLessonEngine implements LessonEngine {
  private last: LastRun | null = null;
  private current: Trainer | null = null;

  constructor(private readonly tf: Tf) {}

  async train(request: TrainRequest, events: TrainEvents = {}): Promise<RunRecord> {
    const tf = this.tf;
    const settings = TrainSettings.parse(request.settings);
    const dataset = await loadDataset(settings.dataset);
    let design = request.design;
    const problems = checkDatasetFitsDesign(dataset, design);
    if (problems.length) {
      if (!settings.fitDesignToDataset || !problems.every((p) => p.fixable)) throw new Error(`lesson design "${design.metadata.name}" does not fit its dataset: ${problems.map((p) => p.message).join('; ')}`);
      design = fitDesignToDataset(design, dataset);
    }
    this.release();
    const compiled = compileDesign(design, tf);
    const plan = buildPlan(compiled);
    seedKernels(tf, plan, compiled.graph, settings.seed);
    const record: RunRecord = { runId: request.runId, outcome: { reason: 'stopped', epochs: 0, steps: 0, loss: null, accuracy: null, validationLoss: null, validationAccuracy: null }, epochs: [], stepLosses: [], initFrame: null, lastFrame: null, diagnostics: [], wallMs: 0 };
    const losses = new StepLosses(record.stepLosses);
    const trainer = new Trainer(tf, plan, dataset, settings, request.runId, {
      progress: (p) => {
        losses.add(p);
        events.progress?.(p);
        if (request.maxSteps !== undefined && p.step >= request.maxSteps) trainer.stop();
      },
      epoch: (e) => {
        record.epochs.push(e);
        events.epoch?.(e);
      },
      frame: (f) => {
        if (f.step === 0) record.initFrame = f;
        record.lastFrame = f;
        events.frame?.(f);
      },
      diagnostics: (d) => record.diagnostics.push(...d),
    }, defaultClock);
    this.last = { trainer, compiled, plan };
    this.current = trainer;
    const started = defaultClock.now();
    try {
      record.outcome = await trainer.run();
    } finally {
      this.current = null;
    }
    record.wallMs = defaultClock.now() - started;
    return record;
  }

  private lastRun(): LastRun {
    if (!this.last) throw new Error('nothing has been trained yet: train a design first');
    return this.last;
  }

  async dropBlocks(sets?: string[][]): Promise<DropReport> {
    const run = this.lastRun();
    const outcome: BlockDropOutcome = blockDrop(this.tf, run.plan, run.trainer.validationData, 256, sets);
    return outcome;
  }

  async skipLayers(spans: { from: string; to: string }[]): Promise<DropReport> {
    const run = this.lastRun();
    return skipLayers(this.tf, run.plan, run.trainer.validationData, 256, spans);
  }

  stop(): void {
    this.current?.stop();
  }

  private release(): void {
    this.last?.trainer.dispose();
    this.last?.compiled.dispose();
    this.last = null;
  }

  dispose(): void {
    this.stop();
    this.release();
  }
}
