import { RnnkitError, rnnCell } from '@rnnkit/core';
import type { CellDef, Nonlinearity } from './cell-def.js';
import { checkLayerOptions, RecurrentLayer, type RecurrentOptions } from './recurrent.js';
import { refAffine } from './ref-math.js';
import { gatedShapes } from './steps.js';

export interface RNNOptions extends RecurrentOptions {
  /** 'tanh' (default), 'relu', or 'linear' (identity; for teaching and worked examples). */
  nonlinearity?: Nonlinearity;
}

const refAct = (v: number, n: Nonlinearity | undefined): number =>
  n === 'relu' ? Math.max(v, 0) : n === 'linear' ? v : Math.tanh(v);

/** ONNX's name of each activation (linear = Affine with alpha 1, beta 0). */
const ONNX_ACT = { tanh: 'Tanh', relu: 'Relu', linear: 'Affine' } as const;

/** The Elman cell: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh); ONNX's RNN operator. */
export const rnnDef: CellDef = {
  kind: 'rnn',
  title: 'RNN',
  states: ['h'],
  settings: ['nonlinearity'],
  parameters: (s) => gatedShapes(1, s),
  foldsHiddenBias: true,
  step: (cfg, p, xp, s) => ({
    h: rnnCell(xp, s.h, p.w.weightHh!, cfg.nonlinearity, { fused: cfg.fused }),
  }),
  fusedKernel: () => true,
  onnx: {
    op: 'RNN',
    gateOrder: [0],
    attributes(cfg, D) {
      const act = ONNX_ACT[cfg.nonlinearity];
      const out: Record<string, string[] | { floats: number[] }> = {
        activations: Array(D).fill(act),
      };
      if (act === 'Affine') {
        out.activation_alpha = { floats: Array(D).fill(1) };
        out.activation_beta = { floats: Array(D).fill(0) };
      }
      return out;
    },
    settings(attrs, D, who) {
      const acts = ((attrs.get('activations') as string[] | undefined) ?? []).map((a) =>
        a.toLowerCase(),
      );
      const alphas = (attrs.get('activation_alpha') as number[] | undefined) ?? [];
      const betas = (attrs.get('activation_beta') as number[] | undefined) ?? [];
      const names = acts.length ? acts : Array(D).fill('tanh');
      const kinds = names.map((a, i): Nonlinearity => {
        if (a === 'tanh' || a === 'relu') return a;
        if (a === 'affine' && (alphas[i] ?? 1) === 1 && (betas[i] ?? 0) === 0) return 'linear';
        throw new RnnkitError(
          `${who}: activation '${a}'${a === 'affine' ? ` with alpha ${alphas[i]}, beta ${betas[i]}` : ''} is not supported (Tanh, Relu, Affine with alpha 1 and beta 0)`,
        );
      });
      if (kinds.length < D || kinds.some((k) => k !== kinds[0]))
        throw new RnnkitError(
          `${who}: both directions must use the same activation, got ${names.join(', ')}`,
        );
      return { nonlinearity: kinds[0] };
    },
  },
  reference(settings, H, w, x, h) {
    const a = refAffine(w.weightIh, w.biasIh, x, 0, H);
    const b = refAffine(w.weightHh!, w.biasHh, h, 0, H);
    return { h: a.map((v, j) => refAct(v + b[j], settings.nonlinearity)) };
  },
  variants: (['tanh', 'relu', 'linear'] as const).map((nonlinearity) => ({
    name: `RNN ${nonlinearity}`,
    settings: { nonlinearity },
  })),
  choices: { rnn: {} },
  make: (o) => new RNN(o),
};

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
      cell: rnnDef,
      nonlinearity: o.nonlinearity ?? 'tanh',
    });
    this.nonlinearity = o.nonlinearity ?? 'tanh';
  }
}
