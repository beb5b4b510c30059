#!/usr/bin/env node
/**
 * Bundles Electron's main process and preload into dist/electron/ as CommonJS (Electron loads the
 * `main` entry of package.json; a sandboxed preload must be one self-contained file). The renderer
 * is built separately by Vite into dist/web, which main serves as app://rescanvas/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'electron');
/** The training engine's process entry, bundled when the engine provides one. */
const ENGINE_ENTRY = 'src/engine/processEntry.ts';
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

const entries = [
  { in: 'electron/main.ts', out: 'main' },
  { in: 'electron/preload.ts', out: 'preload' },
];
if (existsSync(join(root, ENGINE_ENTRY))) entries.push({ in: ENGINE_ENTRY, out: 'engine' });

for (const entry of entries) {
  await build({ ...common, absWorkingDir: root, entryPoints: [entry.in], outfile: join(outdir, `${entry.out}.cjs`) });
}
console.log(`built ${entries.map((e) => `dist/electron/${e.out}.cjs`).join(', ')}`);
