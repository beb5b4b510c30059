import type * as tfNamespace from '@tensorflow/tfjs';
import { compileDesign, CompileError, type CompiledDesign } from '../compile/toTfjs';
import type { Design } from '../graph/design';
import { parseToEngine, PROTOCOL_VERSION, type BackendReport, type ErrorCode, type FromEngine, type ToEngine } from '../protocol/messages';
import { StatsCoalescer } from '../protocol/coalescer';
import type { TrainSettings } from '../schema/settings';
import { checkDatasetFitsDesign, fitDesignToDataset, loadDataset, DatasetError, type Dataset, type DatasetSources } from './datasets';
import { buildPlan, type Plan } from './plan/plan';
import { seedKernels } from './initialize';
import { defaultClock, Trainer, type TrainerClock } from './trainer';
import { blockDrop, evaluatePlanAsync, skipLayers } from './evaluate';
import { compiledArtifacts } from '../compile/artifacts';
import { checkResources, type ResourceContext } from '../compile/resources';
import { validateDesign } from '../graph/validate';
import { gridInputProblem, predictOnGrid } from './gridPrediction';
import { lossLandscape, LandscapeStopped } from './landscape';

type Tf = typeof tfNamespace;

export interface SessionHost {
  /** Delivers a message to the UI (postMessage, port.postMessage, a callback in tests and the CLI). */
  post(message: FromEngine): void;
  backend: BackendReport;
  clock?: TrainerClock;
  datasetSources?: DatasetSources;
  /**
   * Unacknowledged stats frames allowed before frames are merged instead of sent (consumers answer
   * with `statsAck`). Infinity for consumers that never fall behind, such as the CLI.
   */
  statsMaxInFlight?: number;
  /** The machine's memory (os.totalmem()), which bounds native backends; browsers cannot tell. */
  machineBytes?: number;
  /**
   * Least time between two stats frames (100 ms) and two progress reports (50 ms) sent. A consumer in
   * this process that measures from every step (the lessons) sets both to 0.
   */
  statsIntervalMs?: number;
  progressIntervalMs?: number;
  setTimer?(callback: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
}

interface ActiveRun {
  runId: string;
  trainer: Trainer;
  compiled: CompiledDesign;
  plan: Plan;
  finished: Promise<void>;
  done: boolean;
  state: 'running' | 'paused';
}

const PROGRESS_INTERVAL_MS = 50;
const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };

/**
 * Failures after which this engine's memory cannot be trusted: the wasm heap out of bounds or out
 * of memory, an Emscripten abort, a typed array too large to allocate. The host must replace the
 * engine (a fresh worker, fresh wasm memory), so they are reported as 'crash', never as a design error.
 */
export function isFatalEngineError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return /memory access out of bounds|out of memory|Aborted\(|RuntimeError|Invalid typed array length|Array buffer allocation failed/i.test(text);
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A fatal failure as the user should read it: the wasm heap's traps and failed allocations are the
 * engine running out of memory, whatever words the runtime used.
 */
export function fatalEngineErrorText(error: unknown): string {
  // Emscripten's advice to rebuild with assertions is for the library's developers, not for users.
  const text = errorText(error)
    .replace(/\.?\s*Build with -sASSERTIONS for more info\.?/, '')
    .trim();
  if (/memory access out of bounds|out of memory|Array buffer allocation failed|Invalid typed array length/i.test(text))
    return `the engine ran out of memory (${text})`;
  // A release wasm build aborts without a reason; on a training step that is almost always a failed allocation.
  if (/^Aborted\(/.test(text)) return `the engine's WebAssembly runtime aborted, most likely out of memory (${text})`;
  return `the engine failed: ${text}`;
}

/** The request id of a message too malformed to parse, when it has a readable one, so its sender hears of it. */
function requestIdOf(raw: unknown): string | undefined {
  const id = typeof raw === 'object' && raw !== null ? (raw as { requestId?: unknown }).requestId : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}

class EngineRequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a request whose failures are the requester's (unknown ids, mismatched shapes): a bad-message reply naming them. */
async function asBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new EngineRequestError('bad-message', error instanceof Error ? error.message : String(error));
  }
}

/**
 * The engine behind the protocol, free of any host: the desktop's worker thread, a browser Web Worker
 * and the CLI's in-process link each create one, pass every incoming message to `handle`, and forward what
 * it posts. Bad messages get error replies; nothing a message says can crash the engine.
 */
export class EngineSession {
  private design: Design | null = null;
  private run: ActiveRun | null = null;
  private readonly clock: TrainerClock;
  private readonly coalescer: StatsCoalescer;

  constructor(
    private readonly tf: Tf,
    private readonly host: SessionHost,
  ) {
    this.clock = host.clock ?? defaultClock;
    this.coalescer = new StatsCoalescer((frame, seq) => this.post({ v: PROTOCOL_VERSION, type: 'statsFrame', seq, frame }), {
      intervalMs: host.statsIntervalMs ?? 100,
      maxInFlight: host.statsMaxInFlight ?? 2,
      now: () => this.clock.now(),
      setTimer: host.setTimer ?? ((callback, ms) => timers.setTimeout(callback, ms)),
      clearTimer: host.clearTimer ?? ((handle) => timers.clearTimeout(handle)),
    });
  }

  /** Announces the engine and its backend; hosts call this once the backend is chosen. */
  announce(): void {
    this.post({ v: PROTOCOL_VERSION, type: 'ready', backend: this.host.backend });
  }

  /** Resolves when the current run, if any, has finished (tests and the CLI wait on it). */
  async idle(): Promise<void> {
    await this.run?.finished;
  }

  async handle(raw: unknown): Promise<void> {
    const parsed = parseToEngine(raw);
    if (!parsed.ok) {
      this.post({ v: PROTOCOL_VERSION, type: 'error', code: parsed.code, message: parsed.message, inReplyTo: parsed.inReplyTo, requestId: requestIdOf(raw) });
      return;
    }
    const message = parsed.message;
    try {
      await this.dispatch(message);
    } catch (error) {
      const fatal = isFatalEngineError(error);
      const code: ErrorCode = fatal
        ? 'crash'
        : error instanceof EngineRequestError
          ? error.code
          : error instanceof CompileError
            ? 'design'
            : error instanceof DatasetError
              ? 'dataset'
              : 'internal';
      this.post({
        v: PROTOCOL_VERSION,
        type: 'error',
        code,
        message: fatal ? fatalEngineErrorText(error) : errorText(error),
        inReplyTo: message.type,
        runId: 'runId' in message ? message.runId : undefined,
        requestId: 'requestId' in message && message.requestId ? message.requestId : undefined,
      });
    }
  }

  private landscapeStop = false;
  private landscapeBusy = false;

  private async landscape(message: Extract<ToEngine, { type: 'lossLandscape' }>): Promise<void> {
    const run = this.lastRun();
    // The slice moves the weights the run is training: only between runs.
    if (!run.done) throw new EngineRequestError('busy', 'a run is in progress; the loss landscape needs the trained weights, so wait for the run to end');
    if (this.landscapeBusy) throw new EngineRequestError('busy', 'a loss landscape is already being computed');
    const train = run.trainer.trainingData;
    const samples = Math.min(message.samples, train.count);
    const data = {
      x: this.tf.slice(train.x, 0, samples),
      targets: this.tf.slice(train.targets, 0, samples),
      labels: this.tf.slice(train.labels, 0, samples),
      count: samples,
    };
    this.landscapeBusy = true;
    this.landscapeStop = false;
    try {
      const result = await lossLandscape(this.tf, run.plan, data, 256, message, {
        onProgress: (done) => this.post({ v: PROTOCOL_VERSION, type: 'landscapeProgress', requestId: message.requestId, done }),
        shouldStop: () => this.landscapeStop,
      });
      this.post({ v: PROTOCOL_VERSION, type: 'landscape', requestId: message.requestId, ...result, samples });
    } catch (error) {
      if (error instanceof LandscapeStopped) throw new EngineRequestError('stopped', 'the loss landscape was stopped');
      throw error;
    } finally {
      this.landscapeBusy = false;
      this.tf.dispose([data.x, data.targets, data.labels]);
    }
  }

  private post(message: FromEngine): void {
    this.host.post(message);
  }

  private runFor(runId: string): ActiveRun {
    if (!this.run || this.run.runId !== runId || this.run.done) throw new EngineRequestError('no-run', `there is no active run "${runId}"`);
    return this.run;
  }

  private lastRun(): ActiveRun {
    if (!this.run) throw new EngineRequestError('no-run', 'nothing has been trained yet: start a run first');
    return this.run;
  }

  private async dispatch(message: ToEngine): Promise<void> {
    switch (message.type) {
      case 'hello': {
        const run = this.run && !this.run.done ? { runId: this.run.runId, state: this.run.state } : null;
        this.post({ v: PROTOCOL_VERSION, type: 'engineState', requestId: message.requestId, backend: this.host.backend, run });
        return;
      }
      case 'loadDesign': {
        if (this.run && !this.run.done) throw new EngineRequestError('busy', 'a run is in progress; stop it before loading another design');
        if (this.landscapeBusy)
          throw new EngineRequestError('busy', 'a loss landscape is being computed on the last run; stop it before loading another design');
        this.refuseOversized(message.design, { purpose: 'export' });
        const compiled = compileDesign(message.design, this.tf);
        const plan = buildPlan(compiled);
        const parameterCount = compiled.countParams();
        compiled.dispose();
        this.design = message.design;
        this.post({
          v: PROTOCOL_VERSION,
          type: 'designLoaded',
          requestId: message.requestId,
          nodeCount: plan.nodes.length,
          parameterCount,
          weightIds: plan.weights.map((w) => w.id),
        });
        return;
      }
      case 'start':
        return this.start(message.runId, message.settings);
      case 'pause':
        this.runFor(message.runId).trainer.pause();
        return;
      case 'resume':
        this.runFor(message.runId).trainer.resume();
        return;
      case 'stop':
        this.runFor(message.runId).trainer.stop();
        return;
      case 'statsAck':
        this.coalescer.ack(message.seq);
        return;
      case 'evaluate': {
        const run = this.lastRun();
        const score = await evaluatePlanAsync(this.tf, run.plan, run.trainer.validationData, 256);
        this.post({
          v: PROTOCOL_VERSION,
          type: 'evaluation',
          requestId: message.requestId,
          loss: score.loss,
          accuracy: score.accuracy,
          count: run.trainer.validationData.count,
        });
        return;
      }
      case 'dropBlocks': {
        const run = this.lastRun();
        const outcome = await asBadRequest(() => blockDrop(this.tf, run.plan, run.trainer.validationData, 256, message.sets));
        this.post({ v: PROTOCOL_VERSION, type: 'blockDrop', requestId: message.requestId, baseline: outcome.baseline, results: outcome.results });
        return;
      }
      case 'skipLayers': {
        const run = this.lastRun();
        const outcome = await asBadRequest(() => skipLayers(this.tf, run.plan, run.trainer.validationData, 256, message.spans));
        this.post({ v: PROTOCOL_VERSION, type: 'layersSkipped', requestId: message.requestId, baseline: outcome.baseline, results: outcome.results });
        return;
      }
      case 'lossLandscape':
        return this.landscape(message);
      case 'stopLandscape':
        this.landscapeStop = true;
        return;
      case 'predictGrid': {
        const run = this.lastRun();
        const problem = gridInputProblem(run.plan);
        if (problem) throw new EngineRequestError('design', problem);
        const grid = await predictOnGrid(this.tf, run.plan, message.bounds, message.resolution);
        this.post({
          v: PROTOCOL_VERSION,
          type: 'gridPrediction',
          requestId: message.requestId,
          bounds: message.bounds,
          resolution: message.resolution,
          ...grid,
        });
        return;
      }
      case 'exportWeights': {
        const run = this.lastRun();
        const artifacts = await compiledArtifacts(run.compiled, this.tf);
        this.post({
          v: PROTOCOL_VERSION,
          type: 'weights',
          requestId: message.requestId,
          modelTopology: artifacts.topology,
          weightSpecs: artifacts.specs.map((s) => ({ ...s })),
          weightData: new Uint8Array(artifacts.weightData),
        });
        return;
      }
    }
  }

  /** Refuses, before anything is allocated, a design whose tensors cannot fit this backend. */
  private refuseOversized(design: Design, context: ResourceContext): void {
    const validation = validateDesign(design);
    if (!validation.valid) return; // compileDesign reports these
    const problems = checkResources(design, validation.nodeShapes, { ...context, backend: this.host.backend.active, machineBytes: this.host.machineBytes });
    if (problems.length) throw new EngineRequestError('design', problems.map((p) => p.message).join('; '));
  }

  private async start(runId: string, settings: TrainSettings): Promise<void> {
    if (this.run && !this.run.done) throw new EngineRequestError('busy', `run "${this.run.runId}" is in progress; stop it first`);
    if (!this.design) throw new EngineRequestError('no-design', 'load a design before starting a run');
    const dataset: Dataset = await loadDataset(settings.dataset, this.host.datasetSources);
    let design = this.design;
    const problems = checkDatasetFitsDesign(dataset, design);
    if (problems.length) {
      const fixable = problems.every((p) => p.fixable);
      if (!settings.fitDesignToDataset || !fixable) {
        this.post({
          v: PROTOCOL_VERSION,
          type: 'diagnostics',
          runId,
          diagnostics: problems.map((p) => ({
            code: 'dataset-mismatch',
            severity: 'error',
            message: p.message,
            nodeId: p.nodeId,
            fix: p.fixable ? 'fit-design-to-dataset' : undefined,
          })),
        });
        throw new EngineRequestError(
          'dataset-mismatch',
          problems.map((p) => p.message).join('; ') + (fixable ? ' (start with fitDesignToDataset to apply the fix)' : ''),
        );
      }
      design = fitDesignToDataset(design, dataset);
    }

    this.refuseOversized(design, {
      purpose: 'train',
      run: {
        batchSize: settings.batchSize,
        optimizer: settings.optimizer.name,
        samples: dataset.train.count + dataset.validation.count,
        // Validation runs 256 samples at a time, or the whole set when it is smaller.
        evaluationBatch: Math.min(256, dataset.validation.count),
      },
    });
    this.run?.trainer.dispose();
    this.run?.compiled.dispose();
    this.run = null;
    const compiled = compileDesign(design, this.tf);
    const plan = buildPlan(compiled);
    seedKernels(this.tf, plan, compiled.graph, settings.seed);
    let lastProgressAt = -Infinity;
    const trainer = new Trainer(
      this.tf,
      plan,
      dataset,
      settings,
      runId,
      {
        progress: (p) => {
          const now = this.clock.now();
          if (now - lastProgressAt < (this.host.progressIntervalMs ?? PROGRESS_INTERVAL_MS) && p.step !== p.totalSteps) return;
          lastProgressAt = now;
          this.post({ v: PROTOCOL_VERSION, type: 'progress', runId, ...p });
        },
        epoch: (e) => this.post({ v: PROTOCOL_VERSION, type: 'metrics', runId, ...e }),
        frame: (f) => this.coalescer.push(f),
        diagnostics: (d) => this.post({ v: PROTOCOL_VERSION, type: 'diagnostics', runId, diagnostics: d }),
        state: (state) => {
          if (this.run?.runId === runId) this.run.state = state;
          this.post({ v: PROTOCOL_VERSION, type: 'state', runId, state });
        },
      },
      this.clock,
    );
    const run: ActiveRun = { runId, trainer, compiled, plan, finished: Promise.resolve(), done: false, state: 'running' };
    this.run = run;
    run.finished = trainer
      .run()
      .then((outcome) => {
        this.coalescer.flush();
        // Marked before `done` is posted: a host that answers `done` with loadDesign must not be told "busy".
        run.done = true;
        this.post({ v: PROTOCOL_VERSION, type: 'done', runId, ...outcome });
      })
      .catch((error: unknown) => {
        run.done = true;
        const fatal = isFatalEngineError(error);
        this.post({
          v: PROTOCOL_VERSION,
          type: 'error',
          code: fatal ? 'crash' : 'internal',
          runId,
          message: fatal ? fatalEngineErrorText(error) : errorText(error),
        });
        this.post({
          v: PROTOCOL_VERSION,
          type: 'done',
          runId,
          reason: 'failed',
          epochs: 0,
          steps: trainer.steps,
          loss: null,
          accuracy: null,
          validationLoss: null,
          validationAccuracy: null,
        });
      })
      .finally(() => {
        run.done = true;
      });
  }

  /**
   * Stops the run, if any, and frees the last run's weights and data once it has ended. The session
   * stays usable: a later loadDesign and start work as on a fresh one.
   */
  dispose(): void {
    const run = this.run;
    this.run = null;
    this.coalescer.dispose();
    if (!run) return;
    const release = (): void => {
      run.trainer.dispose();
      run.compiled.dispose();
    };
    if (run.done) release();
    else {
      run.trainer.stop();
      void run.finished.then(release);
    }
  }
}
