import { concat, Module, RnnkitError, slice, squeeze, type Tensor, unstack } from '@rnnkit/core';
import { Linear } from '../layers.js';
import { checkPositiveInt } from '../options.js';
import type { ForwardOptions, RecurrentLayer } from '../recurrent.js';
import { type LayerChoice, makeLayer } from './make-layer.js';

export interface SequenceRegressorOptions
  extends Omit<LayerChoice, 'returnSequences' | 'batchFirst'> {
  outputSize: number;
  /** 'last' (default): one prediction per sequence from the last step; 'all': one per step. */
  head?: 'last' | 'all';
}

/**
 * A recurrent layer and a linear head: [batch, time, inputSize] → [batch, outputSize]
 * (head 'last') or [batch, time, outputSize] (head 'all'). For forecasting and regression.
 */
export class SequenceRegressor extends Module {
  readonly rnn: RecurrentLayer;
  readonly head: Linear;
  readonly headMode: 'last' | 'all';

  constructor(readonly options: SequenceRegressorOptions) {
    super();
    checkPositiveInt('SequenceRegressor', 'outputSize', options.outputSize);
    if (options.head !== undefined && options.head !== 'last' && options.head !== 'all')
      throw new RnnkitError(
        `SequenceRegressor: unknown head '${String(options.head)}'; choose 'last' or 'all'`,
      );
    this.headMode = options.head ?? 'last';
    this.rnn = makeLayer({ ...options, batchFirst: true, returnSequences: true });
    this.head = new Linear({
      inFeatures: options.hiddenSize * (options.bidirectional ? 2 : 1),
      outFeatures: options.outputSize,
      rng: options.rng,
      backend: options.backend,
    });
  }

  forward(x: Tensor, options: ForwardOptions = {}): Tensor {
    const { output, state } = this.rnn.forward(x, undefined, options);
    if (this.headMode === 'all') return this.head.forward(output);
    // Last step of each sequence: the final state of the top layer (forward direction) — for
    // variable lengths that is each sequence's own last valid step. Bidirectional: concat both.
    const D = this.rnn.numDirections;
    if (D === 1 && !options.lengths) {
      const T = output.shape[1];
      return this.head.forward(
        squeeze(slice(output, [0, T - 1, 0], [output.shape[0], 1, output.shape[2]]), 1),
      );
    }
    const L = this.rnn.numLayers;
    const top = slice(state.h, [(L - 1) * D, 0, 0], [D, state.h.shape[1], state.h.shape[2]]);
    const parts = D === 1 ? squeeze(top, 0) : concat(unstack(top, 0), 1);
    return this.head.forward(parts);
  }
}
