import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The built page carries a strict CSP (no inline scripts or style elements). The dev server is left
 * without it because Vite injects CSS there as <style> elements.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'rescanvas-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  root: '.',
  // Relative URLs so Electron can load the build from file://.
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  // tf.js wasm binaries are fetched at run time; keep them out of dependency pre-bundling.
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  assetsInclude: ['**/*.wasm'],
});
