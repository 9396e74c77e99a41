import { add, gruCell, linear, mul, sigmoid, slice, sub, tanh } from '@rnnkit/core';
import type { CellDef } from './cell-def.js';
import { checkDefaultActivations } from './lstm.js';
import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';
import { refAffine, refSigmoid } from './ref-math.js';
import { cols, gatedShapes } from './steps.js';

export interface GRUOptions extends RecurrentOptions {
  /**
   * true (default): reset gate applied after the recurrent product — PyTorch, cuDNN, ONNX
   * linear_before_reset=1. false: applied to h before it — TensorFlow.js and the ONNX default.
   */
  resetAfter?: boolean;
}

/** The GRU cell (equations on the GRU class below); ONNX's GRU operator. */
export const gruDef: CellDef = {
  kind: 'gru',
  title: 'GRU',
  states: ['h'],
  settings: ['resetAfter'],
  parameters: (s) => gatedShapes(3, s),
  // b_hn sits inside r⊙(…) or after the reset, so b_hh is not purely additive
  foldsHiddenBias: false,
  prepare(cfg, w) {
    if (cfg.resetAfter) return { w };
    const H = cfg.hiddenSize;
    const whh = w.weightHh!;
    return {
      w,
      extra: {
        whRZ: slice(whh, [0, 0], [2 * H, H]),
        whN: slice(whh, [2 * H, 0], [H, H]),
        bhRZ: w.biasHh ? slice(w.biasHh, [0], [2 * H]) : null,
        bhN: w.biasHh ? slice(w.biasHh, [2 * H], [H]) : null,
      },
    };
  },
  step(cfg, p, xp, s) {
    const { w } = p;
    const H = cfg.hiddenSize;
    if (cfg.resetAfter)
      return { h: gruCell(xp, linear(s.h, w.weightHh!, w.biasHh), s.h, { fused: cfg.fused }) };
    const e = p.extra!;
    const hRZ = linear(s.h, e.whRZ!, e.bhRZ);
    const r = sigmoid(add(cols(xp, 0, H), cols(hRZ, 0, H)));
    const z = sigmoid(add(cols(xp, H, H), cols(hRZ, H, H)));
    const n = tanh(add(cols(xp, 2 * H, H), linear(mul(r, s.h), e.whN!, e.bhN)));
    return { h: add(n, mul(z, sub(s.h, n))) };
  },
  fusedKernel: (s) => s.resetAfter ?? true,
  onnx: {
    op: 'GRU',
    gateOrder: [1, 0, 2],
    attributes: (cfg) => ({ linear_before_reset: cfg.resetAfter ? 1 : 0 }),
    settings(attrs, D, who) {
      checkDefaultActivations(attrs, D, who, 'GRU', ['sigmoid', 'tanh']);
      return { resetAfter: (attrs.get('linear_before_reset') as number | undefined) === 1 };
    },
  },
  reference(settings, H, w, x, h) {
    const a = refAffine(w.weightIh, w.biasIh, x, 0, 3 * H);
    const b = refAffine(w.weightHh!, w.biasHh, h, 0, 2 * H); // r, z rows of h·W_hhᵀ + b_hh
    const r = new Array<number>(H);
    const z = new Array<number>(H);
    for (let j = 0; j < H; j++) {
      r[j] = refSigmoid(a[j] + b[j]);
      z[j] = refSigmoid(a[H + j] + b[H + j]);
    }
    const hnPre =
      (settings.resetAfter ?? true)
        ? refAffine(w.weightHh!, w.biasHh, h, 2 * H, H).map((v, j) => r[j] * v) // r⊙(h·W_hnᵀ + b_hn)
        : refAffine(
            w.weightHh!,
            w.biasHh,
            h.map((v, k) => r[k] * v),
            2 * H,
            H,
          ); // (r⊙h)·W_hnᵀ + b_hn
    const out = new Array<number>(H);
    for (let j = 0; j < H; j++) {
      const n = Math.tanh(a[2 * H + j] + hnPre[j]);
      out[j] = (1 - z[j]) * n + z[j] * h[j];
    }
    return { h: out };
  },
  variants: [
    { name: 'GRU resetAfter', settings: { resetAfter: true } },
    { name: 'GRU resetBefore', settings: { resetAfter: false } },
  ],
  choices: { gru: {} },
  make: (o) => new GRU(o),
};

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
      cell: gruDef,
      resetAfter: o.resetAfter ?? true,
    });
    this.resetAfter = o.resetAfter ?? true;
  }
}
