import '@rnnkit/backend-js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scalar } from '@rnnkit/core';
import { type Batch, WindowDataset } from '@rnnkit/data';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint.js';
import { Adam } from './optim/adam.js';
import { tempDir } from './test-utils/helpers.js';
import { regressionLoss, regressor, sineData, weights } from './test-utils/sine.js';
import { evaluate, type FitOptions, type LossFn, Trainer, type ValidationInfo } from './trainer.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/**
 * Real training on the sine task, but the validation loss follows `script` (one value per
 * validation, read in evaluation mode), so improvements happen exactly where the test says.
 */
async function fitScripted(script: number[], extra: Partial<FitOptions<Batch>> = {}) {
  const model = regressor(4);
  const { train, validation } = sineData();
  const real = regressionLoss(model);
  let v = 0;
  const loss: LossFn<Batch> = (b, c) => {
    if (model.training) return real(b, c);
    return scalar(script[v++] ?? 100);
  };
  // the reads are issued in the callback, so each holds the weights at that validation
  const validations: (ValidationInfo & { weights: Promise<Record<string, number[]>> })[] = [];
  const result = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    loss,
    train,
    validation,
    progress: 'none',
    callbacks: [
      {
        onValidation: (i) => {
          validations.push({ ...i, weights: weights(model) });
        },
      },
    ],
    ...extra,
  });
  return { model, result, validations };
}

describe('validation cadence', () => {
  it('validateEvery N validates after steps N, 2N, … across epoch boundaries', async () => {
    const { result, validations } = await fitScripted([5, 4, 3, 2], {
      epochs: 2, // 14 steps
      validateEvery: 3,
    });
    expect(result.steps).toBe(14);
    expect(result.validation.map((x) => x.step)).toEqual([3, 6, 9, 12]);
    expect(validations.map((x) => [x.step, x.epoch])).toEqual([
      [3, 0],
      [6, 0],
      [9, 1],
      [12, 1],
    ]);
    expect(result.validation.map((x) => x.loss)).toEqual([5, 4, 3, 2]);
  });

  it('by default validates at the end of every epoch', async () => {
    const { result } = await fitScripted([5, 4, 3], { epochs: 3 });
    expect(result.validation.map((x) => x.step)).toEqual([7, 14, 21]);
  });

  it('the validation loss is the mean over validation batches in evaluation mode, without dropout', async () => {
    const model = regressor(4, { dropout: 0.5 });
    const { validation } = sineData();
    const small = { numBatches: () => 3, batches: () => [...validation.batches(0)].slice(0, 1) };
    const loss = regressionLoss(model);
    const a = await evaluate(model, loss, validation);
    const b = await evaluate(model, loss, validation);
    expect(a).toBe(b); // no dropout noise
    expect(model.training).toBe(true); // training mode is restored
    expect(await evaluate(model, loss, small)).toBe(a); // one batch holds all 33 windows
    // Two one-window batches with the same (all-zero) input and targets 1 and 3: the mean of
    // (p − 1)² and (p − 3)² for the evaluation-mode prediction p.
    const two = new WindowDataset(
      { inputs: new Float32Array(16), targets: Float32Array.from([1, 3]), count: 2 },
      { batchSize: 1 },
    );
    model.eval();
    const p = (await model.forward([...two.batches(0)][0].x).data())[0];
    model.train();
    expect(await evaluate(model, loss, two)).toBeCloseTo(((p - 1) ** 2 + (p - 3) ** 2) / 2, 5);
  });
});

describe('an onValidation callback that returns a promise', () => {
  it('is awaited before training goes on (it may read, and reads are asynchronous)', async () => {
    const events: string[] = [];
    const { result } = await fitScripted([3, 2], {
      maxSteps: 4,
      validateEvery: 2,
      callbacks: [
        {
          onStep: (s) => {
            events.push(`step ${s.step}`);
          },
          onValidation: async (v) => {
            const [loss] = await scalar(v.valLoss).data(); // a read, awaited inside the callback
            await new Promise((done) => setImmediate(done));
            events.push(`validated ${v.step}: ${loss}`);
          },
        },
      ],
    });
    expect(result.steps).toBe(4);
    expect(events).toEqual([
      'step 1',
      'step 2',
      'validated 2: 3',
      'step 3',
      'step 4',
      'validated 4: 2',
    ]);
  });
});

describe('early stopping', () => {
  it('stops after `patience` validations without improvement; best.safetensors holds the best weights', async () => {
    // Best at the 2nd validation (step 6); then 3 without improvement → stop at step 15.
    const { model, result, validations } = await fitScripted([1, 0.5, 0.6, 0.7, 0.55, 0.1], {
      epochs: 10,
      validateEvery: 3,
      earlyStopping: { patience: 3 },
      checkpoint: { dir },
    });
    expect(result.stopReason).toBe('earlyStopping');
    expect(result.validation.map((x) => x.loss)).toEqual([1, 0.5, 0.6, 0.7, 0.55].map(Math.fround));
    expect(result.steps).toBe(15);
    expect(result.bestValLoss).toBe(0.5);
    expect(validations.map((x) => x.improved)).toEqual([true, true, false, false, false]);

    const best = loadCheckpoint(join(dir, 'best.safetensors'));
    expect(best.progress.step).toBe(6);
    expect(best.metrics?.bestValLoss).toBe(0.5);
    const bestWeights = Object.fromEntries(
      Object.entries(best.model).map(([k, t]) => [k, Array.from(t.data)]),
    );
    expect(bestWeights).toEqual(await validations[1].weights);
    // …which are not the final weights; last.safetensors has those.
    expect(bestWeights).not.toEqual(await weights(model));
    const last = loadCheckpoint(join(dir, 'last.safetensors'));
    expect(last.progress.step).toBe(15);
    expect(
      Object.fromEntries(Object.entries(last.model).map(([k, t]) => [k, Array.from(t.data)])),
    ).toEqual(await weights(model));
  });

  it('minDelta: smaller improvements do not count', async () => {
    const { result, validations } = await fitScripted([1, 0.95, 0.92, 0.5], {
      epochs: 10,
      validateEvery: 2,
      earlyStopping: { patience: 2, minDelta: 0.1 },
    });
    expect(validations.map((x) => x.improved)).toEqual([true, false, false]);
    expect(result.stopReason).toBe('earlyStopping');
    expect(result.steps).toBe(6);
    expect(result.bestValLoss).toBe(1);
  });

  it('keeps training while it improves', async () => {
    const { result } = await fitScripted([5, 4, 3, 2, 1], {
      epochs: 2,
      validateEvery: 3,
      earlyStopping: { patience: 1 },
    });
    expect(result.stopReason).toBe('epochs');
    expect(result.steps).toBe(14);
  });

  it('no best.safetensors is written before any validation improves', async () => {
    await fitScripted([], { maxSteps: 2, validateEvery: 5, checkpoint: { dir } });
    expect(existsSync(join(dir, 'best.safetensors'))).toBe(false);
    expect(existsSync(join(dir, 'last.safetensors'))).toBe(true);
  });

  it('the patience count survives a resume', async () => {
    const script = [1, 2, 3, 4, 5, 6];
    const full = await fitScripted(script, {
      epochs: 10,
      validateEvery: 2,
      earlyStopping: { patience: 3 },
    });
    expect(full.result.steps).toBe(8);
    // Interrupted after the 2nd validation (one without improvement), then resumed.
    const ckptDir = join(dir, 'es');
    await fitScripted(script, {
      maxSteps: 4,
      validateEvery: 2,
      earlyStopping: { patience: 3 },
      checkpoint: { dir: ckptDir },
    });
    const resumed = await fitScripted(script.slice(2), {
      epochs: 10,
      validateEvery: 2,
      earlyStopping: { patience: 3 },
      resume: loadCheckpoint(join(ckptDir, 'last.safetensors')),
    });
    expect(resumed.result.stopReason).toBe('earlyStopping');
    expect(resumed.result.steps).toBe(full.result.steps);
  });

  it('best.safetensors saved at an epoch end resumes at the next epoch, not the same one again', async () => {
    await fitScripted([1], { epochs: 1, checkpoint: { dir } });
    const best = loadCheckpoint(join(dir, 'best.safetensors'));
    expect(best.progress.step).toBe(7);
    const again = await fitScripted([], { epochs: 2, resume: best });
    expect(again.result.trainLoss.map((x) => x.step)).toEqual([8, 9, 10, 11, 12, 13, 14]);
  });
});
