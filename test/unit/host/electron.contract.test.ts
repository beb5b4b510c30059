/**
 * The Electron host end to end in one process: ElectronHost → the real preload bridge → a
 * structured-clone IPC pair → the real dispatch (sender check, zod) → the real handlers → real
 * files in a temporary folder. Only Electron's transport and its native dialogs are stood in for.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch, makeSenderCheck } from '../../../electron/ipc/dispatch';
import { createHandlers, openDesignAt } from '../../../electron/ipc/handlers';
import { createBridge, type IpcRendererLike } from '../../../electron/preload/bridge';
import { ElectronHost } from '../../../renderer/host/electronHost';
import type { EventChannel } from '../../../src/protocol/ipc';
import { makeContext } from '../electron/handlerContext';
import { tempDir } from '../electron/support';
import { hostContract, sampleDesign } from './contract';

function electronFixture() {
  const dir = tempDir();
  const ctx = makeContext(join(dir, 'appdata'));
  const handlers = createHandlers(ctx);
  const page = { url: 'app://rescanvas/index.html', isMainFrame: true, isAppWindow: true };
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipcRenderer: IpcRendererLike = {
    // Electron copies every IPC payload with the structured clone algorithm: so does this pair.
    invoke: async (channel, payload) => structuredClone(await dispatch(handlers, makeSenderCheck('app://rescanvas'), channel, page, structuredClone(payload))),
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const sendToRenderer = (channel: EventChannel, payload: unknown): void => {
    for (const l of listeners.get(channel) ?? []) l({}, structuredClone(payload));
  };
  const bridge = createBridge(ipcRenderer);
  const makeHost = () => new ElectronHost(bridge);
  return { dir, ctx, bridge, makeHost, sendToRenderer };
}

hostContract('electron', async () => {
  const { dir, ctx, makeHost, sendToRenderer } = electronFixture();
  return {
    host: makeHost(),
    userWillOpen: (name, content) => {
      writeFileSync(join(dir, name), content);
      ctx.dialogs.open.push(join(dir, name));
    },
    userWillOpenRunLog: (name, content) => {
      writeFileSync(join(dir, name), content);
      ctx.dialogs.runLog.push(join(dir, name));
    },
    limitRunLogBytes: (bytes) => {
      ctx.maxRunLogBytes = bytes;
    },
    userWillCancel: () => {
      ctx.dialogs.open.push(null);
      ctx.dialogs.runLog.push(null);
      ctx.dialogs.save.push(null);
    },
    userWillSaveAs: (name) => {
      ctx.dialogs.save.push(join(dir, name));
      ctx.dialogs.exportFile.push(join(dir, name));
    },
    readSaved: async (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null),
    restart: async () => makeHost(),
    writesBack: true,
    openFromOutside: async (name, content) => {
      writeFileSync(join(dir, name), content);
      sendToRenderer('design:external-open', await openDesignAt(ctx, join(dir, name)));
    },
  };
});

describe('Electron host specifics', () => {
  it('passes menu commands through and drops unknown ones', () => {
    const { makeHost, sendToRenderer } = electronFixture();
    const got: string[] = [];
    const unsubscribe = makeHost().onMenuCommand((c) => got.push(c));
    sendToRenderer('menu:command', 'save');
    sendToRenderer('menu:command', 'rm -rf /');
    unsubscribe();
    sendToRenderer('menu:command', 'open');
    expect(got).toEqual(['save']);
  });

  it('turns a malformed reply from main into an error result, not a broken design', async () => {
    const host = new ElectronHost({
      ...electronFixture().bridge,
      openDesign: async () => ({ ok: true, value: { status: 'opened', file: { design: { nodes: 'x' }, name: 'a', handle: null } } }),
    });
    const result = await host.openDesign();
    expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(/invalid reply to design:open/) });
  });

  it("shows main's validation error when the page sends something invalid", async () => {
    const { makeHost } = electronFixture();
    const result = await makeHost().saveDesign({ ...sampleDesign(), nodes: [{ id: '9', type: 'Dense' }] } as never, null);
    expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(/invalid request on design:save/) });
  });

  it('sends document state to main', async () => {
    const { ctx, makeHost } = electronFixture();
    makeHost().setDocumentState({ name: 'net.rescanvas.json', dirty: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(ctx.document).toEqual({ name: 'net.rescanvas.json', dirty: true });
  });
});
