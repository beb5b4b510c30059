import type { Lesson } from './types';
import { depthWithoutNorm } from './lessons/depthWithoutNorm';
import { normalizationHelps } from './lessons/normalizationHelps';
import { deeperIsWorse } from './lessons/deeperIsWorse';
import { residualsFixIt } from './lessons/residualsFixIt';
import { noiseAfterFewLayers } from './lessons/noiseAfterFewLayers';
import { backwardSymmetric } from './lessons/backwardSymmetric';
import { gradientsTravelFurther } from './lessons/gradientsTravelFurther';
import { thousandLayers } from './lessons/thousandLayers';
import { shapesDiffer } from './lessons/shapesDiffer';
import { droppingLayers } from './lessons/droppingLayers';
import { chaoticOrSmooth } from './lessons/chaoticOrSmooth';

/** The lessons in teaching order: the story of residual connections. */
export const LESSONS: readonly Lesson[] = [
  depthWithoutNorm,
  normalizationHelps,
  deeperIsWorse,
  residualsFixIt,
  noiseAfterFewLayers,
  backwardSymmetric,
  gradientsTravelFurther,
  thousandLayers,
  shapesDiffer,
  droppingLayers,
  chaoticOrSmooth,
];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id || String(l.number) === id);
}
