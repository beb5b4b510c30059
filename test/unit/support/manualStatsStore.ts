import { StatsStore } from '../../../renderer/overlay/statsStore';

/** A stats store whose animation frames run only when the test calls flush(). */
export function manualStatsStore(): { store: StatsStore; flush: () => void } {
  const queue: (() => void)[] = [];
  const store = new StatsStore({ schedule: (cb) => queue.push(cb), now: () => 0 });
  return { store, flush: () => queue.splice(0).forEach((cb) => cb()) };
}
