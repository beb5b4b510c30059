/**
 * The desktop engine's MessagePort, which the preload hands to the page with window.postMessage
 * (ports cannot cross the context bridge) once the page asks: listen first, then `ask`, so the port
 * cannot arrive unheard. A reload of the page gets a new one. Messages on it are
 * `EnginePortMessage`s; validate them with the engine protocol's schema before use.
 */
import { ENGINE_PORT_MESSAGE } from '../../src/protocol/ipc';

export function waitForEnginePort(target: Window, ask: () => void): Promise<MessagePort> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent): void => {
      // Only the preload, running in this window, may hand over the port.
      if (event.source !== target || event.origin !== target.location.origin || event.data !== ENGINE_PORT_MESSAGE || event.ports.length !== 1) return;
      target.removeEventListener('message', onMessage);
      resolve(event.ports[0]);
    };
    target.addEventListener('message', onMessage);
    ask();
  });
}
