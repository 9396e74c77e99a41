import { add, div, mul, neg, sigmoid, slice, sub } from '@rnnkit/core';
import type { CellDef } from './cell-def.js';
import { linearRecurrence, softplus } from './log-space-scan.js';
import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';
import { refAffine, refSigmoid } from './ref-math.js';
import { cols, gatedShapes } from './steps.js';

/**
 * minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"): an LSTM whose gates read the input only
 * and are normalised to sum to one, with no separate cell state,
 *
 *   [k_f, k_i, h̃] = x_t·W_ihᵀ + b_ih    f = σ(k_f)   i = σ(k_i)
 *   f' = f/(f + i)    i' = i/(f + i)     h_t = f'⊙h_{t−1} + i'⊙h̃
 *
 * In log space, with d = softplus(−k_f) − softplus(−k_i): log f' = −softplus(d) and i' = σ(d),
 * so a whole sequence runs as one parallel scan; `step` runs one step for sampling. h̃ is the plain
 * projection (see minGRU). Parameters per layer and direction: weightIh [3H, I] and biasIh [3H],
 * blocks f, i, h̃; no recurrent weights. ONNX has no such operator: export refuses.
 */
export const minLstmDef: CellDef = {
  kind: 'minlstm',
  title: 'minLSTM',
  states: ['h'],
  settings: [],
  parameters: (s) => gatedShapes(3, s, false),
  foldsHiddenBias: true,
  step(cfg, _p, xp, s) {
    const H = cfg.hiddenSize;
    const f = sigmoid(cols(xp, 0, H));
    const i = sigmoid(cols(xp, H, H));
    const total = add(f, i);
    return { h: add(mul(div(f, total), s.h), mul(div(i, total), cols(xp, 2 * H, H))) };
  },
  sequence(cfg, _p, xp, s, mask, reverse) {
    const [T, B] = xp.shape;
    const H = cfg.hiddenSize;
    const block = (k: number) => slice(xp, [0, 0, k * H], [T, B, H]);
    const d = sub(softplus(neg(block(0))), softplus(neg(block(1))));
    const r = linearRecurrence(neg(softplus(d)), mul(sigmoid(d), block(2)), s.h, mask, reverse);
    return { ys: r.ys, state: { h: r.last } };
  },
  fusedKernel: () => false,
  onnx: null,
  reference(_settings, H, w, x, h) {
    const a = refAffine(w.weightIh, w.biasIh, x, 0, 3 * H);
    return {
      h: h.map((hj, j) => {
        const f = refSigmoid(a[j]);
        const i = refSigmoid(a[H + j]);
        return (f / (f + i)) * hj + (i / (f + i)) * a[2 * H + j];
      }),
    };
  },
  variants: [{ name: 'minLSTM', settings: {} }],
  choices: { minlstm: {} },
  make: (o) => new MinLSTM(o),
};

/** A minLSTM layer (see `minLstmDef`), with the options of every recurrent layer. */
export class MinLSTM extends RecurrentLayer {
  constructor(o: RecurrentOptions) {
    super(checkLayerOptions('MinLSTM', o, {}), { cell: minLstmDef });
  }
}
