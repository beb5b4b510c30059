/**
 * The Host over the desktop preload's `window.rescanvas` bridge. Main validates what the page
 * sends; this side validates everything main sends back, so a bug on either side surfaces as a
 * clear error instead of a malformed design in the store.
 */
import { z } from 'zod';
import {
  describeZodError,
  INVOKE_CHANNELS,
  MenuCommand,
  OpenResult,
  ReplyEnvelope,
  type InvokeChannel,
  type InvokeReply,
  type RescanvasBridge,
} from '../../src/protocol/ipc';
import type { ExportBundle, Host, OpenResult as HostOpenResult, RecoveryEntry, RunLogResult, SaveResult } from './host';
import type { Design } from '../../src/graph/design';
import type { EngineConnection } from '../engine/connection';
import type { ImageFolderResult } from '../data/pickedFolder';
import { ElectronEngineConnection } from '../engine/electronConnection';
import { waitForEnginePort } from './enginePort';
import { WorkerEngineConnection } from '../engine/workerConnection';
import { engineWorkerFactory } from '../engine/workerFactory';
import { parsePlacement } from '../../src/protocol/enginePlacement';

declare global {
  interface Window {
    /** Exposed by electron/preload.ts in the desktop app; absent in a browser. */
    rescanvas?: RescanvasBridge;
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class ElectronHost implements Host {
  readonly kind = 'electron' as const;

  private connection: EngineConnection | null = null;

  constructor(
    private readonly bridge: RescanvasBridge,
    /** The page's window, where the preload posts the port; read on first use (tests have none). */
    private readonly scope: () => Window = () => window,
  ) {}

  /**
   * The desktop engine: over the port the preload hands over when main runs it in its own process
   * (tfjs-node loaded there), else in this page's Web Worker, told why the native backends were not used.
   */
  engine(): EngineConnection {
    if (this.connection) return this.connection;
    const placement = parsePlacement(this.bridge.enginePlacement);
    if (!placement.ok) console.error(placement.error);
    // A malformed placement means main runs no engine of its own, so the page must.
    const inPage = !placement.ok ? { skipped: [] } : placement.placement?.where === 'renderer' ? placement.placement : null;
    this.connection = inPage
      ? new WorkerEngineConnection(engineWorkerFactory({ skipped: inPage.skipped }))
      : new ElectronEngineConnection(waitForEnginePort(this.scope(), () => this.bridge.requestEnginePort()));
    return this.connection;
  }

  async openDesign(): Promise<HostOpenResult> {
    return this.resultOf('design:open', () => this.bridge.openDesign());
  }

  async openRunLog(): Promise<RunLogResult> {
    return this.resultOf('runlog:open', () => this.bridge.openRunLog());
  }

  async pickImageFolder(): Promise<ImageFolderResult> {
    const result = await this.resultOf('images:pick', () => this.bridge.pickImageFolder());
    if (result.status !== 'picked') return result;
    return {
      status: 'picked',
      folder: {
        name: result.name,
        refused: result.refused,
        files: result.files.map((f) => ({ path: f.path, bytes: f.bytes.byteLength, blob: new Blob([f.bytes]) })),
      },
    };
  }

  async saveDesign(design: Design, handle: string | null): Promise<SaveResult> {
    return this.resultOf('design:save', () => this.bridge.saveDesign({ design, handle }));
  }

  async exportFiles(bundle: ExportBundle): Promise<SaveResult> {
    return this.resultOf('design:export', () => this.bridge.exportFiles(bundle));
  }

  async writeRecovery(entry: RecoveryEntry): Promise<void> {
    await this.call('recovery:write', () => this.bridge.writeRecovery(entry));
  }

  async readRecovery(): Promise<RecoveryEntry | null> {
    return this.call('recovery:read', () => this.bridge.readRecovery());
  }

  async clearRecovery(): Promise<void> {
    await this.call('recovery:clear', () => this.bridge.clearRecovery());
  }

  setDocumentState(state: { name: string; dirty: boolean }): void {
    this.call('document:state', () => this.bridge.setDocumentState(state)).catch((error: unknown) => console.error(message(error)));
  }

  onMenuCommand(listener: (command: MenuCommand) => void): () => void {
    return this.bridge.onMenuCommand((raw) => {
      const command = MenuCommand.safeParse(raw);
      if (command.success) listener(command.data);
      else console.error(`ignored unknown menu command ${JSON.stringify(raw)}`);
    });
  }

  onExternalOpen(listener: (result: HostOpenResult) => void): () => void {
    return this.bridge.onExternalOpen((raw) => {
      const result = OpenResult.safeParse(raw);
      listener(result.success ? result.data : { status: 'error', message: describeZodError(result.error, 'the desktop shell sent an unreadable design') });
    });
  }

  /** Open/save/export report failures as results, the way the UI already shows them. */
  private async resultOf<C extends 'design:open' | 'runlog:open' | 'images:pick' | 'design:save' | 'design:export'>(
    channel: C,
    send: () => Promise<unknown>,
  ): Promise<InvokeReply<C>> {
    try {
      return await this.call(channel, send);
    } catch (error) {
      return { status: 'error', message: message(error) } as InvokeReply<C>;
    }
  }

  private async call<C extends InvokeChannel>(channel: C, send: () => Promise<unknown>): Promise<InvokeReply<C>> {
    const envelope = ReplyEnvelope.safeParse(await send());
    if (!envelope.success) throw new Error(`the desktop shell sent a malformed reply to ${channel}`);
    if (!envelope.data.ok) throw new Error(envelope.data.error);
    const schema: z.ZodType<InvokeReply<C>> = INVOKE_CHANNELS[channel].reply as unknown as z.ZodType<InvokeReply<C>>;
    const value = schema.safeParse(envelope.data.value);
    if (!value.success) throw new Error(describeZodError(value.error, `the desktop shell sent an invalid reply to ${channel}`));
    return value.data;
  }
}
