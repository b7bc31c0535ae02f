'use strict';
// One pthread of tfjs-backend-wasm's multi-threaded build, started by Emscripten as a Node
// worker_thread (see src/backend/wasmThreads.ts). tfjs hands Emscripten the pthread code and the
// module factory as Blobs, which Node workers cannot load, so both come from the package instead.
const path = require('node:path');

const wasmOut = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
const { wasmWorkerContents } = require(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js'));

// The pthread code expects a script scope with these names.
global.require = require;
global.__filename = __filename;
// The exported string carries raw newlines inside its string literals; escape them back.
(0, eval)(wasmWorkerContents.replace(/\n/g, '\\n'));

const factory = path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
const handle = global.onmessage;
global.onmessage = (event) => {
  if (event.data && event.data.cmd === 'load') event.data.urlOrBlob = factory;
  handle(event);
};
