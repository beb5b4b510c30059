/**
 * Import direction, checked by `npm run lint` (dependency-cruiser). Each layer may import only the layers
 * below it:
 *   src/schema ← src/graph ← src/compile ← src/protocol ← src/engine ← src/{lessons,export,import}
 *   ← renderer/, electron/, cli/ (on top; node/ holds the Node-only code electron/ and cli/ share).
 * test/unit/importDirection.test.ts shows each rule rejects a back-edge.
 */
const LAYERS = ['schema', 'graph', 'compile', 'protocol', 'engine', '(lessons|export|import)'];
const above = (i) => `^src/(${LAYERS.slice(i + 1).join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `src-${layer.replace(/[()|]/g, '')}-imports-upward`,
      comment: `src/${layer} sits below ${LAYERS.slice(i + 1).join(', ')}: move the shared shape down instead of importing up.`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: above(i) },
    })),
    {
      name: 'src-lessons-export-import-are-peers',
      comment: 'lessons, export and import build on the engine and never on each other (shared formats live lower).',
      severity: 'error',
      from: { path: '^src/(lessons|export|import)/' },
      to: { path: '^src/(lessons|export|import)/', pathNot: '^src/$1/' },
    },
    {
      name: 'src-stays-below-the-apps',
      comment: 'src/ is the core every process shares; it never imports an app.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(renderer|electron|cli|node)/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      comment: 'renderer/, electron/ and cli/ meet only in src/ (and electron/ with cli/ in node/).',
      severity: 'error',
      from: { path: '^(renderer|electron|cli)/' },
      to: { path: '^(renderer|electron|cli)/', pathNot: '^$1/' },
    },
    {
      name: 'node-shared-below-the-apps',
      comment: 'node/ is shared by electron/ and cli/, so it imports neither.',
      severity: 'error',
      from: { path: '^node/' },
      to: { path: '^(renderer|electron|cli)/' },
    },
    {
      name: 'no-circular-in-src',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    // Type-only imports count: a type import up the layers is the same tangle.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
