/**
 * Runs sandboxed before the page, with context isolation: exposes the bridge and hands the engine's
 * MessagePort to the page (ports cannot cross contextBridge; window.postMessage can carry them).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ENGINE_PORT_MESSAGE } from '../src/protocol/ipc';
import { createBridge } from './preload/bridge';

const ENGINE_PORT: typeof ENGINE_PORT_MESSAGE = 'rescanvas:engine-port';

contextBridge.exposeInMainWorld('rescanvas', createBridge(ipcRenderer));

ipcRenderer.on('engine:port', (event) => {
  window.postMessage(ENGINE_PORT, window.location.origin, event.ports);
});
