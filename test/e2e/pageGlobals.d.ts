/** What the page exposes for browser tests and benchmarks: renderer/testHooks.ts declares it on Window. */
export type { TestHooks } from '../../renderer/testHooks';
