/** A folded block's canvas id: the merge id behind a prefix no design id can carry (ids allow no ':'). */
export const BLOCK_PREFIX = 'block:';

export const blockNodeId = (mergeId: string): string => `${BLOCK_PREFIX}${mergeId}`;
