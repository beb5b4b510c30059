import type { ScheduleSettings } from '../schema/settings';

/** The learning rate for a step (0-based), from the base rate, the schedule and the warm-up. */
export function learningRateAt(base: number, schedule: ScheduleSettings, warmupSteps: number, step: number, stepsPerEpoch: number, totalSteps: number): number {
  let rate = base;
  switch (schedule.kind) {
    case 'constant':
      break;
    case 'step':
      rate = base * schedule.factor ** Math.floor(step / stepsPerEpoch / schedule.everyEpochs);
      break;
    case 'cosine': {
      const progress = Math.min(1, step / Math.max(1, totalSteps - 1));
      rate = base * (schedule.minFactor + (1 - schedule.minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
      break;
    }
  }
  return warmupSteps > 0 && step < warmupSteps ? (rate * (step + 1)) / warmupSteps : rate;
}
