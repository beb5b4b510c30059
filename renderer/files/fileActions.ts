import { serializeDesign } from '../../src/graph/parse';
import type { Design } from '../../src/graph/design';
import { getHost } from '../host';
import { appStore, isDirty } from '../store/store';
import { exportModel, type ModelFormat } from '../export/exportModel';
import { fitCanvas } from '../canvas/canvasApi';

function say(text: string, tone: 'info' | 'error' = 'info'): void {
  appStore.getState().say(text, tone);
}

/** Replaces the document; history restarts because undo across documents would be surprising. */
export function openDocument(design: Design, name: string, handle: string | null): void {
  appStore.getState().loadDesign(design, name, handle);
  appStore.clearHistory();
  requestAnimationFrame(() => fitCanvas());
}

export function newDocument(): void {
  appStore.getState().newDesign();
  appStore.clearHistory();
  say('New design');
}

export function newDocumentAsked(): void {
  appStore.getState().unlessDirty(newDocument);
}

export function openFileAsked(): void {
  appStore.getState().unlessDirty(() => void openFile());
}

export async function openFile(): Promise<void> {
  const result = await getHost().openDesign();
  if (result.status === 'cancelled') return;
  if (result.status === 'error') return say(`Could not open: ${result.message}`, 'error');
  openDocument(result.file.design, result.file.name, result.file.handle);
  say(`Opened ${result.file.name}`);
}

export async function saveFile(saveAs = false): Promise<void> {
  const { design, fileHandle, markSaved } = appStore.getState();
  const result = await getHost().saveDesign(design, saveAs ? null : fileHandle);
  if (result.status === 'cancelled') return;
  if (result.status === 'error') return say(`Could not save: ${result.message}`, 'error');
  markSaved(design, result.file.name, result.file.handle);
  await getHost().clearRecovery();
  say(`Saved ${result.file.name}`);
}

export async function exportDesignJson(): Promise<void> {
  const { design, fileName } = appStore.getState();
  const base = fileName.replace(/\.rescanvas\.json$|\.json$/i, '') || 'design';
  const result = await getHost().exportFiles({ suggestedName: `${base}.rescanvas.json`, files: [{ name: `${base}.rescanvas.json`, data: serializeDesign(design) }] });
  if (result.status === 'saved') say(`Exported ${result.file.name}`);
  else if (result.status === 'error') say(`Could not export: ${result.message}`, 'error');
}

export async function exportModelFiles(format: ModelFormat): Promise<void> {
  const outcome = await exportModel(format);
  say(outcome.message, outcome.ok ? 'info' : 'error');
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
    timer = setTimeout(() => {
      const s = appStore.getState();
      if (isDirty(s)) void getHost().writeRecovery({ design: s.design, name: s.fileName, savedAt: new Date().toISOString() });
    }, 2000);
  });
}
