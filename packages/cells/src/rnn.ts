import { RecurrentLayer, type RecurrentOptions } from './recurrent.js';
import type { Nonlinearity } from './steps.js';

export interface RNNOptions extends RecurrentOptions {
  /** 'tanh' (default), 'relu', or 'linear' (identity; for teaching and worked examples). */
  nonlinearity?: Nonlinearity;
}

/**
 * Elman RNN layer, as PyTorch's nn.RNN:
 *
 *   h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)
 *
 * Parameters per layer l (and `…Reverse` for the backward direction), PyTorch names in camelCase:
 *   weightIhL{l} [H, inputSize (l = 0) or D·H]   ↔ PyTorch weight_ih_l{l}, ONNX RNN W
 *   weightHhL{l} [H, H]                           ↔ weight_hh_l{l},        ONNX RNN R
 *   biasIhL{l}, biasHhL{l} [H]                     ↔ bias_ih_l{l}, bias_hh_l{l}; ONNX B = [b_ih, b_hh]
 * All initialised uniform(−1/√H, 1/√H).
 */
export class RNN extends RecurrentLayer {
  readonly nonlinearity: Nonlinearity;

  constructor(o: RNNOptions) {
    super(o, { kind: 'rnn', nonlinearity: o.nonlinearity ?? 'tanh' });
    this.nonlinearity = o.nonlinearity ?? 'tanh';
  }
}
