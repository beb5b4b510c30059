/**
 * The one Content-Security-Policy of the app page: main sends it as a header for app:// (electron/security.ts)
 * and the build writes it as a meta tag (vite.config.ts); scripts/scan-electron.mjs checks they agree.
 * No imports, so Vite's config can load it without pulling in Electron.
 *
 * No inline or remote scripts, no inline style elements. `'wasm-unsafe-eval'` lets tf.js compile
 * its WebAssembly backend and allows nothing else; blob: and data: serve the engine's worker and
 * its wasm binaries. blob: scripts: tf.js' threaded wasm build starts each of its threads as a blob:
 * worker that imports the build's loader from another blob: (tfjs-backend-wasm 4.22, backend_wasm.js);
 * only code already running in the app can make a blob: URL, so this lets in nothing from outside.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
