import { PROTOCOL_VERSION, type FromEngine, type FromEngineOf, type ToEngineInput } from '../protocol/messages';
import { TrainSettings } from '../protocol/settings';
import { StepLosses, type DropReport, type LessonEngine, type RunRecord, type TrainEvents, type TrainRequest } from './engine';

/** A line to an engine that speaks the protocol: the UI's engine connection, or an in-process EngineSession. */
export interface EngineLink {
  send(message: ToEngineInput): void;
  /** Messages the engine sends; others on the same line (e.g. grid predictions) are ignored. */
  subscribe(listener: (message: FromEngine | { type: string }) => void): () => void;
}

const KNOWN = new Set<string>(['ready', 'designLoaded', 'state', 'progress', 'metrics', 'statsFrame', 'diagnostics', 'evaluation', 'blockDrop', 'layersSkipped', 'weights', 'error', 'done']);

function isFromEngine(message: FromEngine | { type: string }): message is FromEngine {
  return KNOWN.has(message.type);
}

let counter = 0;

/**
 * A LessonEngine over the engine protocol: loadDesign + start, progress/metrics/statsFrame/done back,
 * dropBlocks for residual block-drop, skipLayers for the plain twin of lesson 10.
 */
export class ProtocolLessonEngine implements LessonEngine {
  private currentRunId: string | null = null;

  constructor(private readonly link: EngineLink) {}

  /** Resolves with the first message `pick` accepts; rejects on an engine error about `about`. */
  private waitFor<T>(pick: (m: FromEngine) => T | undefined, about: (m: FromEngineOf<'error'>) => boolean, onMessage?: (m: FromEngine) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = this.link.subscribe((raw) => {
        if (!isFromEngine(raw)) return;
        onMessage?.(raw);
        if (raw.type === 'error' && about(raw)) {
          unsubscribe();
          reject(new Error(`engine: ${raw.message}`));
          return;
        }
        const picked = pick(raw);
        if (picked !== undefined) {
          unsubscribe();
          resolve(picked);
        }
      });
    });
  }

  async train(request: TrainRequest, events: TrainEvents = {}): Promise<RunRecord> {
    const settings = TrainSettings.parse(request.settings);
    const loaded = this.waitFor((m) => (m.type === 'designLoaded' ? m : undefined), (e) => e.inReplyTo === 'loadDesign');
    this.link.send({ v: PROTOCOL_VERSION, type: 'loadDesign', design: request.design });
    await loaded;
    const runId = `${request.runId}#${++counter}`;
    const record: RunRecord = { runId, outcome: { reason: 'stopped', epochs: 0, steps: 0, loss: null, accuracy: null, validationLoss: null, validationAccuracy: null }, epochs: [], stepLosses: [], initFrame: null, lastFrame: null, diagnostics: [], wallMs: 0 };
    const losses = new StepLosses(record.stepLosses);
    let stopSent = false;
    const started = (globalThis as unknown as { performance: { now(): number } }).performance.now();
    const done = this.waitFor(
      (m) => (m.type === 'done' && m.runId === runId ? m : undefined),
      (e) => e.runId === runId || (e.inReplyTo === 'start' && e.runId === undefined),
      (m) => {
        if (m.type === 'progress' && m.runId === runId) {
          const { v: _v, type: _t, runId: _r, ...report } = m;
          losses.add(report);
          events.progress?.(report);
          if (request.maxSteps !== undefined && report.step >= request.maxSteps && !stopSent) {
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
      },
    );
    this.currentRunId = runId;
    this.link.send({ v: PROTOCOL_VERSION, type: 'start', runId, settings });
    try {
      const { v: _v, type: _t, runId: _r, reason, ...outcome } = await done;
      if (reason === 'failed') throw new Error(`run "${request.runId}" failed in the engine`);
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
    const requestId = `lesson-drop-${++counter}`;
    const reply = this.waitFor((m) => (m.type === 'blockDrop' && m.requestId === requestId ? m : undefined), (e) => e.inReplyTo === 'dropBlocks');
    this.link.send({ v: PROTOCOL_VERSION, type: 'dropBlocks', requestId, sets });
    const { baseline, results } = await reply;
    return { baseline, results };
  }

  async skipLayers(spans: { from: string; to: string }[]): Promise<DropReport> {
    const requestId = `lesson-skip-${++counter}`;
    const reply = this.waitFor((m) => (m.type === 'layersSkipped' && m.requestId === requestId ? m : undefined), (e) => e.inReplyTo === 'skipLayers');
    this.link.send({ v: PROTOCOL_VERSION, type: 'skipLayers', requestId, spans });
    const { baseline, results } = await reply;
    return { baseline, results };
  }

  stop(): void {
    if (this.currentRunId) this.link.send({ v: PROTOCOL_VERSION, type: 'stop', runId: this.currentRunId });
  }

  dispose(): void {
    this.stop();
  }
}
