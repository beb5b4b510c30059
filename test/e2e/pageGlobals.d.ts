/** What the page exposes for browser tests and benchmarks (see renderer/main.tsx and renderer/selectHost.ts). */
import type { appStore } from '../../renderer/store/store';
import type { MemoryHost } from '../../renderer/host/memory';
import type { StatsStore } from '../../renderer/overlay/statsStore';

declare global {
  interface Window {
    __rescanvasStore?: typeof appStore;
    __rescanvasTestHost?: MemoryHost;
    __rescanvasStats?: StatsStore;
  }
}

export {};
