import { type OptionKeys, RnnkitError } from '@rnnkit/core';
import { GRU } from '../gru.js';
import { LSTM } from '../lstm.js';
import { RECURRENT_KEYS, type RecurrentLayer, type RecurrentOptions } from '../recurrent.js';
import { RNN } from '../rnn.js';
import type { Nonlinearity } from '../steps.js';

/** The cell names the models and apps accept. */
export type CellName = 'rnn' | 'lstm' | 'lstm-peephole' | 'gru';
export const CELL_NAMES: readonly CellName[] = ['rnn', 'lstm', 'lstm-peephole', 'gru'];

export interface LayerChoice extends RecurrentOptions {
  cell: CellName;
  nonlinearity?: Nonlinearity;
  resetAfter?: boolean;
  forgetBias?: number;
}

export const LAYER_CHOICE_KEYS: OptionKeys<LayerChoice> = {
  ...RECURRENT_KEYS,
  cell: 'required',
  nonlinearity: 'optional',
  resetAfter: 'optional',
  forgetBias: 'optional',
};

/**
 * Builds the recurrent layer a model asked for by name. Only the layer's own options are passed
 * on: a model's options (vocabSize, head, …) and the settings of other cells are left out.
 */
export function makeLayer(o: LayerChoice): RecurrentLayer {
  const base = Object.fromEntries(
    Object.keys(RECURRENT_KEYS).map((k) => [k, o[k as keyof RecurrentOptions]]),
  ) as unknown as RecurrentOptions;
  switch (o.cell) {
    case 'rnn':
      return new RNN({ ...base, nonlinearity: o.nonlinearity });
    case 'lstm':
      return new LSTM({ ...base, forgetBias: o.forgetBias });
    case 'lstm-peephole':
      return new LSTM({ ...base, forgetBias: o.forgetBias, peephole: true });
    case 'gru':
      return new GRU({ ...base, resetAfter: o.resetAfter });
    default:
      throw new RnnkitError(
        `unknown cell '${String(o.cell)}'; choose one of ${CELL_NAMES.join(', ')}`,
      );
  }
}
