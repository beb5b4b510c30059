/** The native dialogs behind the `Dialogs` interface the IPC handlers use. */
import { dialog, type BrowserWindow } from 'electron';
import type { Dialogs } from './ipc/handlers';

// Extensions without dots: GTK and Windows match a filter against the last extension only, so
// 'json' also covers *.rescanvas.json. The first filter is the save dialog's default type.
const DESIGN_FILTERS = [
  { name: 'ResCanvas design', extensions: ['rescanvas', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

const RUN_LOG_FILTERS = [
  { name: 'Run log (JSON lines)', extensions: ['jsonl', 'ndjson', 'json', 'log'] },
  { name: 'All files', extensions: ['*'] },
];

export function nativeDialogs(window: () => BrowserWindow | null, documentsDir: () => string): Dialogs {
  const parent = (): BrowserWindow => {
    const w = window();
    if (!w) throw new Error('the window is closed');
    return w;
  };
  return {
    async chooseDesignToOpen() {
      const result = await dialog.showOpenDialog(parent(), {
        title: 'Open design',
        defaultPath: documentsDir(),
        properties: ['openFile'],
        filters: DESIGN_FILTERS,
      });
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
    async chooseRunLogToOpen() {
      const result = await dialog.showOpenDialog(parent(), {
        title: 'Open run log',
        defaultPath: documentsDir(),
        properties: ['openFile'],
        filters: RUN_LOG_FILTERS,
      });
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
    async chooseImageFolder() {
      const result = await dialog.showOpenDialog(parent(), {
        title: 'Choose an image folder (one subfolder per class)',
        defaultPath: documentsDir(),
        properties: ['openDirectory'],
      });
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
    async chooseDesignSavePath(suggestedName) {
      const result = await dialog.showSaveDialog(parent(), {
        title: 'Save design',
        defaultPath: `${documentsDir()}/${suggestedName}`,
        filters: DESIGN_FILTERS,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseExportFile(suggestedName) {
      const result = await dialog.showSaveDialog(parent(), {
        title: 'Export',
        defaultPath: `${documentsDir()}/${suggestedName}`,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseExportFolder() {
      const result = await dialog.showOpenDialog(parent(), {
        title: 'Export to folder',
        defaultPath: documentsDir(),
        properties: ['openDirectory', 'createDirectory'],
      });
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
  };
}

/** Synchronous so it can run inside a window's `close` event. */
export function confirmDiscardSync(window: BrowserWindow, documentName: string): boolean {
  const choice = dialog.showMessageBoxSync(window, {
    type: 'warning',
    buttons: ['Discard changes', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    title: 'Unsaved changes',
    message: `${documentName || 'This design'} has unsaved changes.`,
    detail: 'Discard them? Save first to keep them.',
  });
  return choice === 0;
}
