import '@rnnkit/backend-js';
import { ones, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { Linear } from './layers.js';
import { RNN } from './rnn.js';

/**
 * The foundation issue's worked example, by hand: h_t = W_ih·x_t + W_hh·h_{t−1} with every weight 1
 * and the identity activation, then y_t = W_y·h_t with W_y = 1:
 *   x = [1,1]: h = [1+1, 1+1]       = [2, 2]    y = [4, 4]
 *   x = [1,1]: h = [2 + 2+2, …]     = [6, 6]    y = [12, 12]
 *   x = [2,2]: h = [4 + 6+6, …]     = [16, 16]  y = [32, 32]
 */
describe('worked example: linear RNN with all weights 1', () => {
  it.each([true, false])('hidden states and outputs (batchFirst %s)', (batchFirst) => {
    const rnn = new RNN({
      inputSize: 2,
      hiddenSize: 2,
      bias: false,
      nonlinearity: 'linear',
      batchFirst,
    });
    rnn.loadStateDict({ weightIhL0: ones([2, 2]), weightHhL0: ones([2, 2]) });
    const head = new Linear({ inFeatures: 2, outFeatures: 2, bias: false });
    head.loadStateDict({ weight: ones([2, 2]) });

    const steps = [
      [1, 1],
      [1, 1],
      [2, 2],
    ];
    // batch of one: [1, 3, 2] batch-first or [3, 1, 2] time-major hold the same values
    const x = tensor(steps.flat(), batchFirst ? [1, 3, 2] : [3, 1, 2]);
    const { output, state } = rnn.forward(x); // zero initial state
    const y = head.forward(output);

    expect(Array.from(output.dataSync())).toEqual([2, 2, 6, 6, 16, 16]);
    expect(Array.from(y.dataSync())).toEqual([4, 4, 12, 12, 32, 32]);
    expect(state.h.shape).toEqual([1, 1, 2]);
    expect(Array.from(state.h.dataSync())).toEqual([16, 16]);
  });

  it('the same numbers with returnSequences false give the last hidden state', () => {
    const rnn = new RNN({
      inputSize: 2,
      hiddenSize: 2,
      bias: false,
      nonlinearity: 'linear',
      returnSequences: false,
    });
    rnn.loadStateDict({ weightIhL0: ones([2, 2]), weightHhL0: ones([2, 2]) });
    const { output } = rnn.forward(tensor([1, 1, 1, 1, 2, 2], [1, 3, 2]));
    expect(output.shape).toEqual([1, 2]);
    expect(Array.from(output.dataSync())).toEqual([16, 16]);
  });
});
