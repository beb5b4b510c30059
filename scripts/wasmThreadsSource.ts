import type { Plugin } from 'vite';

const THREADED_FACTORY = /@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const START = '\nfunction(WasmBackendModuleThreadedSimd) {';
const END = '\n);\n})();';

/**
 * tf.js' threaded wasm build starts each thread from the *source text* of its emscripten factory
 * (`factory.toString()` put in a blob: script). Minifying renames the factory's free variable
 * `_scriptDir` and drops the `typeof` guards around it, so every thread dies with "e is not defined".
 * This gives the factory a `toString` that returns its original text, kept as a string literal that
 * the minifier leaves alone; the page itself still runs the minified factory.
 */
export function wasmThreadsSource(): Plugin {
  return {
    name: 'rescanvas-wasm-threads-source',
    apply: 'build',
    transform(code, id) {
      if (!THREADED_FACTORY.test(id)) return null;
      const start = code.indexOf(START);
      const end = code.indexOf(END, start);
      if (start < 0 || end < 0)
        this.error(
          `${id}: the emscripten factory's shape changed; check wasmThreadsSource (scripts/wasmThreadsSource.ts) against this tfjs-backend-wasm version`,
        );
      const factory = code.slice(start + 1, end);
      const after = end + END.length;
      return `${code.slice(0, after)}\nWasmBackendModuleThreadedSimd.toString = function () { return ${JSON.stringify(factory)}; };${code.slice(after)}`;
    },
  };
}
