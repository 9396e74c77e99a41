// @rnnkit/cells installed with core and backend-js only: an LSTM's forward pass and the
// gradients of a loss with respect to every parameter.
import '@rnnkit/backend-js';
import { LSTM } from '@rnnkit/cells';
import { mean, Rng, square, tensor, valueAndGrad } from '@rnnkit/core';

const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, rng: new Rng(0) });
const x = tensor(new Float32Array(2 * 5 * 3).fill(0.1), [2, 5, 3]);
const { output } = lstm.forward(x);
const { value, grads } = valueAndGrad(
  () => mean(square(lstm.forward(x).output)),
  lstm.parameters(),
);
const nonzero = grads.filter((g) => g.dataSync().some((v) => v !== 0)).length;
if (output.shape.join() !== '2,5,4' || nonzero !== grads.length) {
  throw new Error(`cells: output ${output.shape}, ${nonzero}/${grads.length} nonzero gradients`);
}
console.log(
  `cells: LSTM forward [${output.shape}], loss ${value.item().toFixed(6)}, ${grads.length} gradients`,
);
