import type { Design } from '../../src/graph/design';
import { unroll } from '../../src/graph/unroll';
import type { StatsFrame } from '../../src/schema/stats';

export type NodeIdCheck = { ok: true } | { ok: false; missing: string[]; reason: string };

/**
 * Whether every node id the frames name is a node of the design once repeat groups are unrolled
 * (`dense_1__3` for copy 3): a log replayed on another design would paint the wrong nodes.
 */
export function checkNodeIds(design: Design, frames: readonly StatsFrame[]): NodeIdCheck {
  let known: Set<string>;
  try {
    known = new Set(unroll(design).nodes.map((n) => n.id));
  } catch (error) {
    return { ok: false, missing: [], reason: `the open design cannot be unrolled (${error instanceof Error ? error.message : String(error)})` };
  }
  const missing = new Set<string>();
  let lastIds: readonly string[] | null = null;
  for (const frame of frames) {
    // Frames of one run usually share one ids array; check each distinct one once.
    if (frame.nodes.ids === lastIds) continue;
    lastIds = frame.nodes.ids;
    for (const id of frame.nodes.ids) if (!known.has(id)) missing.add(id);
  }
  if (missing.size === 0) return { ok: true };
  const list = [...missing];
  const shown = list
    .slice(0, 5)
    .map((id) => `"${id.slice(0, 60)}"`)
    .join(', ');
  return {
    ok: false,
    missing: list,
    reason: `its stats name ${list.length} node${list.length === 1 ? '' : 's'} the open design does not have: ${shown}${list.length > 5 ? ` and ${list.length - 5} more` : ''}`,
  };
}
