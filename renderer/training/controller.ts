import type { GridBounds, GridPrediction } from '../../src/protocol/boundary';
import type { FromEngineOf } from '../../src/protocol/messages';
import { answersRequest, EngineReplyError, request } from '../../src/protocol/request';
import { describeBackend } from '../../src/engine/backends/select';
import { designKind } from '../../src/engine/backends/threadChoice';
import { getEngine, type EngineConnection, type EngineMessage } from '../engine';
import { appStore } from '../store/store';
import type { RunOutcome } from '../store/trainingSlice';
import { statsStore } from '../overlay/statsStore';
import { validationStore } from '../store/validation';
import { depthProfile } from '../overlay/display';
import { buildSettings, runLabel } from './settings';
import { landscapeBusy, landscapeProgress } from './landscapeController';

/**
 * Connects the engine to the stores: engine messages become slice updates (low rate) or stats-store
 * frames (high rate), and the panel's buttons become protocol messages. One per page.
 */
let engine: EngineConnection | null = null;

const ERROR_HINTS: Record<string, string> = {
  'dataset-mismatch': 'Tick "Fit design to dataset", or change the Input shape and Output units to match the dataset.',
  design: 'Fix the items listed under Problems, then press Train again.',
  dataset: 'Check the dataset: for a CSV, choose another file or label column.',
  crash: 'The engine was restarted; press Train to try again. If it crashes again, lower the batch size or the dataset size.',
  busy: 'Stop the current run first.',
  internal: 'Press Train to try again; if it repeats, restart the engine.',
};

const DONE_TEXT: Record<RunOutcome['reason'], string> = { completed: 'Done', stopped: 'Stopped', diverged: 'Diverged', failed: 'Failed' };

function percent(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`;
}
function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toPrecision(3);
}

export function outcomeText(o: RunOutcome): string {
  const base = `${DONE_TEXT[o.reason]} after ${o.epochs} epoch${o.epochs === 1 ? '' : 's'} · loss ${num(o.loss)} · accuracy ${percent(o.accuracy)}`;
  const validation = o.validationLoss !== null ? ` · validation loss ${num(o.validationLoss)}, accuracy ${percent(o.validationAccuracy)}` : '';
  const hint =
    o.reason === 'diverged' ? ' — the loss became NaN or infinite: lower the learning rate (try ÷10), add normalization, or use residual blocks.' : '';
  return base + validation + hint;
}

function handle(message: EngineMessage): void {
  const s = appStore.getState();
  const active = s.activeRunId;
  switch (message.type) {
    case 'ready':
      s.setBackend(message.backend, 'ready');
      return;
    case 'state':
      s.runState(message.runId, message.state);
      return;
    case 'progress':
      s.runProgress(message.runId, {
        epoch: message.epoch,
        epochs: message.epochs,
        step: message.step,
        stepsPerEpoch: message.stepsPerEpoch,
        totalSteps: message.totalSteps,
        loss: message.loss,
        accuracy: message.accuracy,
        learningRate: message.learningRate,
        stepsPerSecond: message.stepsPerSecond,
      });
      return;
    case 'metrics':
      s.runEpoch(message.runId, {
        epoch: message.epoch,
        loss: message.loss,
        accuracy: message.accuracy,
        validationLoss: message.validationLoss,
        validationAccuracy: message.validationAccuracy,
      });
      return;
    case 'statsFrame':
      statsStore.push(message.frame, message.seq);
      return;
    case 'diagnostics': {
      s.setEngineDiagnostics(message.diagnostics);
      const nonFinite = message.diagnostics.find((d) => d.code === 'non-finite');
      if (nonFinite)
        s.setTrainingMessage({
          text: `${nonFinite.message} — lower the learning rate or add normalization; the node is flagged on the canvas in overlay mode.`,
          tone: 'error',
        });
      return;
    }
    case 'done': {
      s.runDone(message.runId, message);
      snapshotProfile(message.runId);
      if (message.runId === active)
        s.setTrainingMessage({ text: outcomeText(message), tone: message.reason === 'completed' || message.reason === 'stopped' ? 'info' : 'error' });
      return;
    }
    case 'error':
      onError(message);
      return;
    case 'engineState':
      // The engine outlived the page (a reload on the desktop): a run it still holds cannot be shown here, so end it.
      if (message.run && message.run.runId !== active && engine) {
        engine.send({ type: 'stop', runId: message.run.runId });
        s.setTrainingMessage({ text: 'Stopped the run that was training before the page reloaded.', tone: 'info' });
      }
      return;
    case 'landscapeProgress':
      landscapeProgress(message.done);
      return;
    // Replies to requests: request() hands each to its caller.
    case 'landscape':
    case 'designLoaded':
    case 'blockDrop':
    case 'gridPrediction':
    case 'evaluation':
    case 'layersSkipped':
    case 'weights':
      return;
  }
}

/**
 * The engine refuses a design also for reasons Problems does not list (it checks memory at the
 * run's own batch size and backend, Problems at the default ones): then pointing at Problems
 * would send the user to an empty list.
 */
const DESIGN_HINT_WITHOUT_PROBLEMS =
  'Problems lists nothing for this design at its default settings: change what the message names (for memory, a smaller batch or a narrower design), then press Train again.';

function failureText(code: string, message: string): string {
  const problemsListed = validationStore.getState().result.diagnostics.some((d) => d.severity === 'error');
  const hint = code === 'design' && !problemsListed ? DESIGN_HINT_WITHOUT_PROBLEMS : (ERROR_HINTS[code] ?? '');
  return `Training failed: ${message}${hint ? ` — ${hint}` : ''}`;
}

/** Errors no request() is waiting for: about a run, or from the engine itself. */
function onError(message: FromEngineOf<'error'>): void {
  if (answersRequest(message)) return;
  const s = appStore.getState();
  if (message.inReplyTo === 'start') s.setRunPhase('idle');
  s.setTrainingMessage({ text: failureText(message.code, message.message), tone: 'error' });
}

function snapshotProfile(runId: string): void {
  const frame = statsStore.frames().at(-1);
  const layout = statsStore.layout();
  if (!frame || frame.runId !== runId || !layout) return;
  const p = depthProfile(frame, layout);
  appStore.getState().runProfile(runId, { activationStd: p.activationStd, gradientRms: p.gradientRms });
}

/** Starts the engine and wires it to the stores; idempotent. */
export function connectTraining(connection: EngineConnection = getEngine()): EngineConnection {
  if (engine === connection) return connection;
  engine = connection;
  connection.subscribe(handle);
  // The crash being recovered from, told again once the fresh engine is up so the line says it was restarted.
  let recovering: string | null = null;
  connection.onStatus((status) => {
    const s = appStore.getState();
    if (status.state === 'ready') {
      s.setBackend(status.backend, 'ready');
      if (recovering) {
        const advice = /memory/i.test(recovering) ? ' If it happens again, make the design smaller or lower the batch size.' : '';
        s.setTrainingMessage({ text: `${recovering} — the engine was restarted; press Train to try again.${advice}`, tone: 'error' });
      }
      recovering = null;
      return;
    }
    if (status.state === 'starting') {
      s.setBackend(null, 'starting');
      return;
    }
    s.setBackend(null, 'crashed');
    if (s.activeRunId && s.runPhase !== 'idle')
      s.runDone(s.activeRunId, {
        reason: 'failed',
        epochs: s.progress?.epoch ?? 0,
        steps: s.progress?.step ?? 0,
        loss: null,
        accuracy: null,
        validationLoss: null,
        validationAccuracy: null,
      });
    s.setBlockDropPending(false);
    const cause = `The training engine crashed: ${status.message}`;
    recovering = status.restarting ? cause : null;
    s.setTrainingMessage({
      text: `${cause} — ${status.restarting ? 'restarting the engine…' : 'it crashed repeatedly; press Restart engine, and lower the batch size or dataset size.'}`,
      tone: 'error',
    });
  });
  if (connection.status.state === 'ready') appStore.getState().setBackend(connection.status.backend, 'ready');
  statsStore.onAck((seq) => connection.send({ type: 'statsAck', seq }));
  statsStore.setDesign(appStore.getState().design);
  statsStore.setMode(appStore.getState().overlayMode);
  // The engine's wasm thread count follows the open design's kind (threadChoice.ts) while that costs
  // nothing: before it holds a trained model. Otherwise Train switches it (startTraining).
  connection.suitDesign?.(designKind(appStore.getState().design), { keepModel: true });
  appStore.subscribe((state, previous) => {
    if (state.design !== previous.design) {
      statsStore.setDesign(state.design);
      if (state.runPhase === 'idle') connection.suitDesign?.(designKind(state.design), { keepModel: true });
    }
    if (state.overlayMode !== previous.overlayMode) statsStore.setMode(state.overlayMode);
  });
  return connection;
}

export function requireEngine(): EngineConnection {
  return engine ?? connectTraining();
}

export function backendText(): string {
  const b = appStore.getState().backend;
  return b ? describeBackend(b) : '';
}

export async function startTraining(): Promise<void> {
  const s = appStore.getState();
  if (s.runPhase !== 'idle') return;
  // The slice moves the weights a new run would replace.
  if (landscapeBusy()) {
    s.setTrainingMessage({ text: 'The loss landscape is being computed; stop it (or let it finish) before training again.', tone: 'error' });
    return;
  }
  const connection = requireEngine();
  const design = s.design;
  const built = buildSettings(s.trainingForm, design);
  if (!built.ok) {
    s.setTrainingMessage({ text: built.error, tone: 'error' });
    return;
  }
  const runId = crypto.randomUUID();
  const designName = s.fileName.replace(/\.rescanvas\.json$|\.json$/, '');
  statsStore.clear();
  s.runStarting({
    id: runId,
    label: runLabel(designName, s.trainingForm),
    designName,
    design,
    settings: built.settings,
    startedAt: Date.now(),
    steps: [],
    epochs: [],
    outcome: null,
    profile: null,
    blockDrop: null,
  });
  // A new run replaces the engine's model anyway, so now the engine may restart with the thread count
  // that pays for this design; the messages below wait in the new worker until it is ready.
  connection.suitDesign?.(designKind(design));
  try {
    await request(connection, { type: 'loadDesign', design });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    appStore.getState().runDone(runId, { reason: 'failed', epochs: 0, steps: 0, loss: null, accuracy: null, validationLoss: null, validationAccuracy: null });
    const code = error instanceof EngineReplyError ? error.code : 'internal';
    // Only a design error is the design's fault; an engine failure is reported as what it was.
    if (code === 'design') appStore.getState().setTrainingMessage({ text: `The design could not be compiled: ${text} — ${ERROR_HINTS.design}`, tone: 'error' });
    else if (code !== 'crash') appStore.getState().setTrainingMessage({ text: failureText(code, text), tone: 'error' });
    return;
  }
  connection.send({ type: 'start', runId, settings: built.settings });
  appStore.getState().showOverlayForRun();
}

export function stopTraining(): void {
  const s = appStore.getState();
  if (!s.activeRunId || s.runPhase === 'idle') return;
  s.setRunPhase('stopping');
  requireEngine().send({ type: 'stop', runId: s.activeRunId });
}

export function pauseTraining(): void {
  const s = appStore.getState();
  if (s.activeRunId && s.runPhase === 'running') requireEngine().send({ type: 'pause', runId: s.activeRunId });
}

export function resumeTraining(): void {
  const s = appStore.getState();
  if (s.activeRunId && s.runPhase === 'paused') requireEngine().send({ type: 'resume', runId: s.activeRunId });
}

export function restartEngine(): void {
  requireEngine().restart();
}

/** Block-drop over every residual block of the last run (the engine picks each Add with a branch). */
export function dropBlocks(sets?: string[][]): void {
  const s = appStore.getState();
  if (!s.activeRunId) return;
  const runId = s.activeRunId;
  s.setBlockDropPending(true);
  request(requireEngine(), { type: 'dropBlocks', sets }).then(
    (reply) => appStore.getState().runBlockDrop(runId, { baseline: reply.baseline, results: reply.results }),
    (error: unknown) => {
      const now = appStore.getState();
      now.setBlockDropPending(false);
      if (error instanceof EngineReplyError && error.code !== 'crash') now.setTrainingMessage({ text: failureText(error.code, error.message), tone: 'error' });
    },
  );
}

/** Class probabilities of the current weights on a grid over `bounds`. */
export function predictGrid(bounds: GridBounds, resolution: number): Promise<GridPrediction> {
  return request(requireEngine(), { type: 'predictGrid', bounds, resolution });
}
