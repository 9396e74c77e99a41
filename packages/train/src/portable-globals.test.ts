import '@rnnkit/backend-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { saveCheckpoint } from './checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint, modelTensors } from './checkpoint-data.js';
import { mseLoss } from './losses.js';
import { Adam } from './optim/adam.js';
import { tempDir } from './test-utils/helpers.js';
import { regressor, sineData } from './test-utils/sine.js';
import { Trainer } from './trainer.js';

// The portable entry runs where Node's globals do not exist (a page, a Web Worker). These tests
// remove the globals a browser lacks (Buffer, setImmediate) for real, then run the code.
afterEach(() => vi.unstubAllGlobals());

function withoutNodeGlobals(): void {
  vi.stubGlobal('Buffer', undefined);
  vi.stubGlobal('setImmediate', undefined);
}

describe('checkpoint bytes without Node globals', () => {
  it('encodeCheckpoint gives the bytes saveCheckpoint writes, without Buffer', async () => {
    const model = regressor(4, { hiddenSize: 5, numLayers: 1, dropout: 0 });
    const data = {
      model: await modelTensors(model),
      progress: { step: 3, epoch: 0, batchInEpoch: 3 },
      // A non-ASCII config: the header's length is counted in UTF-8 bytes, not characters.
      config: { corpus: 'Café ✓' },
    };
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'last.safetensors');
      saveCheckpoint(path, data);
      const file = new Uint8Array(readFileSync(path));
      withoutNodeGlobals();
      const bytes = encodeCheckpoint(data);
      expect(bytes).toEqual(file);
      expect(decodeCheckpoint(bytes).config).toEqual({ corpus: 'Café ✓' });
    } finally {
      cleanup();
    }
  });
});

describe('the Trainer without Node globals', () => {
  it('fits with an abort signal when there is no setImmediate (it yields by MessageChannel)', async () => {
    withoutNodeGlobals();
    const model = regressor(2, { hiddenSize: 4, numLayers: 1, dropout: 0 });
    const { train } = sineData();
    const controller = new AbortController();
    const fit = await new Trainer().fit({
      model,
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: (b) => mseLoss(model.forward(b.x), b.y),
      train,
      maxSteps: 4,
      progress: 'none',
      signal: controller.signal,
    });
    expect(fit.steps).toBe(4);
    expect(fit.stopReason).toBe('maxSteps');
  });
});
