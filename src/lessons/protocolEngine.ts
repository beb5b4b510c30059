import type { FromEngine } from '../protocol/messages';
import { PROTOCOL_VERSION } from '../protocol/messages';
import { request, type EngineLink } from '../protocol/request';
import { TrainSettings } from '../schema/settings';
import {
  StepLosses,
  type DropReport,
  type LandscapeReport,
  type LandscapeRequest,
  type LessonEngine,
  type RunRecord,
  type TrainEvents,
  type TrainRequest,
} from './engine';

export type { EngineLink } from '../protocol/request';

let counter = 0;

const withPrefix = (error: unknown): Error => new Error(`engine: ${error instanceof Error ? error.message : String(error)}`);

/**
 * A LessonEngine over the engine protocol: loadDesign + start, progress/metrics/statsFrame/done back,
 * dropBlocks for residual block-drop, skipLayers for the plain twin of lesson 10. The UI runs it over
 * its engine connection; the CLI and tests over an EngineSession in their own process.
 */
export class ProtocolLessonEngine implements LessonEngine {
  private currentRunId: string | null = null;

  /** `release` frees what the link holds (an in-process engine) when the lessons are done with it. */
  constructor(
    private readonly link: EngineLink,
    private readonly release: () => void = () => undefined,
  ) {}

  /** Resolves with the run's `done`; rejects on an engine error about the run. */
  private runEnd(runId: string, onMessage: (m: FromEngine) => void): Promise<FromEngine & { type: 'done' }> {
    return new Promise((resolve, reject) => {
      const unsubscribe = this.link.subscribe((m) => {
        onMessage(m);
        if (m.type === 'error' && (m.runId === runId || m.code === 'crash')) {
          unsubscribe();
          reject(new Error(`engine: ${m.message}`));
        } else if (m.type === 'done' && m.runId === runId) {
          unsubscribe();
          resolve(m);
        }
      });
    });
  }

  async train(req: TrainRequest, events: TrainEvents = {}): Promise<RunRecord> {
    const settings = TrainSettings.parse(req.settings);
    await request(this.link, { type: 'loadDesign', design: req.design }).catch((error: unknown) => {
      throw withPrefix(error);
    });
    const runId = `${req.runId}#${++counter}`;
    const record: RunRecord = {
      runId,
      outcome: { reason: 'stopped', epochs: 0, steps: 0, loss: null, accuracy: null, validationLoss: null, validationAccuracy: null },
      epochs: [],
      stepLosses: [],
      initFrame: null,
      lastFrame: null,
      diagnostics: [],
      wallMs: 0,
    };
    const losses = new StepLosses(record.stepLosses);
    let stopSent = false;
    const started = (globalThis as unknown as { performance: { now(): number } }).performance.now();
    const done = this.runEnd(runId, (m) => {
      if (m.type === 'progress' && m.runId === runId) {
        const { v: _v, type: _t, runId: _r, ...report } = m;
        losses.add(report);
        events.progress?.(report);
        if (req.maxSteps !== undefined && report.step >= req.maxSteps && !stopSent) {
          stopSent = true;
          this.link.send({ v: PROTOCOL_VERSION, type: 'stop', runId });
        }
      } else if (m.type === 'metrics' && m.runId === runId) {
        const { v: _v, type: _t, runId: _r, ...report } = m;
        record.epochs.push(report);
        events.epoch?.(report);
      } else if (m.type === 'statsFrame' && m.frame.runId === runId) {
        if (m.frame.step === 0) record.initFrame = m.frame;
        record.lastFrame = m.frame;
        events.frame?.(m.frame);
        this.link.send({ v: PROTOCOL_VERSION, type: 'statsAck', seq: m.seq });
      } else if (m.type === 'diagnostics' && m.runId === runId) {
        record.diagnostics.push(...m.diagnostics);
      }
    });
    this.currentRunId = runId;
    this.link.send({ v: PROTOCOL_VERSION, type: 'start', runId, settings });
    try {
      const { v: _v, type: _t, runId: _r, reason, ...outcome } = await done;
      if (reason === 'failed') throw new Error(`run "${req.runId}" failed in the engine`);
      record.outcome = { ...outcome, reason };
    } finally {
      this.currentRunId = null;
    }
    record.wallMs = (globalThis as unknown as { performance: { now(): number } }).performance.now() - started;
    // EngineSession posts `done` a moment before it marks the run finished; an in-process engine
    // would refuse the next loadDesign as "busy" without this turn of the event loop.
    await new Promise<void>((resolve) => (globalThis as unknown as { setTimeout(f: () => void, ms: number): unknown }).setTimeout(resolve, 0));
    return record;
  }

  async dropBlocks(sets?: string[][]): Promise<DropReport> {
    const { baseline, results } = await request(this.link, { type: 'dropBlocks', sets }).catch((error: unknown) => {
      throw withPrefix(error);
    });
    return { baseline, results };
  }

  async skipLayers(spans: { from: string; to: string }[]): Promise<DropReport> {
    const { baseline, results } = await request(this.link, { type: 'skipLayers', spans }).catch((error: unknown) => {
      throw withPrefix(error);
    });
    return { baseline, results };
  }

  async landscape(asked: LandscapeRequest): Promise<LandscapeReport> {
    const {
      v: _v,
      type: _t,
      requestId: _r,
      ...report
    } = await request(this.link, { type: 'lossLandscape', ...asked }).catch((error: unknown) => {
      throw withPrefix(error);
    });
    return report;
  }

  stop(): void {
    if (this.currentRunId) this.link.send({ v: PROTOCOL_VERSION, type: 'stop', runId: this.currentRunId });
  }

  dispose(): void {
    this.stop();
    this.release();
  }
}
