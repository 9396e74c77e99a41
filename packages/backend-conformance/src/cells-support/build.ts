import { GRU, LSTM, type RecurrentLayer, type RecurrentOptions, RNN } from '@rnnkit/cells';
import { Rng, type Tensor } from '@rnnkit/core';
import { type Ctx, ft } from '../context.js';
import * as ref from '../reference.js';
import type { RefConfig } from './reference.js';

/** A cell variant the checks sweep over. */
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

export type LayerOptions = Omit<
  RecurrentOptions,
  'inputSize' | 'hiddenSize' | 'backend' | 'rng'
> & {
  inputSize: number;
  hiddenSize: number;
};

/** Builds the layer for a variant with seeded weights, on the backend under test. */
export function buildLayer(ctx: Ctx, v: Variant, o: LayerOptions, seed: number): RecurrentLayer {
  const opts = { ...o, rng: new Rng(seed), backend: ctx.be() };
  if (v.kind === 'lstm') return new LSTM({ ...opts, peephole: v.peephole ?? false });
  if (v.kind === 'gru') return new GRU({ ...opts, resetAfter: v.resetAfter ?? true });
  return new RNN({ ...opts, nonlinearity: v.nonlinearity ?? 'tanh' });
}

/** The float64 reference configuration matching `buildLayer`. */
export function refConfig(v: Variant, o: LayerOptions): RefConfig {
  return {
    kind: v.kind,
    inputSize: o.inputSize,
    hiddenSize: o.hiddenSize,
    numLayers: o.numLayers,
    bidirectional: o.bidirectional,
    bias: o.bias,
    batchFirst: o.batchFirst,
    returnSequences: o.returnSequences,
    nonlinearity: v.nonlinearity,
    resetAfter: v.resetAfter,
    peephole: v.peephole,
  };
}

/** A float32 tensor on the backend under test of seeded uniform(−scale, scale) values. */
export function seeded(ctx: Ctx, shape: number[], seed: number, scale = 1): Tensor {
  return ft(ctx, ref.rand(shape, seed, -scale, scale));
}
