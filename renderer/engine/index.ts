import { getHost } from '../host';
import type { EngineConnection } from './connection';

export type { EngineConnection, EngineMessage, EngineStatus } from './connection';

/** The engine the UI trains with: the host's (the desktop engine, or a Web Worker on the web). */
export function getEngine(): EngineConnection {
  return getHost().engine();
}
