/**
 * Runs sandboxed before the page, with context isolation: exposes the bridge and, when the page
 * asks, hands it the engine's MessagePort (ports cannot cross contextBridge; window.postMessage can
 * carry them).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ENGINE_PORT_MESSAGE } from '../src/protocol/ipc';
import type { ENGINE_PLACEMENT_ARGUMENT } from '../src/protocol/enginePlacement';
import { createBridge } from './preload/bridge';
import { enginePortHandOver } from './preload/enginePort';

const ENGINE_PORT: typeof ENGINE_PORT_MESSAGE = 'rescanvas:engine-port';
/** Spelled out (type-checked against the constant) so the sandboxed preload bundles no zod. */
const PLACEMENT: typeof ENGINE_PLACEMENT_ARGUMENT = '--rescanvas-engine-placement=';
const placement = process.argv.find((a) => a.startsWith(PLACEMENT))?.slice(PLACEMENT.length) ?? null;

const enginePort = enginePortHandOver<MessagePort>(ipcRenderer, {
  handOver: (port) => window.postMessage(ENGINE_PORT, window.location.origin, [port]),
});

contextBridge.exposeInMainWorld(
  'rescanvas',
  createBridge(ipcRenderer, () => enginePort.request(), placement),
);
