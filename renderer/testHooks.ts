/**
 * What browser tests and benchmarks reach through `window`. They are exposed only when the page is
 * driven by automation (Playwright and every WebDriver/CDP client set `navigator.webdriver`): the build
 * that ships is the build under test — no separate test build whose behaviour could drift — while nobody
 * using the app has these globals, or the in-memory `?host=memory` host, on their page.
 */
import type { appStore } from './store/store';
import type { MemoryHost } from './host/memory';
import type { StatsStore } from './overlay/statsStore';
import type { badgeRenders } from './overlay/OverlayBadge';
import type { parseIncoming } from './engine/connection';
import type { useImageFolder } from './data/imageFolderStore';

export interface TestHooks {
  /** The store, for tests and benchmarks that set up large designs quickly. */
  __rescanvasStore: typeof appStore;
  /** The stats store, for benchmarks that stream frames without an engine. */
  __rescanvasStats: StatsStore;
  /** Counts badge renders, so the benchmark can show a stats frame re-renders none. */
  __rescanvasBadgeRenders: typeof badgeRenders;
  /** The engine-message validator, for the overlay benchmark's synthetic stream. */
  __rescanvasParse: typeof parseIncoming;
  /** The decoded image folder, so a test can compare the worker's pixels with Node's. */
  __rescanvasImageFolder: typeof useImageFolder;
  /** With `?host=memory`: lets tests pick what Open returns. */
  __rescanvasTestHost: MemoryHost;
}

declare global {
  // An interface (not a type alias) is what merges into the DOM's Window.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Window extends Partial<TestHooks> {}
}

export function underAutomation(): boolean {
  return typeof navigator !== 'undefined' && navigator.webdriver === true;
}

export function exposeTestHooks(hooks: Partial<TestHooks>): void {
  if (underAutomation()) Object.assign(window, hooks);
}
