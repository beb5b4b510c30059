/**
 * Files through the File System Access API (Chromium browsers). Writes go through
 * `createWritable`, which writes a swap file and replaces the original only on `close()`, so a
 * failed or interrupted save leaves the old file whole — the browser's own atomic save.
 */
import { DESIGN_ACCEPT, isAbort, RUN_LOG_ACCEPT, type BrowserFiles, type FolderTarget, type WriteTarget } from './browserFiles';

/** The parts of the API used here; TypeScript's DOM library does not declare the pickers. */
export interface FileHandleLike {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
  createWritable(): Promise<{ write(data: string | Uint8Array): Promise<void>; close(): Promise<void>; abort(): Promise<void> }>;
}
export interface DirectoryHandleLike {
  readonly name: string;
  getFileHandle(name: string, options: { create: boolean }): Promise<FileHandleLike>;
}
interface PickerType {
  description: string;
  accept: Record<string, readonly string[]>;
}
export interface FileSystemAccessWindow {
  showOpenFilePicker(options: { types?: PickerType[]; excludeAcceptAllOption?: boolean; multiple?: boolean }): Promise<FileHandleLike[]>;
  showSaveFilePicker(options: { suggestedName?: string; types?: PickerType[] }): Promise<FileHandleLike>;
  showDirectoryPicker(options: { mode: 'readwrite' }): Promise<DirectoryHandleLike>;
}

export function hasFileSystemAccess(scope: object): scope is FileSystemAccessWindow {
  return 'showOpenFilePicker' in scope && 'showSaveFilePicker' in scope && 'showDirectoryPicker' in scope;
}

const DESIGN_TYPES: PickerType[] = [{ description: 'ResCanvas design', accept: DESIGN_ACCEPT }];
const RUN_LOG_TYPES: PickerType[] = [{ description: 'Run log (JSON lines)', accept: RUN_LOG_ACCEPT }];

export function handleTarget(handle: FileHandleLike): WriteTarget {
  return {
    name: handle.name,
    async write(data) {
      const writable = await handle.createWritable();
      try {
        await writable.write(data);
      } catch (error) {
        await writable.abort().catch(() => undefined);
        throw error;
      }
      await writable.close();
    },
  };
}

async function cancellable<T>(pick: () => Promise<T>): Promise<T | null> {
  try {
    return await pick();
  } catch (error) {
    if (isAbort(error)) return null;
    throw error;
  }
}

export function fileSystemAccessFiles(scope: FileSystemAccessWindow): BrowserFiles {
  return {
    kind: 'file-system-access',
    async pickFileToOpen(kind = 'design') {
      const handles = await cancellable(() => scope.showOpenFilePicker({ types: kind === 'runlog' ? RUN_LOG_TYPES : DESIGN_TYPES, multiple: false }));
      if (!handles || handles.length === 0) return null;
      // A run log is only read: no write target, so it can never be saved over.
      return { file: await handles[0].getFile(), target: kind === 'runlog' ? null : handleTarget(handles[0]) };
    },
    async pickSaveTarget(suggestedName) {
      const types = suggestedName.endsWith('.json') ? DESIGN_TYPES : undefined;
      const handle = await cancellable(() => scope.showSaveFilePicker({ suggestedName, types }));
      return handle ? handleTarget(handle) : null;
    },
    async pickFolder(): Promise<FolderTarget | null> {
      const dir = await cancellable(() => scope.showDirectoryPicker({ mode: 'readwrite' }));
      if (!dir) return null;
      return { name: dir.name, file: async (name) => handleTarget(await dir.getFileHandle(name, { create: true })) };
    },
  };
}
