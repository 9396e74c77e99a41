import '@rnnkit/backend-js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addScalar, memory, RnnkitError } from '@rnnkit/core';
import type { Batch } from '@rnnkit/data';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint.js';
import { Adam } from './optim/adam.js';
import { tempDir } from './test-utils/helpers.js';
import { regressionLoss, regressor, sineData, weights } from './test-utils/sine.js';
import { type LossFn, NonFiniteLossError, Trainer } from './trainer.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/**
 * Trains the sine regressor with checkpoints every 2 steps; the loss becomes `bad` at step
 * `badStep` (training calls only). Returns what was on disk and in the model just before.
 */
async function runUntilBad(bad: number, badStep: number, every = 2) {
  const model = regressor(3);
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const { train, validation } = sineData();
  const real = regressionLoss(model);
  let calls = 0;
  let onDisk: { last?: Buffer; best?: Buffer } = {};
  // the reads are issued in the loss function, so they hold the weights of that moment
  let weightsBefore: Promise<Record<string, number[]>> = Promise.resolve({});
  const loss: LossFn<Batch> = (b, carry) => {
    if (!model.training) return real(b, carry); // validation
    calls++;
    if (calls === badStep) {
      const read = (f: string) => readFileSync(join(dir, f));
      onDisk = { last: read('last.safetensors'), best: read('best.safetensors') };
      weightsBefore = weights(model);
      return addScalar(real(b, carry) as never, bad);
    }
    return real(b, carry);
  };
  const steps: number[] = [];
  let error: unknown;
  try {
    await new Trainer().fit({
      model,
      optimizer,
      loss,
      train,
      validation,
      validateEvery: 3,
      epochs: 5,
      checkpoint: { dir, every },
      progress: 'none',
      callbacks: [{ onStep: (i) => steps.push(i.step) }],
    });
  } catch (e) {
    error = e;
  }
  return { model, optimizer, error, onDisk, weightsBefore: await weightsBefore, steps };
}

describe('NaN/Inf guard', () => {
  it('a NaN loss at step 9 stops with NonFiniteLossError naming the step and the intact checkpoint', async () => {
    const r = await runUntilBad(Number.NaN, 9);
    expect(r.error).toBeInstanceOf(NonFiniteLossError);
    expect(r.error).toBeInstanceOf(RnnkitError);
    const msg = (r.error as Error).message;
    expect(msg).toMatch(/loss became NaN at step 9/);
    expect(msg).toContain('training stopped before updating the weights');
    expect(msg).toContain(`the last good checkpoint ${join(dir, 'last.safetensors')} is intact`);
    expect(r.steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The checkpoints on disk are byte-identical to what they were before the bad step.
    expect(readFileSync(join(dir, 'last.safetensors')).equals(r.onDisk.last!)).toBe(true);
    expect(readFileSync(join(dir, 'best.safetensors')).equals(r.onDisk.best!)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['best.safetensors', 'last.safetensors']);
    // …and it is the last good one: step 8, loadable, with the weights the model still has.
    const last = loadCheckpoint(join(dir, 'last.safetensors'));
    expect(last.progress.step).toBe(8);
    expect(await weights(r.model)).toEqual(r.weightsBefore);
    for (const [k, t] of Object.entries(last.model))
      expect(Array.from(t.data), k).toEqual(r.weightsBefore[k]);
    // The optimizer did not step on the bad batch either.
    expect(r.optimizer.stepCount).toBe(8);
  });

  it('an infinite loss is caught too', async () => {
    const r = await runUntilBad(Number.POSITIVE_INFINITY, 5);
    expect(r.error).toBeInstanceOf(NonFiniteLossError);
    expect((r.error as Error).message).toMatch(/loss became Infinity at step 5/);
    expect(loadCheckpoint(join(dir, 'last.safetensors')).progress.step).toBe(4);
  });

  it('a bad step between checkpoints leaves the older checkpoint (step 6 of every 3)', async () => {
    const r = await runUntilBad(Number.NaN, 8, 3);
    expect((r.error as Error).message).toMatch(/at step 8/);
    expect(readFileSync(join(dir, 'last.safetensors')).equals(r.onDisk.last!)).toBe(true);
    expect(loadCheckpoint(join(dir, 'last.safetensors')).progress.step).toBe(6);
  });

  it('without checkpoints the message does not claim one', async () => {
    const model = regressor(3);
    const loss: LossFn<Batch> = (b) =>
      addScalar(regressionLoss(model)(b, undefined) as never, Number.NaN);
    const err = await new Trainer()
      .fit({
        model,
        optimizer: new Adam(model.parameters()),
        loss,
        train: sineData().train,
        progress: 'none',
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err.message).toMatch(
      /loss became NaN at step 1; training stopped before updating the weights\. Lower/,
    );
  });

  it('does not leak the carried state when it stops', async () => {
    const model = regressor(3);
    const before = memory().numTensors;
    const optimizer = new Adam(model.parameters());
    let calls = 0;
    const err = await new Trainer()
      .fit({
        model,
        optimizer,
        loss: (b) => {
          const l = regressionLoss(model)(b, undefined) as never;
          return calls++ === 3 ? addScalar(l, Number.NaN) : l;
        },
        train: sineData().train,
        tbptt: true,
        progress: 'none',
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    // Only the optimizer's Adam buffers (m and v per parameter) remain.
    expect(memory().numTensors - before).toBe(2 * model.parameters().length);
  });
});
