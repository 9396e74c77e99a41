// @rnnkit/train installed with core, backend-js, cells and data: the Trainer fits a tiny GRU
// regressor for two epochs and the loss falls (on 'onnx' with @rnnkit/backend-onnx installed). The backend comes from argv (default 'js').
import '@rnnkit/backend-js';
import { SequenceRegressor } from '@rnnkit/cells';
import { getBackend, Rng, setBackend } from '@rnnkit/core';
import { sineSeries, splitWindows, WindowDataset } from '@rnnkit/data';
import { Adam, mseLoss, Trainer } from '@rnnkit/train';

const backend = process.argv[2] ?? 'js';
if (backend === 'onnx') await import('@rnnkit/backend-onnx');
await setBackend(backend);
const { y } = sineSeries({ length: 300, tStart: 0, tEnd: 30, angularFrequency: 1 });
const split = splitWindows(y, { window: 10, horizon: 1, validationFraction: 0.2 });
const model = new SequenceRegressor({
  cell: 'gru',
  inputSize: 1,
  hiddenSize: 8,
  outputSize: 1,
  rng: new Rng(0),
});
const result = await new Trainer().fit({
  progress: 'none',
  model,
  optimizer: new Adam(model.parameters(), { lr: 0.02 }),
  loss: (b) => mseLoss(model.forward(b.x), b.y),
  train: new WindowDataset(split.train, { batchSize: 32, shuffle: true, seed: 0 }),
  epochs: 2,
});
const losses = result.trainLoss.map((l) => l.loss);
const [first, last] = [losses[0], losses.at(-1)];
if (!(last < first)) throw new Error(`train: loss did not fall: ${first} -> ${last}`);
console.log(
  `train on ${getBackend().name}: ${losses.length} steps, loss ${first.toFixed(4)} -> ${last.toFixed(4)}`,
);
