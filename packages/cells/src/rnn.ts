import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';
import type { Nonlinearity } from './steps.js';

export interface RNNOptions extends RecurrentOptions {
  /** 'tanh' (default), 'relu', or 'linear' (identity; for teaching and worked examples). */
  nonlinearity?: Nonlinearity;
}

/**
 * Elman RNN layer, as PyTorch's nn.RNN (and ONNX's RNN operator with its default Tanh):
 *
 *   h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),   act = tanh (default) | relu | linear
 *
 * (`linear` is the identity: for teaching and worked examples; PyTorch has no such option.)
 * Parameters per layer l (and `…Reverse` for the backward direction), PyTorch names in camelCase;
 * D = 2 when bidirectional, else 1:
 *   weightIhL{l} [H, inputSize (l = 0) or D·H]   ↔ PyTorch weight_ih_l{l}, ONNX RNN W[d]
 *   weightHhL{l} [H, H]                           ↔ weight_hh_l{l},        ONNX RNN R[d]
 *   biasIhL{l}, biasHhL{l} [H]                     ↔ bias_ih_l{l}, bias_hh_l{l}; ONNX B[d] = [Wb, Rb]
 * All initialised uniform(−1/√H, 1/√H). ONNX direction d = 1 is the `…Reverse` set; one ONNX node
 * holds one layer, so a stack of l layers is l nodes.
 */
export class RNN extends RecurrentLayer {
  readonly nonlinearity: Nonlinearity;

  constructor(o: RNNOptions) {
    super(checkLayerOptions('RNN', o, { nonlinearity: 'optional' }), {
      kind: 'rnn',
      nonlinearity: o.nonlinearity ?? 'tanh',
    });
    this.nonlinearity = o.nonlinearity ?? 'tanh';
  }
}
