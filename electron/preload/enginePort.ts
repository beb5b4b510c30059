/**
 * Hands the engine's MessagePort from main to the page without losing it. Main sends a port on
 * every page load, whenever it likes; the page asks for it when its UI wants the engine. Ports
 * cannot cross contextBridge, so the preload keeps the newest one and hands it over with
 * window.postMessage only once the page has asked — by then the page is listening.
 */
import type { IpcRendererLike } from './bridge';

/** Where the port goes: the page's window, seen from the preload. */
export interface PortRecipient<P> {
  handOver(port: P): void;
}

export function enginePortHandOver<P>(ipc: IpcRendererLike, recipient: PortRecipient<P>): { request(): void } {
  let port: P | null = null;
  let asked = false;
  const deliver = (): void => {
    if (!asked || port === null) return;
    const handed = port;
    port = null;
    asked = false;
    recipient.handOver(handed);
  };
  ipc.on('engine:port', (event) => {
    const ports = (event as { ports?: readonly P[] } | null)?.ports;
    if (!ports || ports.length !== 1) return;
    // A newer page load's port replaces one the page never asked for.
    port = ports[0];
    deliver();
  });
  return {
    request: () => {
      asked = true;
      deliver();
    },
  };
}
