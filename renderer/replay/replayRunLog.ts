/**
 * File ▸ Open run log…: a run written by `rescanvas train --log` or an exported PyTorch package's
 * train.py is played back on the canvas overlay, timeline included. The log's node ids must be
 * nodes of the design on the canvas; when they are not and the log carries its design, the user is
 * offered that design (through the ordinary open path, so unsaved work is asked about first).
 */
import type { Design } from '../../src/graph/design';
import { MAX_RUN_LOG_BYTES } from '../../src/protocol/runLog';
import { formatBytes, type RunLog } from '../../src/protocol/runLogFile';
import { dataWorker, DataWorkerError, progressText } from '../data/dataWorkerClient';
import { getHost } from '../host';
import { openDocument } from '../files/fileActions';
import { statsStore } from '../overlay/statsStore';
import { appStore } from '../store/store';
import { checkNodeIds } from './nodeIds';
import { replaySummary } from './summary';

export interface ReplayOptions {
  /** Asks a yes/no question (window.confirm in the page). */
  confirm?: (question: string) => boolean;
}

const say = (text: string, tone: 'info' | 'error' = 'info'): void => appStore.getState().say(text, tone);

export async function openRunLogAsked(options: ReplayOptions = {}): Promise<void> {
  if (appStore.getState().runPhase !== 'idle') {
    say('Stop training before opening a run log: the replay would take the overlay from the live run.', 'error');
    return;
  }
  const result = await getHost().openRunLog();
  if (result.status === 'cancelled') return;
  if (result.status === 'error') return say(`Could not open the run log: ${result.message}`, 'error');
  const { name } = result;
  const source = 'file' in result ? result.file : result.text;
  const size = typeof source === 'string' ? source.length : source.size;
  say(`Reading run log ${name} (${formatBytes(size)})…`);
  let log: RunLog;
  try {
    // Read, decoded and parsed in the data worker; the status line follows its progress.
    log = await dataWorker.readRunLog(source, name, MAX_RUN_LOG_BYTES, {
      onProgress: (p) => say(`Reading run log ${name} (${formatBytes(size)}): ${progressText(p)}…`),
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (error instanceof DataWorkerError && error.code === 'refused') return say(`Could not replay: ${why}. The canvas and overlay are unchanged.`, 'error');
    return say(`Could not open the run log: ${why}`, 'error');
  }
  replayRunLog(log, name, options);
}

/** Shows a parsed log on the canvas, or explains why it does not fit the open design. */
export function replayRunLog(log: RunLog, name: string, { confirm = (q) => window.confirm(q) }: ReplayOptions = {}): void {
  const check = checkNodeIds(appStore.getState().design, log.frames);
  if (check.ok) return show(log, name);
  const designName = log.header?.designName ?? '';
  const of = designName ? ` It was written for the design "${designName}".` : ' It does not say which design it was written for.';
  const logDesign: Design | undefined = log.header?.design;
  if (logDesign && checkNodeIds(logDesign, log.frames).ok) {
    const question = `The run log ${name} does not fit the open design: ${check.reason}.${of}\n\nOpen the design stored in the log and replay the run on it?`;
    if (!confirm(question)) return say(`Did not replay ${name}: ${check.reason}.${of} The canvas is unchanged.`, 'error');
    // Unsaved changes are asked about first; cancelling there leaves everything as it was.
    appStore.getState().unlessDirty(() => {
      openDocument(logDesign, `${(designName || 'run-log-design').replace(/[\\/:*?"<>|]+/g, '-')}.rescanvas.json`, null);
      show(log, name);
    });
    return;
  }
  say(`Could not replay ${name}: ${check.reason}.${of} Open that design, then the run log.`, 'error');
}

function show(log: RunLog, name: string): void {
  const state = appStore.getState();
  // The controller keeps these in step once training is connected; a replay may come first.
  statsStore.setDesign(state.design);
  statsStore.loadRecording(log.frames, name);
  if (state.overlayMode === 'off') state.setOverlayMode('forward');
  statsStore.setMode(appStore.getState().overlayMode);
  say(replaySummary(log, name, statsStore.frameCount));
}
