'use strict';
/**
 * One thread of tf.js's threaded wasm build under Node's worker_threads. Emscripten's pthread
 * worker supports Node, but tf.js hands it the glue code as a Blob, which Node cannot
 * importScripts; this runs the same worker code and points that one 'load' message at the glue
 * file on disk instead. Plain CommonJS, because Node starts it as a worker file as it stands.
 */
const { existsSync } = require('node:fs');
const path = require('node:path');
const { parentPort } = require('node:worker_threads');

const GLUE = 'tfjs-backend-wasm-threaded-simd.js';
const WORKER = 'tfjs-backend-wasm-threaded-simd.worker.js';

/** Beside this file in a bundled app (the build copies them there), else in the installed package. */
function wasmOutDir() {
  if (existsSync(path.join(__dirname, GLUE)) && existsSync(path.join(__dirname, WORKER))) return __dirname;
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

const dir = wasmOutDir();
const glue = path.join(dir, GLUE);
const listen = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  listen(
    event,
    event !== 'message'
      ? listener
      : (data) => {
          if (data && data.cmd === 'load' && typeof data.urlOrBlob !== 'string') data.urlOrBlob = glue;
          listener(data);
        },
  );

// The worker code expects CommonJS names at global scope, as a worker script file would have them.
global.require = require;
global.__filename = __filename;
// tf.js escapes the newlines inside the code's string literals the same way before making its Blob.
(0, eval)(require(path.join(dir, WORKER)).wasmWorkerContents.replace(/\n/g, '\\n'));
