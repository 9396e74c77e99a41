import '@rnnkit/backend-js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Linear } from '@rnnkit/cells';
import { Rng, type Tensor, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { mseLoss } from './losses.js';
import { SGD } from './optim/sgd.js';
import { type BatchSource, Trainer } from './trainer.js';

/**
 * Long training must not grow memory, and that covers the Trainer's own bookkeeping, not only
 * tensors: across tens of thousands of steps the JS heap (after a full collection) must not keep
 * anything per step. A one-weight model keeps the steps fast, so the Trainer's per-step cost is
 * what the heap shows.
 */

// A full collection on demand; the flag only has to be set before the context is made.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const WARMUP = 10_000;
const STEPS = 40_000;
/** Allowed heap growth per step: a { step, loss } object kept per step is 40 bytes and more. */
const BYTES_PER_STEP = 8;

interface Pair {
  x: Tensor;
  y: Tensor;
}

function pairs(n: number): BatchSource<Pair> {
  return {
    numBatches: () => n,
    batches() {
      return {
        *[Symbol.iterator]() {
          for (let k = 0; k < n; k++)
            yield { x: tensor([k % 7], [1, 1]), y: tensor([(2 * (k % 7)) / 7], [1, 1]) };
        },
      };
    },
  };
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('Trainer.fit keeps nothing on the JS heap per step', () => {
  it(`heap growth from step ${WARMUP} to step ${WARMUP + STEPS} is under ${BYTES_PER_STEP} bytes a step`, async () => {
    const model = new Linear({ inFeatures: 1, outFeatures: 1, rng: new Rng(0) });
    const heap = new Map<number, number>();
    const fit = await new Trainer().fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      loss: (b: Pair) => mseLoss(model.forward(b.x), b.y),
      train: pairs(WARMUP + STEPS),
      progress: 'none',
      callbacks: [
        {
          onStep: ({ step }) => {
            if (step === WARMUP || step === WARMUP + STEPS) heap.set(step, heapAfterGc());
          },
        },
      ],
    });
    const grown = (heap.get(WARMUP + STEPS) ?? Number.NaN) - (heap.get(WARMUP) ?? Number.NaN);
    expect(grown / STEPS).toBeLessThan(BYTES_PER_STEP);
    // The losses of every step are still there for the caller.
    expect(fit.trainLoss).toHaveLength(WARMUP + STEPS);
    expect(fit.trainLoss.map((l) => l.step)).toEqual(
      Array.from({ length: WARMUP + STEPS }, (_, i) => i + 1),
    );
  }, 120_000);
});
