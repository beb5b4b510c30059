/**
 * What changed between two versions of a list of objects (the design's nodes or edges), by object
 * identity: an edit keeps every untouched item as the same object, so comparing pointers in one walk
 * finds the few that changed without hashing 50,000 items.
 */
export interface ListDiff<T> {
  added: T[];
  removed: T[];
}

/** Past this many mismatches the walk gives way to a set-based diff (a reorder, a large paste). */
const WALK_LIMIT = 4000;

const NONE: ListDiff<never> = { added: [], removed: [] };

/**
 * Items of `next` that are not in `prev`, and items of `prev` that are not in `next`. Items are
 * assumed unique within each list (as nodes and edges are).
 */
export function listDiff<T extends object>(prev: readonly T[], next: readonly T[]): ListDiff<T> {
  if (prev === next) return NONE as ListDiff<T>;
  return carried(prev, next) ?? walkDiff(prev, next) ?? setDiff(prev, next);
}

/**
 * Changes that edits carry with the lists they make (see `changed`): the new list → the list it was
 * made from (weakly, so history past what undo keeps can be collected) and what went in and out.
 */
const notes = new WeakMap<readonly object[], { from: WeakRef<readonly object[]>; added: readonly object[]; removed: readonly object[] }>();

/** How many recorded edits listDiff follows from one list back to another before walking the lists. */
const CHAIN_LIMIT = 16;

/**
 * Records that `next` is `prev` with `added` put in and `removed` taken out (each item in one list at
 * most once, the items kept in the same order), so listDiff between them, either way round and across a few such steps, costs the
 * change rather than a walk over both lists. Returns `next`.
 */
export function changed<T extends object>(prev: readonly T[], next: readonly T[], added: readonly T[], removed: readonly T[]): T[] {
  if (prev !== next) notes.set(next, { from: new WeakRef(prev), added, removed });
  return next as T[];
}

/** `list` with `items` appended, the change recorded. */
export function appended<T extends object>(list: readonly T[], items: readonly T[]): T[] {
  // concat copies natively; spreading 50,000 items went through the iterator protocol.
  return changed(list, list.concat(items), items, []);
}

/** `list` without `items` (each in it at most once), cut out by position, the change recorded. */
export function withoutItems<T extends object>(list: readonly T[], items: readonly T[]): T[] {
  const at = items.map((item) => list.lastIndexOf(item)).filter((i) => i >= 0);
  const next = list.slice();
  // From the highest place down, so each cut leaves the places still to cut where they were.
  at.sort((a, b) => b - a);
  for (const i of at) next.splice(i, 1);
  return changed(
    list,
    next,
    [],
    at.map((i) => list[i]),
  );
}

/** `list` with the item at `at` replaced, the change recorded. */
export function replacedAt<T extends object>(list: readonly T[], at: number, item: T): T[] {
  const next = list.slice();
  next[at] = item;
  return changed(list, next, [item], [list[at]]);
}

/** The recorded steps from `older` to `newer`, oldest last, or null if not within CHAIN_LIMIT. */
function chain(older: readonly object[], newer: readonly object[]): { added: readonly object[]; removed: readonly object[] }[] | null {
  const steps: { added: readonly object[]; removed: readonly object[] }[] = [];
  let at: readonly object[] | undefined = newer;
  while (at && at !== older && steps.length < CHAIN_LIMIT) {
    const note = notes.get(at);
    if (!note) return null;
    steps.push(note);
    at = note.from.deref();
  }
  return at === older ? steps : null;
}

/** The diff from recorded changes (forward, or backward as after an undo), or null when none lead there. */
function carried<T extends object>(prev: readonly T[], next: readonly T[]): ListDiff<T> | null {
  return carriedChange(prev, next)?.diff ?? null;
}

/**
 * The carried diff, and whether some item was taken out and put back between the two lists (it may
 * stand elsewhere now, so the kept items are not known to keep their order).
 */
function carriedChange<T extends object>(prev: readonly T[], next: readonly T[]): { diff: ListDiff<T>; moved: boolean } | null {
  const forward = chain(prev, next);
  const steps = forward ?? chain(next, prev);
  if (!steps) return null;
  const added = new Set<object>();
  const removed = new Set<object>();
  let moved = false;
  // Oldest step first; an item put in and taken out again between the two lists cancels out.
  for (let k = steps.length - 1; k >= 0; k--) {
    for (const item of steps[k].removed) if (!added.delete(item)) removed.add(item);
    for (const item of steps[k].added)
      if (removed.delete(item)) moved = true;
      else added.add(item);
  }
  const diff = { added: [...added], removed: [...removed] } as ListDiff<T>;
  return { diff: forward ? diff : { added: diff.removed, removed: diff.added }, moved };
}

/**
 * Two pointers, each mismatch read as a removal, an insertion or a replacement by what the next items
 * say and by which list has more left. A wrong reading cascades into items counted both removed and
 * added; that (or too many mismatches) returns null and the caller diffs by sets.
 */
function walkDiff<T extends object>(prev: readonly T[], next: readonly T[]): ListDiff<T> | null {
  const added: T[] = [];
  const removed: T[] = [];
  let i = 0;
  let j = 0;
  while (i < prev.length && j < next.length) {
    const a = prev[i];
    const b = next[j];
    if (a === b) {
      i++;
      j++;
      continue;
    }
    const prevLeft = prev.length - i;
    const nextLeft = next.length - j;
    if (prev[i + 1] === b) {
      removed.push(a);
      i++;
    } else if (next[j + 1] === a) {
      added.push(b);
      j++;
    } else if (prevLeft > nextLeft) {
      removed.push(a);
      i++;
    } else if (nextLeft > prevLeft) {
      added.push(b);
      j++;
    } else {
      removed.push(a);
      added.push(b);
      i++;
      j++;
    }
    if (added.length + removed.length > WALK_LIMIT) return null;
  }
  while (i < prev.length) removed.push(prev[i++]);
  while (j < next.length) added.push(next[j++]);
  if (added.length + removed.length > WALK_LIMIT) return null;
  if (added.length && removed.length) {
    const [small, large] = added.length < removed.length ? [added, removed] : [removed, added];
    const seen = new Set<T>(small);
    if (large.some((item) => seen.has(item))) return null;
  }
  return { added, removed };
}

function setDiff<T extends object>(prev: readonly T[], next: readonly T[]): ListDiff<T> {
  const before = new Set(prev);
  const after = new Set(next);
  return { added: next.filter((item) => !before.has(item)), removed: prev.filter((item) => !after.has(item)) };
}

/** A list as indexes into a previous version (runs of them as [start, count]) and new items. */
export type Patch<T> = (number | [number, number] | T)[];

/**
 * `next` as a patch of `prev`: how the design worker is told about a new version of a list it holds.
 * Runs of unchanged items go as one [start, count] pair, so a one-node edit on 50,000 nodes sends a
 * few numbers rather than 50,000 (copying them into the message took the page hundreds of ms).
 */
export function indexPatch<T extends object>(prev: readonly T[], next: readonly T[]): Patch<T> {
  return carriedPatch(prev, next) ?? walkPatch(prev, next);
}

/**
 * The patch from the change an edit carried: the removed items' places in `prev` and the added ones'
 * in `next` (native searches), and runs of kept items between them, which keep their order. Null
 * when no change was carried or it does not add up.
 */
function carriedPatch<T extends object>(prev: readonly T[], next: readonly T[]): Patch<T> | null {
  if (prev === next) return null;
  const change = carriedChange(prev, next);
  if (!change || change.moved) return null;
  const { diff } = change;
  if (diff.added.length + diff.removed.length > WALK_LIMIT) return null;
  if (prev.length - diff.removed.length + diff.added.length !== next.length) return null;
  const gone = diff.removed.map((item) => prev.lastIndexOf(item)).sort((a, b) => a - b);
  const fresh = diff.added.map((item) => next.lastIndexOf(item)).sort((a, b) => a - b);
  if (gone.some((i) => i < 0) || fresh.some((j) => j < 0)) return null;
  const out: Patch<T> = [];
  let i = 0;
  let r = 0;
  let a = 0;
  for (let j = 0; j < next.length;) {
    if (a < fresh.length && fresh[a] === j) {
      out.push(next[j++]);
      a++;
      continue;
    }
    while (r < gone.length && gone[r] === i) {
      i++;
      r++;
    }
    const run = Math.min((a < fresh.length ? fresh[a] : next.length) - j, (r < gone.length ? gone[r] : prev.length) - i);
    if (run <= 0 || prev[i] !== next[j] || prev[i + run - 1] !== next[j + run - 1]) return null;
    out.push(run === 1 ? i : [i, run]);
    i += run;
    j += run;
  }
  return out;
}

function walkPatch<T extends object>(prev: readonly T[], next: readonly T[]): Patch<T> {
  // One walk that writes runs as it goes: the list of 50,000 indexes it used to build first cost as much as the walk.
  const out: Patch<T> = [];
  let start = 0;
  let count = 0;
  const flush = (): void => {
    if (count === 1) out.push(start);
    else if (count > 1) out.push([start, count]);
    count = 0;
  };
  const unchanged = (k: number): void => {
    if (count && start + count === k) count++;
    else {
      flush();
      start = k;
      count = 1;
    }
  };
  let i = 0;
  let misses = 0;
  for (let j = 0; j < next.length; j++) {
    const b = next[j];
    if (prev[i] === b) {
      unchanged(i++);
      continue;
    }
    // A removal in prev: skip it; anything else is sent as the item itself.
    if (prev[i + 1] === b) {
      unchanged(i + 1);
      i += 2;
      continue;
    }
    flush();
    out.push(b);
    if (++misses > WALK_LIMIT) {
      const at = new Map(prev.map((item, k) => [item, k]));
      return runs(next.map((item) => at.get(item) ?? item));
    }
  }
  flush();
  return out;
}

/** Indexes and items as a patch: consecutive indexes as [start, count]. */
function runs<T extends object>(items: readonly (number | T)[]): Patch<T> {
  const out: Patch<T> = [];
  for (const item of items) {
    const lastPart = out[out.length - 1];
    if (typeof item !== 'number') out.push(item);
    else if (Array.isArray(lastPart) && lastPart[0] + lastPart[1] === item) lastPart[1]++;
    else if (typeof lastPart === 'number' && lastPart + 1 === item) out[out.length - 1] = [lastPart, 2];
    else out.push(item);
  }
  return out;
}

/** The list a patch describes, given the version it was made from. */
export function applyPatch<T>(prev: readonly T[], patch: readonly (number | [number, number] | T)[]): T[] {
  const out: T[] = [];
  for (const part of patch) {
    if (typeof part === 'number') out.push(prev[part]);
    else if (Array.isArray(part) && part.length === 2 && typeof part[0] === 'number' && typeof part[1] === 'number')
      for (let k = 0; k < part[1]; k++) out.push(prev[part[0] + k]);
    else out.push(part as T);
  }
  return out;
}
