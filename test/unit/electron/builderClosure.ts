/**
 * Dependency closures read from package-lock.json (lockfile v3 `packages`), resolved the way Node
 * resolves: a package's dependency is looked up in its own nested node_modules, then upwards.
 * Names are those of the top-level (hoisted) copies, which is where the packaged node_modules
 * puts them; nested copies travel inside their parent.
 */
export type LockPackages = Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;

/** Packages holding only TypeScript declarations, which electron-builder strips anyway (`*.d.ts`). */
export const TYPE_ONLY_SCOPES = ['@types/', '@webgpu/'];

function resolve(packages: LockPackages, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!base) return null;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/** Top-level package names reachable from `roots` through dependencies and optional dependencies. */
export function packageClosure(packages: LockPackages, roots: readonly string[], from = ''): Set<string> {
  const seen = new Set<string>();
  const stack = roots.map((name) => [from, name] as const);
  while (stack.length) {
    const [parent, name] = stack.pop() ?? ['', ''];
    const key = resolve(packages, parent, name);
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    const entry = packages[key];
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) stack.push([key, dep]);
  }
  return new Set([...seen].map((key) => key.slice('node_modules/'.length)).filter((name) => !name.includes('node_modules/')));
}

/** What electron-builder collects for the app: the production and optional dependencies, transitively. */
export function productionClosure(packages: LockPackages): Set<string> {
  const rootEntry = packages[''];
  return packageClosure(packages, Object.keys({ ...rootEntry.dependencies, ...rootEntry.optionalDependencies }));
}
