import type { Host } from './host';

export type { Host } from './host';

let current: Host | null = null;

/**
 * The host the UI runs on, installed with setHost before the UI mounts (renderer/selectHost.ts;
 * tests install a MemoryHost). Without one this throws: a silent stand-in would lose saves.
 */
export function getHost(): Host {
  if (!current) throw new Error('no host is installed: call setHost() (renderer/selectHost.ts) before the UI starts');
  return current;
}

export function setHost(host: Host): void {
  current = host;
}
