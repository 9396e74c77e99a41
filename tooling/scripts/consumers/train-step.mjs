// Three Adam steps of a small LSTM regressor on the JS backend, through valueAndGrad. The
// bundle check runs it unbundled and as esbuild bundles (--platform=browser and node): a bundler
// that dropped module-level wiring (autograd's hooks, the backend's registration) breaks it.
import '@rnnkit/backend-js';
import { SequenceRegressor } from '@rnnkit/cells';
import { getBackend, Rng, tensor, tidy, valueAndGrad } from '@rnnkit/core';
import { Adam, mseLoss } from '@rnnkit/train';

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
console.log(JSON.stringify({ backend: getBackend().name, losses }));
