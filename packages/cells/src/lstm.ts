import { addmm, lstmCell, RnnkitError } from '@rnnkit/core';
import type { CellDef } from './cell-def.js';
import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';
import { refAffine, refSigmoid } from './ref-math.js';
import { gatedShapes } from './steps.js';

export interface LSTMOptions extends RecurrentOptions {
  /** Gers & Schmidhuber (2001) peephole connections from the cell state to the gates. */
  peephole?: boolean;
  /** Initial value of the forget-gate bias (b_ih forget rows = value, b_hh forget rows = 0). */
  forgetBias?: number;
}

/** LSTM's default activations in ONNX's notation (f, g, h), per direction. */
const ONNX_ACTS = ['sigmoid', 'tanh', 'tanh'];

/** The LSTM cell (equations on the LSTM class below); ONNX's LSTM operator. */
export const lstmDef: CellDef = {
  kind: 'lstm',
  title: 'LSTM',
  states: ['h', 'c'],
  settings: ['peephole', 'forgetBias'],
  parameters: (s) => ({
    ...gatedShapes(4, s),
    ...(s.settings.peephole ? { peephole: [3, s.hiddenSize] } : {}),
  }),
  foldsHiddenBias: true,
  step(cfg, p, xp, s) {
    const gates = addmm(xp, s.h, p.w.weightHh!, { transB: true });
    return lstmCell(gates, s.c!, p.w.peephole ?? null, { fused: cfg.fused });
  },
  fusedKernel: () => true,
  onnx: {
    op: 'LSTM',
    gateOrder: [0, 2, 3, 1],
    attributes: () => ({}),
    settings(attrs, D, who, hasP) {
      checkDefaultActivations(attrs, D, who, 'LSTM', ONNX_ACTS);
      return { peephole: hasP };
    },
  },
  reference(_settings, H, w, x, h, c) {
    const a = refAffine(w.weightIh, w.biasIh, x, 0, 4 * H);
    const b = refAffine(w.weightHh!, w.biasHh, h, 0, 4 * H);
    const p = w.peephole;
    const hn = new Array<number>(H);
    const cn = new Array<number>(H);
    for (let j = 0; j < H; j++) {
      const cp = c![j];
      const i = refSigmoid(a[j] + b[j] + (p ? p[j] * cp : 0));
      const f = refSigmoid(a[H + j] + b[H + j] + (p ? p[H + j] * cp : 0));
      const g = Math.tanh(a[2 * H + j] + b[2 * H + j]);
      cn[j] = f * cp + i * g;
      const o = refSigmoid(a[3 * H + j] + b[3 * H + j] + (p ? p[2 * H + j] * cn[j] : 0));
      hn[j] = o * Math.tanh(cn[j]);
    }
    return { h: hn, c: cn };
  },
  variants: [
    { name: 'LSTM', settings: {} },
    { name: 'LSTM peephole', settings: { peephole: true } },
  ],
  choices: { lstm: {}, 'lstm-peephole': { peephole: true } },
  make: (o) => new LSTM(o),
};

/**
 * Refuses `activations` other than the operator's defaults (`want`, per direction), naming them.
 * Shared by the ONNX mappings of LSTM and GRU.
 */
export function checkDefaultActivations(
  attrs: Map<string, unknown>,
  D: number,
  who: string,
  op: string,
  want: readonly string[],
): void {
  const acts = ((attrs.get('activations') as string[] | undefined) ?? []).map((a) =>
    a.toLowerCase(),
  );
  if (!acts.length) return;
  const ok = acts.length === want.length * D && acts.every((a, i) => a === want[i % want.length]);
  if (!ok)
    throw new RnnkitError(
      `${who}: activations ${acts.join(', ')} are not supported; rnnkit's ${op} uses the defaults (${want.join(', ')})`,
    );
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
      cell: lstmDef,
      peephole: o.peephole ?? false,
      forgetBias: o.forgetBias,
    });
    this.peephole = o.peephole ?? false;
  }
}
