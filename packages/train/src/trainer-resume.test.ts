import '@rnnkit/backend-js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRng, manualSeed } from '@rnnkit/core';
import type { Batch } from '@rnnkit/data';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint.js';
import { decodeCheckpoint } from './checkpoint-data.js';
import { Adam } from './optim/adam.js';
import { cosine } from './schedules.js';
import { tempDir } from './test-utils/helpers.js';
import { regressionLoss, regressor, sineData, weights } from './test-utils/sine.js';
import { type FitOptions, type FitResult, Trainer } from './trainer.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const EPOCHS = 3;
const PER_EPOCH = 7; // 112 training windows in batches of 16
const TOTAL = EPOCHS * PER_EPOCH;
const CONFIG = { cell: 'lstm', hiddenSize: 6 };

/**
 * One configured run on the sine task: a 2-layer LSTM regressor with dropout (draws from the
 * default generator), Adam with a cosine schedule, clipping, shuffled batches and validation.
 */
function setup(seed: number, extra: Partial<FitOptions<Batch>> = {}) {
  const model = regressor(seed);
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const { train, validation } = sineData();
  const options: FitOptions<Batch> = {
    model,
    optimizer,
    loss: regressionLoss(model),
    train,
    validation,
    epochs: EPOCHS,
    schedule: cosine(TOTAL),
    clipNorm: 1,
    validateEvery: 5,
    progress: 'none',
    ...extra,
  };
  return { model, optimizer, options };
}

async function run(seed: number, extra: Partial<FitOptions<Batch>> = {}) {
  const s = setup(seed, extra);
  const result = await new Trainer().fit(s.options);
  return { ...s, result };
}

const losses = (r: FitResult) => r.trainLoss.map((l) => l.loss);

describe('determinism', () => {
  it('two runs with the same seed give bitwise-identical losses and weights', async () => {
    const a = await run(7);
    const b = await run(7);
    expect(a.result.trainLoss).toHaveLength(TOTAL);
    expect(losses(b.result)).toEqual(losses(a.result));
    expect(b.result.validation).toEqual(a.result.validation);
    expect(await weights(b.model)).toEqual(await weights(a.model));
    // The comparison has teeth: another seed changes the losses, and training does train.
    const c = await run(8);
    expect(losses(c.result)).not.toEqual(losses(a.result));
    const l = losses(a.result);
    expect(l.slice(-PER_EPOCH).reduce((x, y) => x + y)).toBeLessThan(
      l.slice(0, PER_EPOCH).reduce((x, y) => x + y),
    );
  });
});

describe('resume from a checkpoint equals an uninterrupted run', () => {
  async function interruptedThenResumed(stopAt: number, how: 'maxSteps' | 'abort') {
    const full = await run(7, { checkpoint: { dir: join(dir, 'full'), every: 4, config: CONFIG } });

    const ckptDir = join(dir, 'resumed');
    const controller = new AbortController();
    const first = await run(7, {
      checkpoint: { dir: ckptDir, every: 4, config: CONFIG },
      ...(how === 'maxSteps'
        ? { maxSteps: stopAt }
        : {
            signal: controller.signal,
            callbacks: [{ onStep: (i) => i.step === stopAt && controller.abort() }],
          }),
    });
    expect(first.result.stopReason).toBe(how === 'maxSteps' ? 'maxSteps' : 'aborted');
    expect(first.result.steps).toBe(stopAt);
    const saved = loadCheckpoint(join(ckptDir, 'last.safetensors'));
    expect(saved.progress.step).toBe(stopAt);
    expect(saved.config).toEqual(CONFIG);

    // A new process: other initial weights, a fresh optimizer, the default generator elsewhere.
    manualSeed(12345);
    const rngBefore = defaultRng.getState();
    const second = setup(99, {
      checkpoint: { dir: ckptDir, every: 4, config: CONFIG },
      resume: saved,
    });
    expect(await weights(second.model)).not.toEqual(await weights(first.model));
    expect(defaultRng.getState()).not.toEqual(saved.rng?.default);
    expect(rngBefore).not.toEqual(saved.rng?.default);
    const rest = await new Trainer().fit(second.options);

    expect(rest.stopReason).toBe('epochs');
    expect(rest.steps).toBe(TOTAL);
    expect(rest.epochs).toBe(EPOCHS);
    expect(rest.trainLoss[0].step).toBe(stopAt + 1);
    expect([...first.result.trainLoss, ...rest.trainLoss]).toEqual(full.result.trainLoss);
    expect([...first.result.validation, ...rest.validation]).toEqual(full.result.validation);
    expect(await weights(second.model)).toEqual(await weights(full.model));
    expect(second.optimizer.stepCount).toBe(TOTAL);
    expect(second.optimizer.lr).toBe(full.optimizer.lr);
    expect(rest.bestValLoss).toBe(full.result.bestValLoss);
    // Both final checkpoints hold the same state, down to the last byte.
    expect(
      readFileSync(join(ckptDir, 'last.safetensors')).equals(
        readFileSync(join(dir, 'full', 'last.safetensors')),
      ),
    ).toBe(true);
    expect(
      readFileSync(join(ckptDir, 'best.safetensors')).equals(
        readFileSync(join(dir, 'full', 'best.safetensors')),
      ),
    ).toBe(true);
    return { full, first, rest, saved };
  }

  it('stopped mid-epoch by maxSteps (step 10 of 21, epoch 2 batch 3)', async () => {
    const { saved } = await interruptedThenResumed(10, 'maxSteps');
    expect(saved.progress).toEqual({ step: 10, epoch: 1, batchInEpoch: 3 });
  });

  it('stopped by an AbortSignal exactly at an epoch boundary (step 14)', async () => {
    const { first, saved } = await interruptedThenResumed(14, 'abort');
    expect(first.result.epochs).toBe(2);
    expect(saved.progress).toEqual({ step: 14, epoch: 2, batchInEpoch: 0 });
  });

  it('without restoring the RNG state the resumed run would differ (the test can tell)', async () => {
    const full = await run(7);
    const ckptDir = join(dir, 'r');
    await run(7, { maxSteps: 10, checkpoint: { dir: ckptDir } });
    const saved = loadCheckpoint(join(ckptDir, 'last.safetensors'));
    const noRng = { ...saved, rng: undefined };
    manualSeed(12345);
    const second = setup(99, { resume: noRng });
    const rest = await new Trainer().fit(second.options);
    expect(losses(rest)).not.toEqual(losses(full.result).slice(10));
  });

  it('the periodic checkpoint (every 4 steps) resumes exactly too', async () => {
    const full = await run(7);
    const ckptDir = join(dir, 'p');
    // Stop at 10, but resume from the periodic checkpoint taken at step 8, saved separately.
    let at8: Buffer | undefined;
    await run(7, {
      maxSteps: 10,
      checkpoint: { dir: ckptDir, every: 4 },
      callbacks: [
        {
          onStep: (i) => {
            // onStep runs before that step's save: the file on disk at step 9 is the one from step 8.
            if (i.step === 9) at8 = readFileSync(join(ckptDir, 'last.safetensors'));
          },
        },
      ],
    });
    expect(at8).toBeDefined();
    const saved = decodeCheckpoint(at8!);
    expect(saved.progress).toEqual({ step: 8, epoch: 1, batchInEpoch: 1 });
    const second = setup(99, { resume: saved });
    const rest = await new Trainer().fit(second.options);
    expect(rest.trainLoss).toEqual(full.result.trainLoss.slice(8));
    expect(await weights(second.model)).toEqual(await weights(full.model));
    expect(readdirSync(ckptDir).sort()).toEqual(['best.safetensors', 'last.safetensors']);
  });
});
