import { describe, expect, it } from 'vitest';
import { Adam } from './optim/adam.js';
import { tempDir } from './test-utils/helpers.js';
import { regressionLoss, regressor, sineData, weights } from './test-utils/sine.js';
import { type StepInfo, Trainer } from './trainer.js';

// On a backend that does not compile (js) stepsPerCall changes nothing but the blocks the Trainer
// hands over: every step runs alone, so results must stay bitwise identical. Fusing itself is
// tested on onnx (backend-onnx's fused-steps.test.ts).
async function run(stepsPerCall: number) {
  const { dir, cleanup } = tempDir();
  try {
    const model = regressor(5);
    const steps: StepInfo[] = [];
    const { train, validation } = sineData();
    const fit = await new Trainer().fit({
      model,
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      loss: regressionLoss(model),
      train,
      validation,
      epochs: 3,
      validateEvery: 5,
      checkpoint: { dir, every: 4 },
      progress: 'none',
      stepsPerCall,
      callbacks: [{ onStep: (s) => steps.push(s) }],
    });
    return { fit, steps, weights: await weights(model) };
  } finally {
    cleanup();
  }
}

describe('stepsPerCall on a backend that does not compile', () => {
  it('gives the same losses, validations, callbacks and weights as one step per call', async () => {
    const one = await run(1);
    const six = await run(6);
    expect(six.fit.trainLoss).toEqual(one.fit.trainLoss);
    expect(six.fit.validation).toEqual(one.fit.validation);
    expect(six.fit.validation.map((v) => v.step)).toEqual([5, 10, 15, 20]);
    expect(six.steps).toEqual(one.steps);
    expect(six.weights).toEqual(one.weights);
  });
});

describe('no stepsPerCall on a backend that does not compile', () => {
  /** The order of loss calls and step reports: one step per block reports before the next loss. */
  async function order(stepsPerCall?: number) {
    const model = regressor(2, { numLayers: 1, dropout: 0 });
    const events: string[] = [];
    const loss = regressionLoss(model);
    await new Trainer().fit({
      model,
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      loss: (b, carry) => {
        events.push('loss');
        return loss(b, carry);
      },
      train: sineData().train,
      maxSteps: 4,
      progress: 'none',
      stepsPerCall,
      callbacks: [{ onStep: () => events.push('step') }],
    });
    return events.join(' ');
  }

  it('keeps one step per block: each step is reported before the next runs', async () => {
    expect(await order()).toBe('loss step loss step loss step loss step');
    expect(await order(4)).toBe('loss loss loss loss step step step step');
  });
});
