#!/usr/bin/env node
/**
 * Bundles Electron's main process and preload into dist/electron/ as CommonJS (Electron loads the
 * `main` entry of package.json; a sandboxed preload must be one self-contained file). The renderer
 * is built separately by Vite into dist/web, which main serves as app://rescanvas/.
 */
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'electron');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 39 ships Node 22.
  target: 'node22',
  external: ['electron', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  sourcemap: production ? false : 'linked',
  minify: false,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

const outputs = [];
for (const entry of ['main', 'preload']) {
  await build({ ...common, absWorkingDir: root, entryPoints: [`electron/${entry}.ts`], outfile: join(outdir, `${entry}.cjs`) });
  outputs.push(`${entry}.cjs`);
}
// The engine's worker thread uses top-level await, so it is an ES module; bundled CommonJS
// dependencies still call require(), which an ES module must create for them.
await build({
  ...common,
  absWorkingDir: root,
  format: 'esm',
  entryPoints: ['electron/engine/worker.ts'],
  outfile: join(outdir, 'engine-worker.mjs'),
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      // tf.js's wasm backend finds its .wasm files through __dirname, which ES modules lack.
      'const __filename = __fileURLToPath(import.meta.url);',
      "import { dirname as __pathDirname } from 'node:path';",
      'const __dirname = __pathDirname(__filename);',
    ].join('\n'),
  },
});
// ...and expects them beside the bundle.
const wasmDir = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, file), join(outdir, file));
// Threaded wasm in Node starts each thread from node/wasmThreadWorker.cjs, which loads the
// Emscripten glue and thread code from beside itself (node/wasmThreads.ts).
copyFileSync(join(root, 'node', 'wasmThreadWorker.cjs'), join(outdir, 'wasmThreadWorker.cjs'));
const wasmOut = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'wasm-out');
for (const file of ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js']) copyFileSync(join(wasmOut, file), join(outdir, file));
outputs.push('engine-worker.mjs');
console.log(`built ${outputs.map((o) => `dist/electron/${o}`).join(', ')}`);
