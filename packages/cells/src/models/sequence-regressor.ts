import { checkOptions, Module, type OptionKeys, RnnkitError, type Tensor } from '@rnnkit/core';
import { Linear } from '../layers.js';
import { checkPositiveInt } from '../options.js';
import type { ForwardOptions, LayerState, RecurrentLayer } from '../recurrent.js';
import { LAYER_CHOICE_KEYS, type LayerChoice, makeLayer } from './make-layer.js';

export interface SequenceRegressorOptions
  extends Omit<LayerChoice, 'returnSequences' | 'batchFirst'> {
  outputSize: number;
  /** 'last' (default): one prediction per sequence from the last step; 'all': one per step. */
  head?: 'last' | 'all';
}

const { returnSequences: _r, batchFirst: _b, ...layerKeys } = LAYER_CHOICE_KEYS;
const KEYS: OptionKeys<SequenceRegressorOptions> = {
  ...layerKeys,
  outputSize: 'required',
  head: 'optional',
};

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
    checkOptions('SequenceRegressor', options, KEYS);
    checkPositiveInt('SequenceRegressor', 'outputSize', options.outputSize);
    if (options.head !== undefined && options.head !== 'last' && options.head !== 'all')
      throw new RnnkitError(
        `SequenceRegressor: unknown head '${String(options.head)}'; choose 'last' or 'all'`,
      );
    this.headMode = options.head ?? 'last';
    // Only head 'all' needs every step's output; 'last' skips stacking and transposing them.
    this.rnn = makeLayer({
      ...options,
      batchFirst: true,
      returnSequences: this.headMode === 'all',
    });
    this.head = new Linear({
      inFeatures: options.hiddenSize * (options.bidirectional ? 2 : 1),
      outFeatures: options.outputSize,
      rng: options.rng,
      backend: options.backend,
    });
  }

  /**
   * `options.state` starts from a given state (e.g. carried across chunks for truncated BPTT);
   * `options.lengths` gives each sequence's valid length.
   */
  forward(x: Tensor, options: ForwardOptions & { state?: LayerState } = {}): Tensor {
    // head 'last': the layer returns the final state of its top layer (both directions
    // concatenated), which for variable lengths is each sequence's own last valid step.
    const { output } = this.rnn.forward(x, options.state, { lengths: options.lengths });
    return this.head.forward(output);
  }
}
