import '@rnnkit/backend-js';
import { join } from 'node:path';
import { memory } from '@rnnkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mseLoss } from './losses.js';
import { Adam } from './optim/adam.js';
import { cosine } from './schedules.js';
import { tempDir } from './test-utils/helpers.js';
import { regressionLoss, regressor, StreamModel, sineData, streamData } from './test-utils/sine.js';
import { Trainer } from './trainer.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** memory().numTensors seen in onStep at the given steps, plus before and after the fit. */
function probe(at: number[]) {
  const counts = new Map<number, number>();
  return {
    counts,
    callback: {
      onStep: (i: { step: number }) => {
        if (at.includes(i.step)) counts.set(i.step, memory().numTensors);
      },
    },
  };
}

describe('no tensors leak per training step', () => {
  it('sine regressor with validation, clipping, a schedule and checkpoints: same count after 20 and 100 steps', async () => {
    const model = regressor(1);
    const { train, validation } = sineData();
    const before = memory().numTensors;
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    const p = probe([20, 100]);
    await new Trainer().fit({
      model,
      optimizer,
      loss: regressionLoss(model),
      train,
      validation,
      maxSteps: 100,
      validateEvery: 10,
      clipNorm: 1,
      clipValue: 5,
      schedule: cosine(100),
      checkpoint: { dir: join(dir, 'a'), every: 25 },
      progress: 'none',
      callbacks: [p.callback],
    });
    expect(p.counts.get(20)).toBeDefined();
    expect(p.counts.get(100)).toBe(p.counts.get(20));
    // After the fit only the optimizer's state remains: Adam's m and v per parameter.
    expect(memory().numTensors - before).toBe(2 * model.parameters().length);
  });

  it('truncated BPTT with a carried LSTM state: same count after 20 and 100 steps', async () => {
    const model = new StreamModel(2);
    const before = memory().numTensors;
    const p = probe([20, 100]);
    await new Trainer().fit({
      model,
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: (b, carry) => {
        const out = model.forward(b.x, carry);
        return { loss: mseLoss(out.y, b.y), carry: out.carry };
      },
      train: streamData(2, 5, 4),
      validation: streamData(2, 5, 2),
      tbptt: true,
      maxSteps: 100,
      validateEvery: 7,
      checkpoint: { dir: join(dir, 'b'), every: 30 },
      progress: 'none',
      callbacks: [p.callback],
    });
    expect(p.counts.get(20)).toBeDefined();
    expect(p.counts.get(100)).toBe(p.counts.get(20));
    expect(memory().numTensors - before).toBe(2 * model.parameters().length);
  });
});
