/**
 * The only door from the UI to the outside world (Netron's host pattern): Electron's preload
 * implements it over IPC, `web.ts` over browser files and a Web Worker, tests in memory.
 * One method per operation; every result crossing a process boundary is validated by the implementer.
 */
import type { Design } from '../../src/graph/design';
import type { MenuCommand } from '../../src/protocol/ipc';
import type { EngineConnection } from '../engine/connection';
import type { ImageFolderResult } from '../data/pickedFolder';

export interface OpenedDesign {
  design: Design;
  /** A display name (file name), never a path the UI may use to reach the disk. */
  name: string;
  /** Opaque handle the host uses to save back to the same file; null for new or recovered documents. */
  handle: string | null;
  /** The weights sidecar beside the file (desktop), read and checked by the host. */
  weights?: { file: string; specs: { name: string; shape: number[]; dtype: 'float32' }[]; data: Uint8Array };
  /** Why a sidecar beside the file was not used. */
  weightsProblem?: string;
}

export interface SavedDesign {
  name: string;
  handle: string;
}

/** Files produced by an export: names relative to the chosen folder or download. */
export interface ExportBundle {
  suggestedName: string;
  files: { name: string; data: Uint8Array | string }[];
}

export type OpenResult = { status: 'opened'; file: OpenedDesign } | { status: 'cancelled' } | { status: 'error'; message: string };
/**
 * A run log, unread or unparsed: its text where the host read it (the desktop's main process), or
 * the picked file itself, so the page's data worker reads and decodes it off the page's thread.
 */
export type RunLogResult =
  | { status: 'opened'; name: string; text: string }
  | { status: 'opened'; name: string; file: Blob }
  | { status: 'cancelled' }
  | { status: 'error'; message: string };
export type SaveResult = { status: 'saved'; file: SavedDesign } | { status: 'cancelled' } | { status: 'error'; message: string };

export interface RecoveryEntry {
  design: Design;
  name: string;
  savedAt: string;
}

export interface Host {
  readonly kind: 'electron' | 'web' | 'memory';
  openDesign(): Promise<OpenResult>;
  /** Asks for a run log (JSON lines, at most MAX_RUN_LOG_BYTES) and returns its text or the file. */
  openRunLog(): Promise<RunLogResult>;
  /**
   * Asks for a folder of images (one subfolder per class) and lists its files, unread.
   * `unsupported` when this host has no folder dialog: the UI then offers a multi-file input.
   */
  pickImageFolder(): Promise<ImageFolderResult>;
  /** Saves to `handle` when given, else asks where (Save As). */
  saveDesign(design: Design, handle: string | null): Promise<SaveResult>;
  exportFiles(bundle: ExportBundle): Promise<SaveResult>;
  /** Unsaved work kept by the host so a crash loses nothing. */
  writeRecovery(entry: RecoveryEntry): Promise<void>;
  readRecovery(): Promise<RecoveryEntry | null>;
  clearRecovery(): Promise<void>;
  /** Tells the host whether there is unsaved work (title marker, close confirmation). */
  setDocumentState(state: { name: string; dirty: boolean }): void;
  /** Menu commands from the desktop shell (no-op on the web). Returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /**
   * Designs opened from outside the page: a file on the desktop command line, a double-clicked
   * file, Open Recent. A result that arrived before the first listener is delivered to it.
   */
  onExternalOpen(listener: (result: OpenResult) => void): () => void;
  /**
   * The line to the training engine this host runs (the desktop engine, a Web Worker), started on
   * the first call; later calls return the same connection.
   */
  engine(): EngineConnection;
}

export { MENU_COMMANDS, type MenuCommand } from '../../src/protocol/ipc';
