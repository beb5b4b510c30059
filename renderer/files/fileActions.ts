import { exportDesignJson as buildDesignJson } from '../../src/export/designJson';
import { weightsFor } from '../store/weightsSlice';
import type { Design } from '../../src/graph/design';
import { getHost } from '../host';
import type { OpenedDesign } from '../host/host';
import { unpackWeights } from '../../src/schema/weights';
import { appStore, isDirty } from '../store/store';
import { exportModelWithTrainedWeights, type ModelFormat } from '../export/exportModel';
import { exportPytorch } from '../export/pytorchExport';
import { arrangeOnOpen } from '../layout/openView';
import { fitCanvas } from '../canvas/canvasApi';
import { documentWithRuns, readDocumentRuns } from '../store/runsFile';
import { nextPaint, openingStore, setOpening } from '../open/progress';
import { isHuge, showStart } from '../open/largeView';

function say(text: string, tone: 'info' | 'error' = 'info'): void {
  appStore.getState().say(text, tone);
}

/**
 * Replaces the document; history restarts because undo across documents would be surprising.
 * A file (it has a handle, or carries runs, as recovered work may) replaces the runs list with its
 * own; an example or a lesson step (no handle, no runs) keeps the session's runs so designs can be
 * compared across. Returns a sentence about runs that could not be read, already shown, or null.
 */
export function openDocument(document: Design, name: string, handle: string | null): string | null {
  const opened = readDocumentRuns(document);
  const state = appStore.getState();
  // Weights belong to the document they came with; importPickedFiles keeps new ones after this.
  state.dropWeights();
  state.loadDesign(opened.design, name, handle);
  state.applyPreset(opened.design.preset, opened.design.metadata.name);
  state.setWelcomeOpen(false);
  if (handle !== null || opened.hasRuns) state.replaceRuns(opened.runs);
  appStore.clearHistory();
  // A saved file opens as it was saved; an example, a lesson step or an import is arranged to be legible.
  if (handle === null) void arrangeOnOpen(appStore.getState().design);
  else requestAnimationFrame(() => (isHuge(opened.design) ? showStart(appStore.getState().design) : fitCanvas()));
  if (!opened.warnings.length) return null;
  const shown = opened.warnings.slice(0, 3).join('; ');
  const more = opened.warnings.length > 3 ? ` (and ${opened.warnings.length - 3} more)` : '';
  const warning = `Opened ${name}, but some saved runs were left out — ${shown}${more}. The design and the other runs are loaded; saving writes only the runs shown.`;
  say(warning, 'error');
  return warning;
}

export function newDocument(): void {
  appStore.getState().newDesign();
  appStore.getState().dropWeights();
  appStore.getState().replaceRuns([]);
  appStore.getState().setWelcomeOpen(false);
  appStore.clearHistory();
  say('New design');
}

export function newDocumentAsked(): void {
  appStore.getState().unlessDirty(newDocument, 'document');
}

export function openFileAsked(): void {
  appStore.getState().unlessDirty(() => void openFile(), 'document');
}

export async function openFile(): Promise<void> {
  const result = await getHost().openDesign();
  if (result.status !== 'opened') {
    setOpening(null);
    if (result.status === 'error') say(`Could not open: ${result.message}`, 'error');
    return;
  }
  // Lets the progress bar paint "Drawing the canvas" before the (long, on a huge design) first render.
  if (openingStore.getState().opening) await nextPaint();
  openOpenedFile(result.file);
  if (openingStore.getState().opening) {
    await nextPaint();
    setOpening(null);
  }
}

/** A design the host has read (Open…, the command line, Open Recent), with the weights found beside it. */
export function openOpenedFile(file: OpenedDesign): void {
  const warning = openDocument(file.design, file.name, file.handle);
  const weights = keepOpenedWeights(file);
  if (!warning) say(`Opened ${file.name}${weights}`, file.weightsProblem ? 'error' : 'info');
}

/**
 * Import model: the picked files become the open document, and their weights are kept for Export
 * while the network stays as imported. Nothing changes when a file is refused.
 */
export async function importPickedFiles(files: readonly File[]): Promise<void> {
  say(`Reading ${files.map((f) => f.name).join(', ')}…`);
  const { readImportFiles } = await import('./importModel');
  let imported;
  try {
    imported = await readImportFiles(files);
  } catch (error) {
    say(`Could not import: ${(error instanceof Error ? error.message : String(error)).split('\n').slice(0, 4).join('; ')}`, 'error');
    return;
  }
  const warning = openDocument(imported.design, imported.name, null);
  if (imported.weights) appStore.getState().keepWeights(imported.weights, imported.design, imported.source);
  if (warning) return;
  const weights = imported.weights
    ? `; Export uses the weights ${imported.source} (${imported.weights.size} arrays) until the network is edited`
    : imported.source
      ? ''
      : '; no weights came with it';
  const notes = imported.warnings.length ? ` Note: ${imported.warnings.slice(0, 2).join('; ')}` : '';
  say(`Opened ${imported.name}${weights}.${notes}`);
}

/**
 * The weights sidecar the host found beside an opened file, kept for Export; returns the sentence
 * the status line adds ("; Export uses the weights from net.weights.json …"), or why none were used.
 */
export function keepOpenedWeights(file: OpenedDesign): string {
  if (file.weightsProblem) return `, without its weights: ${file.weightsProblem}`;
  if (!file.weights) return '';
  let weights;
  try {
    weights = unpackWeights(file.weights.specs, file.weights.data);
  } catch (error) {
    return `, without its weights: ${file.weights.file}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const source = `from ${file.weights.file}`;
  appStore.getState().keepWeights(weights, file.design, source);
  return `; Export uses the weights ${source} (${weights.size} arrays) until the network is edited`;
}

/** Writes the design with its finished runs; the runs count as saved as of the moment Save began. */
export async function saveFile(saveAs = false): Promise<void> {
  const { design, fileHandle, markSaved, runs, runsVersion } = appStore.getState();
  const result = await getHost().saveDesign(documentWithRuns(design, runs), saveAs ? null : fileHandle);
  if (result.status === 'cancelled') return;
  if (result.status === 'error') return say(`Could not save: ${result.message}`, 'error');
  markSaved(design, result.file.name, result.file.handle);
  appStore.getState().markRunsSaved(runsVersion);
  await getHost().clearRecovery();
  say(`Saved ${result.file.name}`);
}

/** Export ▸ Design JSON: the design, and beside it the weights kept with it while they still fit (the sidecar Open reads). */
export async function exportDesignJson(): Promise<void> {
  const { design, fileName, keptWeights } = appStore.getState();
  const base = fileName.replace(/\.rescanvas\.json$|\.json$/i, '') || 'design';
  const kept = weightsFor(keptWeights, design);
  const weights = kept.status === 'fit' ? kept.weights : undefined;
  const bundle = buildDesignJson(design, weights, { fileName: `${base}.rescanvas.json`, source: kept.status === 'fit' ? kept.source : undefined });
  const result = await getHost().exportFiles(weights ? bundle : { suggestedName: `${base}.rescanvas.json`, files: bundle.files });
  const carried = weights && kept.status === 'fit' ? ` with the weights ${kept.source} beside it` : '';
  if (result.status === 'saved') say(`Exported ${result.file.name}${carried}`);
  else if (result.status === 'error') say(`Could not export: ${result.message}`, 'error');
}

export async function exportModelFiles(format: Exclude<ModelFormat, 'design'>): Promise<void> {
  const outcome = await exportModelWithTrainedWeights(format);
  say(outcome.message, outcome.ok ? 'info' : 'error');
}

/** Export ▸ PyTorch and the desktop menu's export-pytorch: a PyTorch package of the open design. */
export async function exportPytorchFiles(): Promise<void> {
  say('Building the PyTorch package…');
  const outcome = await exportPytorch();
  say(outcome.message, outcome.ok ? 'info' : 'error');
}

function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 3000 });
  else run();
}

/** Keeps the host's title marker and close confirmation in step, and unsaved work in recovery. */
export function syncDocumentState(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = '';
  return appStore.subscribe((state) => {
    const dirty = isDirty(state);
    const key = `${state.fileName}|${dirty}`;
    if (key !== last) {
      last = key;
      getHost().setDocumentState({ name: state.fileName, dirty });
    }
    if (!dirty) return;
    if (timer) clearTimeout(timer);
    // After a pause in editing, and then in idle time: on a huge design even handing the edit to the
    // design worker (which writes it) is work an edit should not wait behind.
    timer = setTimeout(() => {
      timer = null;
      whenIdle(() => {
        const s = appStore.getState();
        if (isDirty(s)) void getHost().writeRecovery({ design: documentWithRuns(s.design, s.runs), name: s.fileName, savedAt: new Date().toISOString() });
      });
    }, 2000);
  });
}
