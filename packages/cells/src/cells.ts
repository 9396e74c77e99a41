import {
  type Backend,
  checkOptions,
  fmtShape,
  getBackend,
  init,
  linear,
  Module,
  type OptionKeys,
  Parameter,
  type Rng,
  RnnkitError,
  ShapeError,
  type Tensor,
  zeros,
} from '@rnnkit/core';
import type { CellDef, CellState, Nonlinearity, StepConfig } from './cell-def.js';
import { gruDef } from './gru.js';
import { lstmDef } from './lstm.js';
import { checkBool, checkInput, checkNonlinearity, checkPositiveInt } from './options.js';
import { rnnDef } from './rnn.js';
import { inputBias, prepare } from './steps.js';

export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  bias?: boolean;
  fused?: boolean;
  rng?: Rng;
  backend?: Backend;
}

const CELL_KEYS: OptionKeys<CellOptions> = {
  inputSize: 'required',
  hiddenSize: 'required',
  bias: 'optional',
  fused: 'optional',
  rng: 'optional',
  backend: 'optional',
};

/**
 * One time step of a recurrent cell, for streaming and hand-written loops (the layers RNN, LSTM
 * and GRU run whole sequences through core's `scan`). Parameters are named as PyTorch's
 * nn.RNNCell/LSTMCell/GRUCell in camelCase (weight_ih → weightIh, bias_hh → biasHh), with the same
 * shapes and gate order, so a PyTorch cell's state dict loads after `fromTorchName`. All weights
 * are initialised uniform(−1/√H, 1/√H). `x` is [batch, inputSize]; states are [batch, H].
 */
abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weightIh: Parameter;
  weightHh: Parameter | null;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
  peephole: Parameter | null = null;
  readonly #cfg: StepConfig;

  constructor(
    o: CellOptions,
    cell: CellDef,
    extra: Partial<StepConfig> & { peephole?: boolean } = {},
  ) {
    super();
    const who = new.target.name;
    checkPositiveInt(who, 'inputSize', o.inputSize);
    checkPositiveInt(who, 'hiddenSize', o.hiddenSize);
    checkBool(who, 'bias', o.bias);
    checkBool(who, 'fused', o.fused);
    checkNonlinearity(who, extra.nonlinearity);
    checkBool(who, 'resetAfter', extra.resetAfter);
    checkBool(who, 'peephole', extra.peephole);
    this.inputSize = o.inputSize;
    this.hiddenSize = o.hiddenSize;
    const H = o.hiddenSize;
    const io = { rng: o.rng, backend: o.backend ?? getBackend() };
    const shapes = cell.parameters({
      inputSize: o.inputSize,
      hiddenSize: H,
      bias: o.bias !== false,
      settings: { peephole: extra.peephole },
    });
    const make = (name: string) => {
      const shape = shapes[name];
      return shape ? new Parameter(init.rnnUniform(shape, H, io)) : null;
    };
    // drawn in the cell's parameter order, so seeded weights match the layers'
    this.weightIh = make('weightIh')!;
    this.weightHh = make('weightHh');
    this.biasIh = make('biasIh');
    this.biasHh = make('biasHh');
    this.peephole = make('peephole');
    this.#cfg = {
      cell,
      hiddenSize: H,
      nonlinearity: extra.nonlinearity ?? 'tanh',
      resetAfter: extra.resetAfter ?? true,
      fused: o.fused ?? true,
    };
  }

  protected stepState(x: Tensor, s: CellState): CellState {
    const who = this.constructor.name;
    checkInput(who, x, ['batch'], this.inputSize);
    const want = [x.shape[0], this.hiddenSize];
    for (const [k, t] of Object.entries(s) as [string, Tensor | undefined][]) {
      if (t && (t.rank !== 2 || t.shape[0] !== want[0] || t.shape[1] !== want[1]))
        throw new ShapeError(
          `${who}: state ${k} must be [batch, hiddenSize] = ${fmtShape(want)}, got ${fmtShape(t.shape)}; pass the state this cell returned for the same batch, or none for zeros`,
        );
    }
    const w = {
      weightIh: this.weightIh,
      weightHh: this.weightHh,
      biasIh: this.biasIh,
      biasHh: this.biasHh,
      peephole: this.peephole,
    };
    const bias = inputBias(this.#cfg, w);
    return this.#cfg.cell.step(this.#cfg, prepare(this.#cfg, w), linear(x, w.weightIh, bias), s);
  }

  protected zeroState(x: Tensor): Tensor {
    return zeros([x.shape[0], this.hiddenSize], 'float32', x.backend);
  }
}

/**
 * Elman cell, as PyTorch's nn.RNNCell:
 *
 *   h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh),   act = tanh (default) | relu | linear (identity)
 *
 * Parameters (H = hiddenSize, I = inputSize):
 *   weightIh [H, I] ↔ PyTorch weight_ih ↔ ONNX RNN W[d]
 *   weightHh [H, H] ↔ weight_hh         ↔ ONNX RNN R[d]
 *   biasIh [H], biasHh [H] ↔ bias_ih, bias_hh ↔ ONNX B[d] = [Wb, Rb] = [b_ih, b_hh]
 *   (bias: false drops both biases.)
 */
export class RNNCell extends CellBase {
  constructor(o: CellOptions & { nonlinearity?: Nonlinearity }) {
    // checked before super reads it: a bad argument gets a message, not a TypeError
    super(checkOptions('RNNCell', o, { ...CELL_KEYS, nonlinearity: 'optional' }), rnnDef, {
      nonlinearity: o.nonlinearity,
    });
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    return this.stepState(x, { h: h ?? this.zeroState(x) }).h;
  }
}

/**
 * LSTM cell, as PyTorch's nn.LSTMCell, with optional Gers & Schmidhuber (2001) peepholes exactly as
 * ONNX's LSTM operator input `P`; returns the new { h, c }:
 *
 *   [a_i, a_f, a_g, a_o] = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh        (four blocks of H columns)
 *   i = σ(a_i + p_i⊙c)    f = σ(a_f + p_f⊙c)    g = tanh(a_g)       (i and f see the old c)
 *   c' = f⊙c + i⊙g
 *   o = σ(a_o + p_o⊙c')                                            (o sees the new c')
 *   h' = o⊙tanh(c')
 *
 * Parameters (gate blocks stacked in PyTorch's order i, f, g, o):
 *   weightIh [4H, I] ↔ PyTorch weight_ih;   weightHh [4H, H] ↔ weight_hh
 *   biasIh [4H], biasHh [4H] ↔ bias_ih, bias_hh
 *   peephole [3, H], rows p_i, p_f, p_o (peephole: true only; PyTorch has no peepholes)
 * ONNX's LSTM stacks the blocks i, o, f, c (c = our g) in W [D, 4H, I], R [D, 4H, H] and
 * B [D, 8H] = [Wb, Rb], and P [D, 3H] as p_i, p_o, p_f: `toOnnxWeights` / `fromOnnxWeights`
 * reorder. Without peepholes the cell equals PyTorch's; with them, ONNX Runtime's LSTM.
 */
export class LSTMCell extends CellBase {
  constructor(o: CellOptions & { peephole?: boolean }) {
    super(checkOptions('LSTMCell', o, { ...CELL_KEYS, peephole: 'optional' }), lstmDef, {
      peephole: o.peephole,
    });
  }
  forward(x: Tensor, state?: { h: Tensor; c: Tensor }): { h: Tensor; c: Tensor } {
    if (state && (!state.h || !state.c))
      throw new RnnkitError(
        `LSTMCell: state needs both h and c ([batch, ${this.hiddenSize}] each), or none for zeros`,
      );
    const s = this.stepState(x, state ?? { h: this.zeroState(x), c: this.zeroState(x) });
    return { h: s.h, c: s.c! };
  }
}

/**
 * GRU cell, as PyTorch's nn.GRUCell (resetAfter: true, the default) or TensorFlow.js' GRU and the
 * ONNX default (resetAfter: false):
 *
 *   r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)     z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)
 *   resetAfter true:  n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))   (ONNX linear_before_reset=1)
 *   resetAfter false: n = tanh(x·W_inᵀ + b_in + (r⊙h)·W_hnᵀ + b_hn)   (ONNX linear_before_reset=0)
 *   h' = (1 − z)⊙n + z⊙h
 *
 * Parameters (gate blocks stacked in PyTorch's order r, z, n):
 *   weightIh [3H, I] ↔ PyTorch weight_ih;   weightHh [3H, H] ↔ weight_hh
 *   biasIh [3H], biasHh [3H] ↔ bias_ih, bias_hh
 * ONNX's GRU stacks the blocks z, r, h (h = our n) in W [D, 3H, I], R [D, 3H, H] and
 * B [D, 6H] = [Wb, Rb]: `toOnnxWeights` / `fromOnnxWeights` reorder.
 */
export class GRUCell extends CellBase {
  constructor(o: CellOptions & { resetAfter?: boolean }) {
    super(checkOptions('GRUCell', o, { ...CELL_KEYS, resetAfter: 'optional' }), gruDef, {
      resetAfter: o.resetAfter,
    });
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    return this.stepState(x, { h: h ?? this.zeroState(x) }).h;
  }
}
