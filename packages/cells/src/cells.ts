import {
  add,
  type Backend,
  getBackend,
  init,
  linear,
  Module,
  Parameter,
  type Rng,
  ShapeError,
  type Tensor,
  zeros,
} from '@rnnkit/core';
import {
  type CellKind,
  type CellState,
  cellStep,
  foldsHiddenBias,
  gateCount,
  type Nonlinearity,
  prepare,
  type StepConfig,
} from './steps.js';

export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  bias?: boolean;
  fused?: boolean;
  rng?: Rng;
  backend?: Backend;
}

/**
 * One time step of a recurrent cell, for streaming and hand-written loops. Parameters are named
 * as PyTorch's nn.RNNCell/LSTMCell/GRUCell (weight_ih → weightIh, ...), same shapes and gate order
 * as the layers (see RNN, LSTM, GRU).
 */
abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
  peephole: Parameter | null = null;
  readonly #cfg: StepConfig;

  constructor(
    o: CellOptions,
    kind: CellKind,
    extra: Partial<StepConfig> & { peephole?: boolean } = {},
  ) {
    super();
    this.inputSize = o.inputSize;
    this.hiddenSize = o.hiddenSize;
    const H = o.hiddenSize;
    const G = gateCount(kind);
    const io = { rng: o.rng, backend: o.backend ?? getBackend() };
    this.weightIh = new Parameter(init.rnnUniform([G * H, o.inputSize], H, io));
    this.weightHh = new Parameter(init.rnnUniform([G * H, H], H, io));
    this.biasIh = o.bias === false ? null : new Parameter(init.rnnUniform([G * H], H, io));
    this.biasHh = o.bias === false ? null : new Parameter(init.rnnUniform([G * H], H, io));
    if (extra.peephole) this.peephole = new Parameter(init.rnnUniform([3, H], H, io));
    this.#cfg = {
      kind,
      hiddenSize: H,
      nonlinearity: extra.nonlinearity ?? 'tanh',
      resetAfter: extra.resetAfter ?? true,
      fused: o.fused ?? true,
    };
  }

  protected stepState(x: Tensor, s: CellState): CellState {
    if (x.rank !== 2 || x.shape[1] !== this.inputSize) {
      throw new ShapeError(
        `${this.constructor.name}: input must be [batch, ${this.inputSize}], got [${x.shape.join(', ')}]`,
      );
    }
    const w = {
      weightIh: this.weightIh,
      weightHh: this.weightHh,
      biasIh: this.biasIh,
      biasHh: this.biasHh,
      peephole: this.peephole,
    };
    const bias =
      foldsHiddenBias(this.#cfg) && w.biasHh
        ? w.biasIh
          ? add(w.biasIh, w.biasHh)
          : w.biasHh
        : w.biasIh;
    return cellStep(this.#cfg, prepare(this.#cfg, w), linear(x, w.weightIh, bias), s);
  }

  protected zeroState(x: Tensor): Tensor {
    return zeros([x.shape[0], this.hiddenSize], 'float32', x.backend);
  }
}

/** Elman cell: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). */
export class RNNCell extends CellBase {
  constructor(o: CellOptions & { nonlinearity?: Nonlinearity }) {
    super(o, 'rnn', { nonlinearity: o.nonlinearity });
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    return this.stepState(x, { h: h ?? this.zeroState(x) }).h;
  }
}

/** LSTM cell (optional peepholes); returns the new { h, c }. */
export class LSTMCell extends CellBase {
  constructor(o: CellOptions & { peephole?: boolean }) {
    super(o, 'lstm', { peephole: o.peephole });
  }
  forward(x: Tensor, state?: { h: Tensor; c: Tensor }): { h: Tensor; c: Tensor } {
    const s = this.stepState(x, state ?? { h: this.zeroState(x), c: this.zeroState(x) });
    return { h: s.h, c: s.c! };
  }
}

/** GRU cell (resetAfter as GRU). */
export class GRUCell extends CellBase {
  constructor(o: CellOptions & { resetAfter?: boolean }) {
    super(o, 'gru', { resetAfter: o.resetAfter });
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    return this.stepState(x, { h: h ?? this.zeroState(x) }).h;
  }
}
