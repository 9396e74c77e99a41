import {
  add,
  addmm,
  gruCell,
  linear,
  lstmCell,
  mul,
  rnnCell,
  sigmoid,
  slice,
  sub,
  type Tensor,
  tanh,
} from '@rnnkit/core';

export type CellKind = 'rnn' | 'lstm' | 'gru';
export type Nonlinearity = 'tanh' | 'relu' | 'linear';

/** The weights of one cell (one layer and direction), PyTorch layout and gate order. */
export interface CellWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  /** LSTM peepholes [3, H], rows i, f, o. */
  peephole?: Tensor | null;
}

/** How a step computes; fixed per layer. */
export interface StepConfig {
  kind: CellKind;
  hiddenSize: number;
  nonlinearity: Nonlinearity;
  /** GRU: reset gate after the recurrent product (PyTorch) or before it (ONNX default, TF.js). */
  resetAfter: boolean;
  /** Use fused backend kernels when present. */
  fused: boolean;
}

/** Recurrent state of one cell: h, and c for LSTM. */
export interface CellState {
  h: Tensor;
  c?: Tensor;
}

/**
 * Which biases the input projection absorbs: x·W_ihᵀ + b_ih (+ b_hh where it is purely additive,
 * i.e. for RNN and LSTM), computed for all time steps in one product before the loop.
 */
export function foldsHiddenBias(cfg: StepConfig): boolean {
  return cfg.kind !== 'gru';
}

/** The bias added to the input projection: b_ih, plus b_hh where the cell folds it (a new tensor then). */
export function inputBias(cfg: StepConfig, w: CellWeights): Tensor | null {
  if (foldsHiddenBias(cfg) && w.biasHh) return w.biasIh ? add(w.biasIh, w.biasHh) : w.biasHh;
  return w.biasIh;
}

/** Per-sequence precomputation: the recurrent weights sliced once outside the time loop. */
export interface Prepared {
  w: CellWeights;
  /** GRU with resetAfter=false: W_hh and b_hh split into the r,z rows and the n rows. */
  whRZ?: Tensor;
  whN?: Tensor;
  bhRZ?: Tensor | null;
  bhN?: Tensor | null;
}

export function prepare(cfg: StepConfig, w: CellWeights): Prepared {
  if (cfg.kind !== 'gru' || cfg.resetAfter) return { w };
  const H = cfg.hiddenSize;
  return {
    w,
    whRZ: slice(w.weightHh, [0, 0], [2 * H, H]),
    whN: slice(w.weightHh, [2 * H, 0], [H, H]),
    bhRZ: w.biasHh ? slice(w.biasHh, [0], [2 * H]) : null,
    bhN: w.biasHh ? slice(w.biasHh, [2 * H], [H]) : null,
  };
}

function cols(x: Tensor, from: number, width: number): Tensor {
  return slice(x, [0, from], [x.shape[0], width]);
}

/**
 * One time step. `xp` is this step's input projection [B, G·H] (see foldsHiddenBias); the
 * result is the new state. The equations are documented on the RNN, LSTM and GRU classes.
 */
export function cellStep(cfg: StepConfig, p: Prepared, xp: Tensor, s: CellState): CellState {
  const { w } = p;
  const H = cfg.hiddenSize;
  const fused = { fused: cfg.fused };
  switch (cfg.kind) {
    case 'rnn':
      return { h: rnnCell(xp, s.h, w.weightHh, cfg.nonlinearity, fused) };
    case 'lstm': {
      const gates = addmm(xp, s.h, w.weightHh, { transB: true });
      return lstmCell(gates, s.c!, w.peephole ?? null, fused);
    }
    case 'gru': {
      if (cfg.resetAfter) return { h: gruCell(xp, linear(s.h, w.weightHh, w.biasHh), s.h, fused) };
      const hRZ = linear(s.h, p.whRZ!, p.bhRZ);
      const r = sigmoid(add(cols(xp, 0, H), cols(hRZ, 0, H)));
      const z = sigmoid(add(cols(xp, H, H), cols(hRZ, H, H)));
      const n = tanh(add(cols(xp, 2 * H, H), linear(mul(r, s.h), p.whN!, p.bhN)));
      return { h: add(n, mul(z, sub(s.h, n))) };
    }
  }
}

/** Number of gate blocks stacked in W_ih / W_hh. */
export function gateCount(kind: CellKind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
}
