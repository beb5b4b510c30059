import { join } from 'node:path';
import { FileHandles } from '../../../electron/files/fileHandles';
import { RecoveryStore } from '../../../electron/files/recovery';
import type { Dialogs, HandlerContext } from '../../../electron/ipc/handlers';

/** The user's answers to the next dialogs, in order; null cancels. */
export interface ScriptedDialogs extends Dialogs {
  open: (string | null)[];
  runLog: (string | null)[];
  save: (string | null)[];
  exportFile: (string | null)[];
  exportFolder: (string | null)[];
  imageFolder: (string | null)[];
  shown: string[];
}

export function scriptedDialogs(): ScriptedDialogs {
  const take = <T>(queue: T[], what: string): T => {
    if (queue.length === 0) throw new Error(`test did not expect a ${what} dialog`);
    return queue.shift() as T;
  };
  const d: ScriptedDialogs = {
    open: [],
    runLog: [],
    save: [],
    exportFile: [],
    exportFolder: [],
    imageFolder: [],
    shown: [],
    async chooseDesignToOpen() {
      d.shown.push('open');
      return take(d.open, 'open');
    },
    async chooseRunLogToOpen() {
      d.shown.push('run-log');
      return take(d.runLog, 'run log');
    },
    async chooseDesignSavePath(name) {
      d.shown.push(`save:${name}`);
      return take(d.save, 'save');
    },
    async chooseExportFile(name) {
      d.shown.push(`export-file:${name}`);
      return take(d.exportFile, 'export file');
    },
    async chooseImageFolder() {
      d.shown.push('image-folder');
      return take(d.imageFolder, 'image folder');
    },
    async chooseExportFolder() {
      d.shown.push('export-folder');
      return take(d.exportFolder, 'export folder');
    },
  };
  return d;
}

export function makeContext(appDataDir: string): HandlerContext & { dialogs: ScriptedDialogs; used: string[]; states: { name: string; dirty: boolean }[] } {
  const used: string[] = [];
  const states: { name: string; dirty: boolean }[] = [];
  return {
    handles: new FileHandles(),
    recovery: new RecoveryStore(join(appDataDir, 'recovery')),
    dialogs: scriptedDialogs(),
    document: { name: '', dirty: false },
    onDocumentState: (s) => states.push(s),
    onFileUsed: (p) => used.push(p),
    used,
    states,
  };
}
