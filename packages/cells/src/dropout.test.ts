import '@rnnkit/backend-js';
import { Rng } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { LSTM } from './lstm.js';
import { seeded } from './test-utils/build.js';

/** `dropout` acts between stacked layers, in training mode only (as PyTorch's nn.LSTM). */
describe('dropout between layers', () => {
  const o = { inputSize: 3, hiddenSize: 5 };
  const x = seeded([2, 4, 3], 91);
  const out = (l: LSTM) => Array.from(l.forward(x).output.dataSync());

  it('is off in eval mode and on in training mode', () => {
    const ref = new LSTM({ ...o, numLayers: 2, rng: new Rng(1) });
    const drop = new LSTM({ ...o, numLayers: 2, dropout: 0.5, rng: new Rng(1) });
    drop.loadStateDict(ref.stateDict());
    drop.eval();
    expect(out(drop)).toEqual(out(ref));
    drop.train();
    expect(out(drop)).not.toEqual(out(ref));
  });

  it('never touches the input or the last layer: one layer ignores it', () => {
    const ref = new LSTM({ ...o, rng: new Rng(2) });
    const drop = new LSTM({ ...o, dropout: 0.5, rng: new Rng(2) });
    drop.loadStateDict(ref.stateDict());
    expect(out(drop)).toEqual(out(ref));
  });
});
