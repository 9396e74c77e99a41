// Three Adam steps of a small LSTM regressor on the JS backend, through valueAndGrad, then the
// Trainer fitting a GRU regressor to data's sine windows with RMSprop. The bundle check runs it
// unbundled and as esbuild bundles (--platform=browser and node): a bundler that dropped
// module-level wiring (autograd's hooks, the backend's registration) breaks it, and the browser
// bundle must resolve no Node built-ins (data's and train's portable entries).
import '@rnnkit/backend-js';
import { SequenceRegressor } from '@rnnkit/cells';
import { getBackend, Rng, tensor, tidy, valueAndGrad } from '@rnnkit/core';
import { sineSeries, splitWindows, WindowDataset } from '@rnnkit/data';
import { Adam, mseLoss, RMSprop, Trainer } from '@rnnkit/train';

const model = new SequenceRegressor({
  cell: 'lstm',
  inputSize: 1,
  hiddenSize: 8,
  outputSize: 1,
  rng: new Rng(0),
});
const params = model.parameters();
const optimizer = new Adam(params, { lr: 0.01 });
const x = tensor(
  Float32Array.from({ length: 4 * 10 }, (_, i) => Math.sin(i / 5)),
  [4, 10, 1],
);
const y = tensor(
  Float32Array.from({ length: 4 }, (_, i) => Math.sin((i * 10 + 10) / 5)),
  [4, 1],
);
const losses = [];
for (let i = 0; i < 3; i++) {
  losses.push(
    tidy(() => {
      const { value, grads } = valueAndGrad(() => mseLoss(model.forward(x), y), params);
      optimizer.step(grads);
      return value.item();
    }),
  );
}
if (!(losses[2] < losses[0])) throw new Error(`loss did not fall: ${losses.join(', ')}`);

const { y: wave } = sineSeries({ length: 120, tStart: 0, tEnd: 12, angularFrequency: 1 });
const split = splitWindows(wave, { window: 8, horizon: 1, validationFraction: 0.25 });
const gru = new SequenceRegressor({
  cell: 'gru',
  inputSize: 1,
  hiddenSize: 6,
  outputSize: 1,
  rng: new Rng(1),
});
const fit = await new Trainer().fit({
  progress: 'none',
  model: gru,
  optimizer: new RMSprop(gru.parameters(), { lr: 0.01 }),
  loss: (b) => mseLoss(gru.forward(b.x), b.y),
  train: new WindowDataset(split.train, { batchSize: 16, shuffle: true, seed: 0 }),
  validation: new WindowDataset(split.validation, { batchSize: 16 }),
  epochs: 2,
});
const fitLosses = fit.trainLoss.map((l) => l.loss);
if (!(fitLosses.length > 1 && fit.validation.length === 2)) {
  throw new Error(`Trainer.fit: ${fitLosses.length} steps, ${fit.validation.length} validations`);
}
console.log(
  JSON.stringify({
    backend: getBackend().name,
    losses,
    trainer: fitLosses,
    validation: fit.validation.map((v) => v.loss),
  }),
);
