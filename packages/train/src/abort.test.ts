import { describe, expect, it } from 'vitest';
import { Adam } from './optim/adam.js';
import { regressionLoss, regressor, sineData } from './test-utils/sine.js';
import { Trainer } from './trainer.js';

describe('Trainer.fit and AbortSignal', () => {
  it('a handler on the same thread (a timer, as Ctrl-C would be) stops training between steps', async () => {
    const model = regressor(1, { numLayers: 1, dropout: 0 });
    const { train } = sineData();
    const controller = new AbortController();
    // Fires only if fit hands the event loop a turn between steps.
    setTimeout(() => controller.abort(), 30);
    const r = await new Trainer().fit({
      model,
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: regressionLoss(model),
      train,
      maxSteps: 1_000_000,
      progress: 'none',
      signal: controller.signal,
    });
    expect(r.stopReason).toBe('aborted');
    expect(r.steps).toBeGreaterThan(0);
    expect(r.steps).toBeLessThan(1_000_000);
  });

  it('minutes: 0 is a spent budget, not "no limit"', async () => {
    const model = regressor(2, { numLayers: 1, dropout: 0 });
    const { train } = sineData();
    const r = await new Trainer().fit({
      model,
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: regressionLoss(model),
      train,
      minutes: 0,
      progress: 'none',
    });
    expect(r.stopReason).toBe('minutes');
    expect(r.steps).toBe(1);
  });
});
