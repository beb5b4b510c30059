/**
 * The response headers that make the app's page cross-origin isolated, so `SharedArrayBuffer` exists
 * and the engine's worker can run tf.js' threaded wasm build. Sent by app:// in the desktop app and by
 * Vite's dev and preview servers. No imports, so Vite's config can load it without pulling in Electron.
 *
 * COOP same-origin + COEP require-corp isolate the page; CORP same-origin marks every file the app
 * serves (worker scripts, .wasm binaries, images) as loadable by that isolated page, and by no other origin.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
