/**
 * What main does for each IPC request, as plain functions over injected dialogs and stores, so
 * every handler runs in tests without Electron. `dispatch.ts` adds the sender check and payload
 * validation in front of them; by the time a handler runs its request has its declared type.
 */
import { basename, join } from 'node:path';
import type { InvokeChannel, InvokeReply, InvokeRequest } from '../../src/protocol/ipc';
import { writeFileAtomic } from '../files/atomicWrite';
import { readSidecarBeside } from '../files/weightsSidecar';
import { DESIGN_EXTENSION, designBaseName, describeFsError, readDesignFile, withDesignExtension, writeDesignFile } from '../files/designFiles';
import type { FileHandles } from '../files/fileHandles';
import type { RecoveryStore } from '../files/recovery';
import { readRunLogFile } from './readRunLog';
import { readImageFolder } from './readImageFolder';

/** The native dialogs main shows; each returns null when the user cancels. */
export interface Dialogs {
  chooseDesignToOpen(): Promise<string | null>;
  chooseRunLogToOpen(): Promise<string | null>;
  chooseImageFolder(): Promise<string | null>;
  chooseDesignSavePath(suggestedName: string): Promise<string | null>;
  chooseExportFile(suggestedName: string): Promise<string | null>;
  chooseExportFolder(): Promise<string | null>;
}

export interface DocumentStateValue {
  name: string;
  dirty: boolean;
}

export interface HandlerContext {
  handles: FileHandles;
  recovery: RecoveryStore;
  dialogs: Dialogs;
  /** Main's copy of the renderer's document state: closing and external opens confirm with it. */
  document: DocumentStateValue;
  onDocumentState(state: DocumentStateValue): void;
  /** A file was opened or saved: Open Recent and the OS recent list. */
  onFileUsed(path: string): void;
  /** Largest run log read (default MAX_RUN_LOG_BYTES); tests lower it. */
  maxRunLogBytes?: number;
}

export type Handlers = { [C in InvokeChannel]: (request: InvokeRequest<C>) => Promise<InvokeReply<C>> };
type OpenReply = InvokeReply<'design:open'>;
type SaveReply = InvokeReply<'design:save'>;

/** Opens a path the user chose outside the page's control (dialog, command line, recent list). */
export async function openDesignAt(ctx: HandlerContext, path: string): Promise<OpenReply> {
  const read = await readDesignFile(path);
  if (!read.ok) return { status: 'error', message: read.message };
  ctx.onFileUsed(path);
  const sidecar = await readSidecarBeside(path);
  return { status: 'opened', file: { design: read.design, name: basename(path), handle: ctx.handles.register(path), ...sidecar } };
}

export function createHandlers(ctx: HandlerContext): Handlers {
  return {
    // The renderer asks about unsaved work before it calls open (its own dialog, same on the web).
    async 'design:open'() {
      const path = await ctx.dialogs.chooseDesignToOpen();
      return path === null ? { status: 'cancelled' } : openDesignAt(ctx, path);
    },

    // Read only: no handle is issued, so nothing can later be written to a run log's path.
    async 'runlog:open'() {
      const path = await ctx.dialogs.chooseRunLogToOpen();
      return path === null ? { status: 'cancelled' } : readRunLogFile(path, ctx.maxRunLogBytes);
    },

    // Read only, like a run log: the page gets the files' bytes, never the folder's path.
    async 'images:pick'() {
      const path = await ctx.dialogs.chooseImageFolder();
      return path === null ? { status: 'cancelled' } : readImageFolder(path);
    },

    async 'design:save'({ design, handle }) {
      let path: string | null;
      if (handle !== null) {
        path = ctx.handles.pathOf(handle);
        if (path === null) return { status: 'error', message: 'This file handle is not one this window opened or saved; use Save As to choose a file.' };
      } else {
        const chosen = await ctx.dialogs.chooseDesignSavePath(`${designBaseName(ctx.document.name) || 'untitled'}${DESIGN_EXTENSION}`);
        if (chosen === null) return { status: 'cancelled' };
        path = withDesignExtension(chosen);
      }
      return saveAt(ctx, path, () => writeDesignFile(path, design));
    },

    async 'design:export'(bundle) {
      if (bundle.files.length === 1) {
        const chosen = await ctx.dialogs.chooseExportFile(bundle.files[0].name);
        if (chosen === null) return { status: 'cancelled' };
        return saveAt(ctx, chosen, () => writeFileAtomic(chosen, bundle.files[0].data, { keepBackup: true }));
      }
      const folder = await ctx.dialogs.chooseExportFolder();
      if (folder === null) return { status: 'cancelled' };
      // Names were checked to be single path segments, so every file lands inside the chosen folder.
      return saveAt(ctx, folder, async () => {
        for (const file of bundle.files) await writeFileAtomic(join(folder, file.name), file.data, { keepBackup: true });
      });
    },

    async 'recovery:write'(entry) {
      await ctx.recovery.write(entry);
      return null;
    },
    async 'recovery:read'() {
      return ctx.recovery.read();
    },
    async 'recovery:clear'() {
      await ctx.recovery.clear();
      return null;
    },

    async 'document:state'(state) {
      ctx.document.name = state.name;
      ctx.document.dirty = state.dirty;
      ctx.onDocumentState({ ...state });
      return null;
    },
  };
}

async function saveAt(ctx: HandlerContext, path: string, write: () => Promise<void>): Promise<SaveReply> {
  try {
    await write();
  } catch (error) {
    return { status: 'error', message: `${basename(path)} could not be saved (the previous version is unchanged): ${describeFsError(error)}` };
  }
  ctx.onFileUsed(path);
  return { status: 'saved', file: { name: basename(path), handle: ctx.handles.register(path) } };
}
