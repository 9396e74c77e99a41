import { add, mul, neg, sigmoid, slice, sub } from '@rnnkit/core';
import type { CellDef } from './cell-def.js';
import { linearRecurrence, softplus } from './log-space-scan.js';
import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';
import { refAffine, refSigmoid } from './ref-math.js';
import { cols, gatedShapes } from './steps.js';

/**
 * minGRU (Feng et al. 2024, "Were RNNs All We Needed?"): a GRU whose gates read the input only,
 *
 *   [k, h̃] = x_t·W_ihᵀ + b_ih      z = σ(k)      h_t = (1 − z)⊙h_{t−1} + z⊙h̃
 *
 * so the recurrence is linear in h and a whole sequence runs as one parallel scan in log space
 * (log(1 − z) = −softplus(k)); `step` runs it one step at a time for sampling. The candidate h̃
 * is the plain projection (the paper's sequential form; its g(·) only keeps log-space values
 * positive, which this scan does not need). Parameters per layer and direction: weightIh [2H, I]
 * and biasIh [2H], blocks z, h̃; no recurrent weights. ONNX has no such operator: export refuses.
 */
export const minGruDef: CellDef = {
  kind: 'mingru',
  title: 'minGRU',
  states: ['h'],
  settings: [],
  parameters: (s) => gatedShapes(2, s, false),
  foldsHiddenBias: true,
  step(cfg, _p, xp, s) {
    const H = cfg.hiddenSize;
    const z = sigmoid(cols(xp, 0, H));
    return { h: add(s.h, mul(z, sub(cols(xp, H, H), s.h))) };
  },
  sequence(cfg, _p, xp, s, mask, reverse) {
    const [T, B] = xp.shape;
    const H = cfg.hiddenSize;
    const k = slice(xp, [0, 0, 0], [T, B, H]);
    const candidate = slice(xp, [0, 0, H], [T, B, H]);
    const r = linearRecurrence(neg(softplus(k)), mul(sigmoid(k), candidate), s.h, mask, reverse);
    return { ys: r.ys, state: { h: r.last } };
  },
  fusedKernel: () => false,
  onnx: null,
  reference(_settings, H, w, x, h) {
    const a = refAffine(w.weightIh, w.biasIh, x, 0, 2 * H);
    return {
      h: h.map((hj, j) => {
        const z = refSigmoid(a[j]);
        return (1 - z) * hj + z * a[H + j];
      }),
    };
  },
  variants: [{ name: 'minGRU', settings: {} }],
  choices: { mingru: {} },
  make: (o) => new MinGRU(o),
};

/** A minGRU layer (see `minGruDef`), with the options of every recurrent layer. */
export class MinGRU extends RecurrentLayer {
  constructor(o: RecurrentOptions) {
    super(checkLayerOptions('MinGRU', o, {}), { cell: minGruDef });
  }
}
