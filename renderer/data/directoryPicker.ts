/**
 * The web host's image-folder picker: File System Access `showDirectoryPicker` in read mode. A
 * directory handle lists only what is inside the chosen folder (the browser never follows a link
 * out of it), and each File reads from disk only when decoded.
 */
import { isAbort } from '../host/web/browserFiles';
import type { ImageFolderResult, PickedFile } from './pickedFolder';

interface FileEntry {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}
interface DirectoryEntry {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<FileEntry | DirectoryEntry>;
}
export interface DirectoryPickerWindow {
  showDirectoryPicker(options: { mode: 'read'; id?: string }): Promise<DirectoryEntry>;
}

export function hasDirectoryPicker(scope: object): scope is DirectoryPickerWindow {
  return 'showDirectoryPicker' in scope && typeof (scope as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/** Class folders one level down, their files one level further; deeper folders are named as left out. */
export async function pickWithDirectoryPicker(scope: DirectoryPickerWindow): Promise<ImageFolderResult> {
  let root: DirectoryEntry;
  try {
    root = await scope.showDirectoryPicker({ mode: 'read', id: 'rescanvas-images' });
  } catch (error) {
    if (isAbort(error)) return { status: 'cancelled' };
    return { status: 'error', message: `The folder could not be opened: ${error instanceof Error ? error.message : String(error)}` };
  }
  const files: PickedFile[] = [];
  const refused: string[] = [];
  try {
    for await (const entry of root.values()) {
      if (entry.kind === 'file') {
        const file = await entry.getFile();
        files.push({ path: entry.name, bytes: file.size, blob: file });
        continue;
      }
      for await (const inner of entry.values()) {
        if (inner.kind === 'directory') {
          if (!inner.name.startsWith('.'))
            refused.push(`${root.name}/${entry.name}/${inner.name}: a folder inside a class folder; only the class folder's own files are read`);
          continue;
        }
        const file = await inner.getFile();
        files.push({ path: `${entry.name}/${inner.name}`, bytes: file.size, blob: file });
      }
    }
  } catch (error) {
    return { status: 'error', message: `${root.name} could not be listed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { status: 'picked', folder: { name: root.name, files, refused } };
}
