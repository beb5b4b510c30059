import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CONTENT_SECURITY_POLICY } from './electron/contentSecurityPolicy.ts';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './electron/isolationHeaders.ts';
import { wasmThreadsSource } from './scripts/wasmThreadsSource.ts';

/**
 * The built page carries a strict CSP (no inline scripts or style elements). The dev server is left
 * without it because Vite injects CSS there as <style> elements.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'rescanvas-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  root: '.',
  // Relative URLs so Electron can load the build from file://.
  base: './',
  plugins: [react(), contentSecurityPolicy(), wasmThreadsSource()],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  // Cross-origin isolated like app:// in the desktop app, so the engine worker gets wasm threads here too.
  // The preview (what `npm start` in a browser and the browser tests serve) also sends the CSP as a header,
  // as app:// does: a worker's policy comes from its own response, not from the page's meta tag.
  server: { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  preview: { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  worker: { format: 'es', plugins: () => [wasmThreadsSource()] },
  // Training engine worker (issue 7): tfjs-backend-wasm is pre-bundled like any dependency, since its
  // CommonJS worker shim needs the conversion; the .wasm binaries are imported with `?url` in
  // renderer/engine/worker.ts and handed to setWasmPaths, so bundling cannot lose them. Listed so the
  // dev server bundles it at start instead of reloading the page when the worker first imports it.
  optimizeDeps: { include: ['@tensorflow/tfjs-backend-wasm'] },
  assetsInclude: ['**/*.wasm'],
});
