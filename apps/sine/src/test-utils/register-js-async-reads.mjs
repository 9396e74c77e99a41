// Preloaded into the CLI's process by the tests (node --import, through NODE_OPTIONS, so any
// worker thread loads it too): registers 'js-async-reads', the JS backend without
// synchronous reads, as a WebGPU backend or ONNX Runtime Web on a page's main thread would be.
// `--backend js-async-reads` then runs the app on it: reads are asynchronous by contract.
import { createJsBackend } from '@rnnkit/backend-js';
import { registerBackend, withoutSyncReads } from '@rnnkit/core';

registerBackend('js-async-reads', () => withoutSyncReads(createJsBackend()), { priority: -100 });
