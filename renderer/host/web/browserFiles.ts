/** How the web host reaches files: the File System Access API where the browser has it, else <input> and downloads. */

/** A place the host can write to again: a file handle, or a download under the same name. */
export interface WriteTarget {
  readonly name: string;
  write(data: string | Uint8Array): Promise<void>;
}

export interface PickedFile {
  file: File;
  /** Null when the browser cannot write back to the file the user opened. */
  target: WriteTarget | null;
}

export interface FolderTarget {
  readonly name: string;
  file(name: string): Promise<WriteTarget>;
}

export interface BrowserFiles {
  readonly kind: 'file-system-access' | 'download';
  /** Null when the user cancels. */
  pickFileToOpen(kind?: OpenKind): Promise<PickedFile | null>;
  pickSaveTarget(suggestedName: string): Promise<WriteTarget | null>;
  pickFolder(suggestedName: string): Promise<FolderTarget | null>;
}

/** What the open dialog offers: designs, or run logs (JSON lines). */
export type OpenKind = 'design' | 'runlog';

export const DESIGN_ACCEPT = { 'application/json': ['.json'] } as const;
export const RUN_LOG_ACCEPT = { 'application/jsonl': ['.jsonl', '.ndjson', '.json', '.log'] } as const;

export const isAbort = (error: unknown): boolean => error instanceof DOMException && error.name === 'AbortError';
