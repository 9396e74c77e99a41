import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';

export interface LSTMOptions extends RecurrentOptions {
  /** Gers & Schmidhuber (2001) peephole connections from the cell state to the gates. */
  peephole?: boolean;
  /** Initial value of the forget-gate bias (b_ih forget rows = value, b_hh forget rows = 0). */
  forgetBias?: number;
}

/**
 * LSTM layer, as PyTorch's nn.LSTM, with optional Gers & Schmidhuber (2001) peepholes exactly as
 * ONNX's LSTM operator input `P`:
 *
 *   [a_i, a_f, a_g, a_o] = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh
 *   i = σ(a_i + p_i⊙c_{t−1})   f = σ(a_f + p_f⊙c_{t−1})   g = tanh(a_g)
 *   c_t = f⊙c_{t−1} + i⊙g
 *   o = σ(a_o + p_o⊙c_t)       h_t = o⊙tanh(c_t)
 *
 * (Without peepholes p = 0 and this is PyTorch's nn.LSTM.) State is { h, c }.
 * Parameters per layer l (and `…Reverse`), gate blocks stacked in order i, f, g, o (PyTorch):
 *   weightIhL{l} [4H, inputSize or D·H] ↔ weight_ih_l{l};  weightHhL{l} [4H, H] ↔ weight_hh_l{l}
 *   biasIhL{l}, biasHhL{l} [4H]         ↔ bias_ih_l{l}, bias_hh_l{l}
 *   peepholeL{l} [3, H], rows p_i, p_f, p_o (peephole: true only; PyTorch has none)
 * ONNX's LSTM stacks gates i, o, f, c (c = our g) in W [D, 4H, I], R [D, 4H, H],
 * B [D, 8H] = [Wb, Rb], and P [D, 3H] as p_i, p_o, p_f; `toOnnxWeights` / `fromOnnxWeights` in
 * this package reorder. `forgetBias` sets the f rows of b_ih to the value and of b_hh to 0.
 */
export class LSTM extends RecurrentLayer {
  readonly peephole: boolean;

  constructor(o: LSTMOptions) {
    super(checkLayerOptions('LSTM', o, { peephole: 'optional', forgetBias: 'optional' }), {
      kind: 'lstm',
      peephole: o.peephole ?? false,
      forgetBias: o.forgetBias,
    });
    this.peephole = o.peephole ?? false;
  }
}
