/**
 * The object the preload exposes as `window.rescanvas`: one function per operation, each bound to
 * one channel, so the page can never pick a channel or reach `ipcRenderer` itself. No validation
 * here on purpose — main validates requests, the renderer's host validates replies — which keeps
 * the sandboxed preload free of dependencies. Type-only imports: nothing from zod is bundled.
 */
import type { EventChannel, InvokeChannel, RescanvasBridge } from '../../src/protocol/ipc';

/** The part of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, payload?: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/**
 * `requestEnginePort`: asks the preload to hand the engine's port to the page (preload/enginePort.ts).
 * `enginePlacement`: the raw placement main passed on the renderer's command line.
 */
export function createBridge(ipc: IpcRendererLike, requestEnginePort: () => void = () => undefined, enginePlacement: string | null = null): RescanvasBridge {
  const invoke = (channel: InvokeChannel, payload?: unknown): Promise<unknown> => ipc.invoke(channel, payload);
  const externalOpens = bufferedEvent(ipc, 'design:external-open');
  return {
    version: 1,
    openDesign: () => invoke('design:open'),
    openRunLog: () => invoke('runlog:open'),
    pickImageFolder: () => invoke('images:pick'),
    saveDesign: (request) => invoke('design:save', request),
    exportFiles: (bundle) => invoke('design:export', bundle),
    writeRecovery: (entry) => invoke('recovery:write', entry),
    readRecovery: () => invoke('recovery:read'),
    clearRecovery: () => invoke('recovery:clear'),
    setDocumentState: (state) => invoke('document:state', state),
    onMenuCommand: (listener) => subscribe(ipc, 'menu:command', listener),
    onExternalOpen: externalOpens,
    requestEnginePort: () => requestEnginePort(),
    enginePlacement,
  };
}

function subscribe(ipc: IpcRendererLike, channel: EventChannel, listener: (payload: unknown) => void): () => void {
  // The page's listener never sees the IpcRendererEvent (it carries `sender`, i.e. ipcRenderer).
  const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
  ipc.on(channel, wrapped);
  return () => {
    ipc.removeListener(channel, wrapped);
  };
}

/**
 * A file given on the command line is sent as soon as the page has loaded, which can be before the
 * UI subscribes; hold such events until the first listener arrives.
 */
function bufferedEvent(ipc: IpcRendererLike, channel: EventChannel): (listener: (payload: unknown) => void) => () => void {
  const pending: unknown[] = [];
  const listeners = new Set<(payload: unknown) => void>();
  ipc.on(channel, (_event, payload) => {
    if (listeners.size === 0) pending.push(payload);
    for (const l of listeners) l(payload);
  });
  return (listener) => {
    listeners.add(listener);
    for (const payload of pending.splice(0)) listener(payload);
    return () => {
      listeners.delete(listener);
    };
  };
}
