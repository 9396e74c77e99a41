import type { Batch } from '@rnnkit/data';
import { Adam } from '../optim/adam.js';
import type { FitOptions } from '../trainer.js';
import { regressionLoss, regressor, sineData } from './sine.js';

/** Options of a small, quiet sine fit, to which a test adds a checkpoint folder. */
export function sineFitOptions(seed = 1): FitOptions<Batch> {
  const model = regressor(seed, { numLayers: 1, dropout: 0 });
  return {
    model,
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    loss: regressionLoss(model),
    train: sineData().train,
    maxSteps: 3,
    progress: 'none',
  };
}
