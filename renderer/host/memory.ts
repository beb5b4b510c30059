import type { Design } from '../../src/graph/design';
import { parseDesignText } from '../../src/graph/parse';
import { MAX_RUN_LOG_BYTES } from '../../src/protocol/runLog';
import { formatBytes } from '../../src/protocol/runLogFile';
import type { EngineConnection } from '../engine/connection';
import type { ImageFolderResult } from '../data/pickedFolder';
import type { ExportBundle, Host, MenuCommand, OpenResult, RecoveryEntry, RunLogResult, SaveResult } from './host';

/** A host that keeps files in memory: for tests and for the contract suite every host must pass. */
export class MemoryHost implements Host {
  readonly kind = 'memory' as const;
  readonly files = new Map<string, string>();
  readonly exports: ExportBundle[] = [];
  recovery: RecoveryEntry | null = null;
  documentState = { name: '', dirty: false };
  /** What the next open dialog "picks"; null cancels. */
  nextOpen: string | null = null;
  /** What the next run-log dialog "picks" from `files`; null cancels. */
  nextRunLog: string | null = null;
  maxRunLogBytes = MAX_RUN_LOG_BYTES;
  /** What the next save-as dialog "picks"; null cancels. */
  nextSaveAs: string | null = 'untitled.rescanvas.json';
  private readonly listeners = new Set<(command: MenuCommand) => void>();
  private readonly openListeners = new Set<(result: OpenResult) => void>();
  private pendingExternal: OpenResult[] = [];
  private connection: EngineConnection | null = null;

  /** `engine` makes the training engine; without one, asking for the engine is an error. */
  constructor(private readonly makeEngine: (() => EngineConnection) | null = null) {}

  engine(): EngineConnection {
    if (!this.makeEngine) throw new Error('this in-memory host has no training engine: construct it with one');
    this.connection ??= this.makeEngine();
    return this.connection;
  }

  async openDesign(): Promise<OpenResult> {
    if (this.nextOpen === null) return { status: 'cancelled' };
    const text = this.files.get(this.nextOpen);
    if (text === undefined) return { status: 'error', message: `${this.nextOpen}: no such file` };
    const parsed = parseDesignText(text);
    if (!parsed.ok) return { status: 'error', message: `${this.nextOpen}: ${parsed.diagnostics.map((d) => d.message).join('; ')}` };
    return { status: 'opened', file: { design: parsed.design, name: this.nextOpen, handle: this.nextOpen } };
  }

  /** No folders in memory: the UI falls back to its file input, which tests fill. */
  async pickImageFolder(): Promise<ImageFolderResult> {
    return { status: 'unsupported', message: 'this host has no folder dialog; choose the folder with the file input' };
  }

  async openRunLog(): Promise<RunLogResult> {
    if (this.nextRunLog === null) return { status: 'cancelled' };
    const name = this.nextRunLog;
    const text = this.files.get(name);
    if (text === undefined) return { status: 'error', message: `${name}: no such file` };
    const bytes = new TextEncoder().encode(text).byteLength;
    if (bytes > this.maxRunLogBytes)
      return { status: 'error', message: `${name}: ${formatBytes(bytes)} is larger than a run log may be (at most ${formatBytes(this.maxRunLogBytes)})` };
    return { status: 'opened', name, text };
  }

  async saveDesign(design: Design, handle: string | null): Promise<SaveResult> {
    // Like the real hosts, a handle names only a file this host opened or saved.
    if (handle !== null && !this.files.has(handle)) return { status: 'error', message: `${handle.slice(0, 100)}: not a file this host opened or saved` };
    const target = handle ?? this.nextSaveAs;
    if (target === null) return { status: 'cancelled' };
    this.files.set(target, `${JSON.stringify(design, null, 2)}\n`);
    return { status: 'saved', file: { name: target, handle: target } };
  }

  async exportFiles(bundle: ExportBundle): Promise<SaveResult> {
    this.exports.push(bundle);
    return { status: 'saved', file: { name: bundle.suggestedName, handle: bundle.suggestedName } };
  }

  async writeRecovery(entry: RecoveryEntry): Promise<void> {
    this.recovery = entry;
  }

  async readRecovery(): Promise<RecoveryEntry | null> {
    return this.recovery;
  }

  async clearRecovery(): Promise<void> {
    this.recovery = null;
  }

  setDocumentState(state: { name: string; dirty: boolean }): void {
    this.documentState = state;
  }

  onMenuCommand(listener: (command: MenuCommand) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onExternalOpen(listener: (result: OpenResult) => void): () => void {
    this.openListeners.add(listener);
    const pending = this.pendingExternal;
    this.pendingExternal = [];
    for (const result of pending) listener(result);
    return () => this.openListeners.delete(listener);
  }

  /** Test hook: pretend a file was opened from outside the page (command line, double-click). */
  emitExternalOpen(result: OpenResult): void {
    if (this.openListeners.size === 0) this.pendingExternal.push(result);
    for (const l of this.openListeners) l(result);
  }

  /** Test hook: pretend the desktop menu sent a command. */
  emitMenuCommand(command: MenuCommand): void {
    for (const l of this.listeners) l(command);
  }
}
