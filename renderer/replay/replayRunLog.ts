/**
 * File ▸ Open run log…: a run written by `rescanvas train --log` or an exported PyTorch package's
 * train.py is played back on the canvas overlay, timeline included. The log's node ids must be
 * nodes of the design on the canvas; when they are not and the log carries its design, the user is
 * offered that design (through the ordinary open path, so unsaved work is asked about first).
 */
import type { Design } from '../../src/graph/design';
import { formatBytes, parseRunLogText, type RunLog } from '../../src/protocol/runLogFile';
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
  // Parsing runs on this thread (about 40 ms per MB): let the status paint first on big logs.
  if (result.text.length > 4 * 1048576) {
    say(`Reading run log ${result.name} (${formatBytes(result.text.length)})…`);
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }
  const parsed = parseRunLogText(result.text, result.name);
  if (!parsed.ok) return say(`Could not replay: ${parsed.error}. The canvas and overlay are unchanged.`, 'error');
  replayRunLog(parsed.log, result.name, options);
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
