/** EngineChild / EnginePort over Electron's utilityProcess and MessagePortMain. */
import { utilityProcess, type MessagePortMain } from 'electron';
import type { EngineChild, EnginePort } from './engineHost';

export function utilityProcessSpawner(entry: string): () => EngineChild {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'ResCanvas engine', stdio: 'inherit' });
    return {
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void child.on('exit', listener),
      kill: () => void child.kill(),
    };
  };
}

export function electronEnginePort(port: MessagePortMain): EnginePort {
  port.start();
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
    close: () => port.close(),
  };
}
