import type { Host } from './host';
import { MemoryHost } from './memory';

export type { Host } from './host';

let current: Host | null = null;

/**
 * The host the UI runs on. The desktop preload and the web entry install theirs with setHost before
 * the UI mounts; without one (unit tests) the UI gets an in-memory host.
 */
export function getHost(): Host {
  current ??= new MemoryHost();
  return current;
}

export function setHost(host: Host): void {
  current = host;
}
