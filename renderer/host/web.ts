/**
 * The Host in a plain browser tab: files through the File System Access API or <input>/downloads,
 * unsaved work in IndexedDB, the unsaved marker in the tab title, and the browser's own
 * "leave site?" prompt while there is unsaved work. Every opened file is validated like on the
 * desktop; a corrupt or foreign file becomes an error result and changes nothing.
 */
import type { Design } from '../../src/graph/design';
import { MAX_DESIGN_BYTES, parseDesignText, serializeDesign } from '../../src/graph/parse';
import { parseRecoveryText } from '../../src/protocol/ipc';
import { MAX_RUN_LOG_BYTES } from '../../src/protocol/runLog';
import { formatBytes } from '../../src/protocol/runLogFile';
import { decodeTextFile } from '../../src/protocol/textFile';
import type { EngineConnection } from '../engine/connection';
import { WorkerEngineConnection } from '../engine/workerConnection';
import type { ExportBundle, Host, MenuCommand, OpenResult, RecoveryEntry, RunLogResult, SaveResult } from './host';
import type { BrowserFiles, WriteTarget } from './web/browserFiles';
import { downloadFiles } from './web/downloadFiles';
import { fileSystemAccessFiles, hasFileSystemAccess } from './web/fileSystemAccess';
import type { ImageFolderResult } from '../data/pickedFolder';
import { hasDirectoryPicker, pickWithDirectoryPicker, type DirectoryPickerWindow } from '../data/directoryPicker';
import { readDesignInWorker, serializeLargeRecovery, storeLargeRecovery, type ReadDesign } from '../open/openDesignFile';
import { refusalMessage } from '../open/refusal';
import { indexedDbStore, localStorageStore, type KeyValueStore } from './web/recoveryStorage';

export const RECOVERY_KEY = 'rescanvas.recovery';
const PRODUCT_NAME = 'ResCanvas';

/** What the host does to the page around the app. */
export interface PageChrome {
  setTitle(title: string): void;
  /** Ask before the tab is closed or reloaded while `on`. */
  guardUnload(on: boolean): void;
}

export interface WebHostOptions {
  files: BrowserFiles;
  recovery: KeyValueStore;
  page?: PageChrome;
  /** Opaque handle ids; replaceable so tests get stable ones. */
  newHandleId?: () => string;
  /** Largest run log read; tests lower it. */
  maxRunLogBytes?: number;
  /**
   * Parses and checks a picked design file off the page (the design worker), or null when it cannot,
   * and then the page does it. Left out in tests without workers.
   */
  readDesign?: (file: File) => Promise<ReadDesign | null>;
  /** Writes a recovery entry's JSON text off the page, or null when it cannot (then the page does). */
  serializeRecovery?: (entry: RecoveryEntry) => Promise<string | null>;
  /**
   * Stores a recovery entry under `key` entirely off the page (the design worker writes IndexedDB
   * itself); false when it did not, and then the page stores it.
   */
  storeRecoveryOffPage?: (entry: RecoveryEntry, key: string) => Promise<boolean>;
  /** The window whose `showDirectoryPicker` picks image folders; left out where the browser has none. */
  directoryPicker?: DirectoryPickerWindow;
  /** Makes the training engine: a Web Worker (the default), or a test's own. */
  engine?: () => EngineConnection;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class WebHost implements Host {
  readonly kind = 'web' as const;
  private readonly targets = new Map<string, WriteTarget>();
  private readonly newHandleId: () => string;
  private connection: EngineConnection | null = null;

  constructor(private readonly options: WebHostOptions) {
    this.newHandleId = options.newHandleId ?? (() => `web-${crypto.randomUUID()}`);
  }

  /** The host for this browser: File System Access when present, IndexedDB when present. */
  static forBrowser(scope: Window = window): WebHost {
    let unloadGuard: ((event: BeforeUnloadEvent) => void) | null = null;
    return new WebHost({
      files: hasFileSystemAccess(scope) ? fileSystemAccessFiles(scope) : downloadFiles(scope.document),
      directoryPicker: hasDirectoryPicker(scope) ? scope : undefined,
      readDesign: typeof Worker === 'function' ? readDesignInWorker : undefined,
      serializeRecovery: typeof Worker === 'function' ? serializeLargeRecovery : undefined,
      // Only where the page keeps recovery in IndexedDB: the worker writes the same store.
      storeRecoveryOffPage: typeof Worker === 'function' && 'indexedDB' in scope && scope.indexedDB ? storeLargeRecovery : undefined,
      recovery: 'indexedDB' in scope && scope.indexedDB ? indexedDbStore(scope.indexedDB) : localStorageStore(scope.localStorage),
      page: {
        setTitle: (title) => {
          scope.document.title = title;
        },
        guardUnload: (on) => {
          if (on && !unloadGuard) {
            unloadGuard = (event) => event.preventDefault();
            scope.addEventListener('beforeunload', unloadGuard);
          } else if (!on && unloadGuard) {
            scope.removeEventListener('beforeunload', unloadGuard);
            unloadGuard = null;
          }
        },
      },
    });
  }

  engine(): EngineConnection {
    this.connection ??= (this.options.engine ?? (() => new WorkerEngineConnection()))();
    return this.connection;
  }

  get filesKind(): BrowserFiles['kind'] {
    return this.options.files.kind;
  }

  async openDesign(): Promise<OpenResult> {
    let picked;
    try {
      picked = await this.options.files.pickFileToOpen();
    } catch (error) {
      return { status: 'error', message: `The file could not be opened: ${message(error)}` };
    }
    if (!picked) return { status: 'cancelled' };
    const { file, target } = picked;
    if (file.size > MAX_DESIGN_BYTES) {
      return {
        status: 'error',
        message: `${file.name}: ${(file.size / 1048576).toFixed(1)} MB is larger than any design (at most ${MAX_DESIGN_BYTES / 1048576} MB)`,
      };
    }
    const handle = (): string | null => (target ? this.register(target) : null);
    const read = await this.options.readDesign?.(file);
    if (read)
      return read.ok ? { status: 'opened', file: { design: read.design, name: file.name, handle: handle() } } : { status: 'error', message: read.message };
    const decoded = decodeTextFile(await file.arrayBuffer(), file.name, 'a ResCanvas design');
    if (!decoded.ok) return { status: 'error', message: decoded.message };
    const parsed = parseDesignText(decoded.text);
    if (!parsed.ok) return { status: 'error', message: refusalMessage(file.name, parsed.diagnostics) };
    return { status: 'opened', file: { design: parsed.design, name: file.name, handle: handle() } };
  }

  /** File System Access' directory picker where the browser has it; else the UI's file input. */
  async pickImageFolder(): Promise<ImageFolderResult> {
    const scope = this.options.directoryPicker;
    if (!scope) return { status: 'unsupported', message: 'this browser has no folder picker; choose the folder with the file input' };
    return pickWithDirectoryPicker(scope);
  }

  async openRunLog(): Promise<RunLogResult> {
    let picked;
    try {
      picked = await this.options.files.pickFileToOpen('runlog');
    } catch (error) {
      return { status: 'error', message: `The run log could not be opened: ${message(error)}` };
    }
    if (!picked) return { status: 'cancelled' };
    const { file } = picked;
    const limit = this.options.maxRunLogBytes ?? MAX_RUN_LOG_BYTES;
    if (file.size > limit)
      return { status: 'error', message: `${file.name}: ${formatBytes(file.size)} is larger than a run log may be (at most ${formatBytes(limit)})` };
    // Read and decoded in the data worker: a 300 MB log would hold the page for seconds here.
    return { status: 'opened', name: file.name, file };
  }

  async saveDesign(design: Design, handle: string | null): Promise<SaveResult> {
    let target: WriteTarget | null;
    if (handle !== null) {
      target = this.targets.get(handle) ?? null;
      if (!target) return { status: 'error', message: 'This file handle is not one this page opened or saved; use Save As to choose a file.' };
    } else {
      try {
        target = await this.options.files.pickSaveTarget(`${(design.metadata.name || 'untitled').replace(/[\\/:*?"<>|]+/g, '-')}.rescanvas.json`);
      } catch (error) {
        return { status: 'error', message: `Could not choose where to save: ${message(error)}` };
      }
      if (!target) return { status: 'cancelled' };
    }
    try {
      await target.write(serializeDesign(design));
    } catch (error) {
      return { status: 'error', message: `${target.name} could not be saved (the previous version is unchanged): ${message(error)}` };
    }
    return { status: 'saved', file: { name: target.name, handle: handle ?? this.register(target) } };
  }

  async exportFiles(bundle: ExportBundle): Promise<SaveResult> {
    try {
      if (bundle.files.length === 1) {
        const target = await this.options.files.pickSaveTarget(bundle.files[0].name);
        if (!target) return { status: 'cancelled' };
        await target.write(bundle.files[0].data);
        return { status: 'saved', file: { name: target.name, handle: this.register(target) } };
      }
      if (this.options.files.kind === 'download') return await this.downloadZip(bundle);
      const folder = await this.options.files.pickFolder(bundle.suggestedName);
      if (!folder) return { status: 'cancelled' };
      for (const file of bundle.files) await (await folder.file(file.name)).write(file.data);
      return { status: 'saved', file: { name: folder.name, handle: folder.name } };
    } catch (error) {
      return { status: 'error', message: `Export failed: ${message(error)}` };
    }
  }

  /**
   * Without a folder picker a bundle goes out as one .zip: Chromium lets a page start only ten
   * automatic downloads, so a PyTorch package (eleven files) would silently lose one and block
   * every later download, Save included. fflate: small, dependency-free, synchronous zip writer.
   */
  private async downloadZip(bundle: ExportBundle): Promise<SaveResult> {
    const { zipSync, strToU8 } = await import('fflate');
    const entries: Record<string, Uint8Array> = {};
    for (const file of bundle.files) entries[`${bundle.suggestedName}/${file.name}`] = typeof file.data === 'string' ? strToU8(file.data) : file.data;
    const target = await this.options.files.pickSaveTarget(`${bundle.suggestedName}.zip`);
    if (!target) return { status: 'cancelled' };
    await target.write(zipSync(entries, { level: 6 }));
    return { status: 'saved', file: { name: target.name, handle: this.register(target) } };
  }

  async writeRecovery(entry: RecoveryEntry): Promise<void> {
    if (await this.options.storeRecoveryOffPage?.(entry, RECOVERY_KEY)) return;
    const text = (await this.options.serializeRecovery?.(entry)) ?? JSON.stringify(entry);
    await this.options.recovery.set(RECOVERY_KEY, text);
  }

  /** Unreadable recovery data is kept under another key rather than lost. */
  async readRecovery(): Promise<RecoveryEntry | null> {
    const text = await this.options.recovery.get(RECOVERY_KEY);
    if (text === null) return null;
    const entry = parseRecoveryText(text);
    if (entry) return entry;
    await this.options.recovery.set(`${RECOVERY_KEY}.unreadable`, text);
    await this.options.recovery.delete(RECOVERY_KEY);
    return null;
  }

  async clearRecovery(): Promise<void> {
    await this.options.recovery.delete(RECOVERY_KEY);
  }

  setDocumentState(state: { name: string; dirty: boolean }): void {
    this.options.page?.setTitle(`${state.name || 'Untitled'}${state.dirty ? ' •' : ''} — ${PRODUCT_NAME}`);
    this.options.page?.guardUnload(state.dirty);
  }

  /** A browser tab has no application menu. */
  onMenuCommand(_listener: (command: MenuCommand) => void): () => void {
    return () => undefined;
  }

  /** Nothing opens files into a browser tab from outside it. */
  onExternalOpen(_listener: (result: OpenResult) => void): () => void {
    return () => undefined;
  }

  private register(target: WriteTarget): string {
    const id = this.newHandleId();
    this.targets.set(id, target);
    return id;
  }
}
