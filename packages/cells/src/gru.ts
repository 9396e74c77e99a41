import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';

export interface GRUOptions extends RecurrentOptions {
  /**
   * true (default): reset gate applied after the recurrent product — PyTorch, cuDNN, ONNX
   * linear_before_reset=1. false: applied to h before it — TensorFlow.js and the ONNX default.
   */
  resetAfter?: boolean;
}

/**
 * GRU layer, as PyTorch's nn.GRU (resetAfter: true, default) or TensorFlow.js (resetAfter: false),
 * with h = h_{t−1}:
 *
 *   r = σ(x_t·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)      z = σ(x_t·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)
 *   resetAfter:  n = tanh(x_t·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))   ONNX linear_before_reset=1
 *   otherwise:   n = tanh(x_t·W_inᵀ + b_in + (r⊙h)·W_hnᵀ + b_hn)   ONNX linear_before_reset=0
 *   h_t = (1 − z)⊙n + z⊙h_{t−1}
 *
 * Parameters per layer l (and `…Reverse`), gate blocks stacked r, z, n (PyTorch):
 *   weightIhL{l} [3H, inputSize or D·H] ↔ weight_ih_l{l};  weightHhL{l} [3H, H] ↔ weight_hh_l{l}
 *   biasIhL{l}, biasHhL{l} [3H]         ↔ bias_ih_l{l}, bias_hh_l{l}
 * ONNX's GRU stacks gates z, r, h (h = our n) in W [D, 3H, I], R [D, 3H, H] and
 * B [D, 6H] = [Wb, Rb]; `toOnnxWeights` / `fromOnnxWeights` in this package reorder.
 */
export class GRU extends RecurrentLayer {
  readonly resetAfter: boolean;

  constructor(o: GRUOptions) {
    super(checkLayerOptions('GRU', o, { resetAfter: 'optional' }), {
      kind: 'gru',
      resetAfter: o.resetAfter ?? true,
    });
    this.resetAfter = o.resetAfter ?? true;
  }
}
