import type { ResidualBlock } from './blocks';
import { listDiff } from './listDiff';

/**
 * Which blocks hold a node (as a member or as their fork), for the list of blocks last asked about.
 * There is one index, brought from the list it last described to the next by the two lists' diff
 * (carried by the edit, or a walk over the blocks), so an edit on a 16,000-block design updates the
 * entries of the few blocks it changed instead of reading every block's members again.
 */
class BlocksByNode {
  private list: readonly ResidualBlock[] | null = null;
  private readonly byNode = new Map<string, ResidualBlock[]>();

  /** The blocks of `blocks` that hold `id`; read them before the next call with another list. */
  sync(blocks: readonly ResidualBlock[]): (id: string) => readonly ResidualBlock[] {
    if (blocks !== this.list) {
      const diff = this.list ? listDiff(this.list, blocks) : null;
      if (!diff || diff.added.length + diff.removed.length > blocks.length / 2) {
        this.byNode.clear();
        for (const b of blocks) this.add(b);
      } else {
        for (const b of diff.removed) this.remove(b);
        for (const b of diff.added) this.add(b);
      }
      this.list = blocks;
    }
    return (id) => this.byNode.get(id) ?? NONE;
  }

  private add(b: ResidualBlock): void {
    for (const id of new Set([b.fork, ...b.members])) {
      const held = this.byNode.get(id);
      if (held) held.push(b);
      else this.byNode.set(id, [b]);
    }
  }

  private remove(b: ResidualBlock): void {
    for (const id of new Set([b.fork, ...b.members])) {
      const held = this.byNode.get(id);
      if (!held) continue;
      const at = held.indexOf(b);
      if (at >= 0) held.splice(at, 1);
      if (!held.length) this.byNode.delete(id);
    }
  }
}

const NONE: readonly ResidualBlock[] = [];
const shared = new BlocksByNode();

/** A look-up of the blocks holding a node (member or fork) in `blocks`, valid until the next call. */
export function blocksHolding(blocks: readonly ResidualBlock[]): (id: string) => readonly ResidualBlock[] {
  return shared.sync(blocks);
}
