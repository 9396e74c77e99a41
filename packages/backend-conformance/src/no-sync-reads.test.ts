import { createJsBackend } from '@rnnkit/backend-js';
import { registerBackend, withoutSyncReads } from '@rnnkit/core';
import { runConformance, runMoveToTests } from './index.js';

// Reads are asynchronous by contract: a backend without synchronous reads (a WebGPU one, ONNX
// Runtime Web on a page's main thread) must pass the whole suite, so neither core (autograd,
// scan, tidy, the optimizers' definitions) nor the suite may read synchronously where a backend
// cannot. The JS backend without its readSync stands in for one here; models and optimizer
// state move to and from it as between any two backends.
runConformance({ name: 'js-async-reads', create: () => withoutSyncReads(createJsBackend()) });

registerBackend('js-no-sync', () => withoutSyncReads(createJsBackend(), 'js-no-sync'), {
  priority: -100,
});
runMoveToTests('js-no-sync');
