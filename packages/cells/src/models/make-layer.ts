import { RnnkitError } from '@rnnkit/core';
import { GRU } from '../gru.js';
import { LSTM } from '../lstm.js';
import type { RecurrentLayer, RecurrentOptions } from '../recurrent.js';
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

/** Builds the recurrent layer a model asked for by name. */
export function makeLayer(o: LayerChoice): RecurrentLayer {
  switch (o.cell) {
    case 'rnn':
      return new RNN(o);
    case 'lstm':
      return new LSTM(o);
    case 'lstm-peephole':
      return new LSTM({ ...o, peephole: true });
    case 'gru':
      return new GRU(o);
    default:
      throw new RnnkitError(
        `unknown cell '${String(o.cell)}'; choose one of ${CELL_NAMES.join(', ')}`,
      );
  }
}
