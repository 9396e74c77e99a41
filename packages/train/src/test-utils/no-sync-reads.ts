// Setup of the 'js-async-reads' test project (vitest.config.ts): the JS backend without
// synchronous reads, as a WebGPU backend or ONNX Runtime Web on a page's main thread, selected
// before the test file loads. The Trainer, its evaluation, clipping, checkpoints and the
// optimizers' state must work on it: reads are asynchronous by contract.
import { createJsBackend } from '@rnnkit/backend-js';
import { getBackend, registerBackend, setBackend, withoutSyncReads } from '@rnnkit/core';
import { beforeEach, expect } from 'vitest';

registerBackend('js-async-reads', () => withoutSyncReads(createJsBackend()), { priority: -100 });
await setBackend('js-async-reads');

beforeEach(() => {
  // every test of the project runs on it: a test file that selected another backend would not
  // be testing what this project is for
  expect(getBackend().name).toBe('js-async-reads');
  expect(getBackend().readSync).toBeUndefined();
});
