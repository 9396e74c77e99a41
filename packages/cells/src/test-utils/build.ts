import { Rng, type Tensor, tensor } from '@rnnkit/core';
import { GRU } from '../gru.js';
import { LSTM } from '../lstm.js';
import type { RecurrentLayer, RecurrentOptions } from '../recurrent.js';
import { RNN } from '../rnn.js';
import { seededValues } from './seeded.js';

/** A cell variant the tests sweep over. */
export interface Variant {
  name: string;
  kind: 'rnn' | 'lstm' | 'gru';
  nonlinearity?: 'tanh' | 'relu' | 'linear';
  peephole?: boolean;
  resetAfter?: boolean;
}

export const VARIANTS: Variant[] = [
  { name: 'RNN tanh', kind: 'rnn', nonlinearity: 'tanh' },
  { name: 'RNN relu', kind: 'rnn', nonlinearity: 'relu' },
  { name: 'RNN linear', kind: 'rnn', nonlinearity: 'linear' },
  { name: 'LSTM', kind: 'lstm' },
  { name: 'LSTM peephole', kind: 'lstm', peephole: true },
  { name: 'GRU resetAfter', kind: 'gru', resetAfter: true },
  { name: 'GRU resetBefore', kind: 'gru', resetAfter: false },
];

export type LayerOptions = Omit<RecurrentOptions, 'inputSize' | 'hiddenSize'> & {
  inputSize: number;
  hiddenSize: number;
};

/** Builds the layer for a variant with seeded weights. */
export function buildLayer(v: Variant, o: LayerOptions, seed = 1): RecurrentLayer {
  const opts = { ...o, rng: new Rng(seed) };
  if (v.kind === 'lstm') return new LSTM({ ...opts, peephole: v.peephole ?? false });
  if (v.kind === 'gru') return new GRU({ ...opts, resetAfter: v.resetAfter ?? true });
  return new RNN({ ...opts, nonlinearity: v.nonlinearity ?? 'tanh' });
}

/** A float32 tensor of seeded uniform(−scale, scale) values. */
export function seeded(shape: number[], seed: number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float32Array.from(seededValues(n, seed), (v) => v * scale),
    shape,
  );
}
