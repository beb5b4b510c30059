import type { EpochReport, ProgressReport, RunOutcome } from '../engine/trainer';
import type { Score } from '../engine/evaluate';
import type { Design } from '../graph/design';
import type { TrainSettingsInput } from '../schema/settings';
import type { StatsFrame } from '../schema/stats';
import type { EngineDiagnostic, LandscapeResult } from '../protocol/messages';

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

/** A loss landscape around the last run's weights: grid, coordinates and roughness (the protocol's reply without its envelope). */
export type LandscapeReport = Omit<LandscapeResult, 'v' | 'type' | 'requestId'>;

export interface LandscapeRequest {
  resolution: number;
  span: number;
  /** Seed of the two random directions. */
  seed: number;
  samples: number;
}

/**
 * What a lesson needs from the training engine: runs, residual block-drop and plain-net layer drop.
 * ProtocolLessonEngine provides it over the engine protocol, wherever the engine runs.
 */
export interface LessonEngine {
  train(request: TrainRequest, events?: TrainEvents): Promise<RunRecord>;
  /** Zero the branch of each residual Add (Veit et al. 2016), one set at a time, on the last run. */
  dropBlocks(sets?: string[][]): Promise<DropReport>;
  /** Take a chain of layers out of the last run's net: the node after `to` reads what `from` read. */
  skipLayers?(spans: { from: string; to: string }[]): Promise<DropReport>;
  /** The training loss on a filter-normalized 2-D slice around the last run's weights (Li et al. 2018). */
  landscape(request: LandscapeRequest): Promise<LandscapeReport>;
  /** Stops the run in progress, if any. */
  stop(): void;
  dispose(): void;
}
