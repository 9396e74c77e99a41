import type { Tensor } from '@rnnkit/core';
import type { RecurrentLayer, RecurrentOptions } from './recurrent.js';

export type Nonlinearity = 'tanh' | 'relu' | 'linear';

/** A registered cell's kind ('rnn', 'lstm', 'gru', 'mingru', 'minlstm', …; see `cellDefs()`). */
export type CellKind = string;

/** The names of a cell's state tensors: h, and c for cells with a separate memory (LSTM). */
export type StateName = 'h' | 'c';

/** The per-layer settings some cells take; a cell lists the ones it reads in `settings`. */
export interface CellSettings {
  /** RNN: the activation. */
  nonlinearity?: Nonlinearity;
  /** GRU: reset gate after the recurrent product (PyTorch) or before it (ONNX default, TF.js). */
  resetAfter?: boolean;
  /** LSTM: Gers & Schmidhuber peepholes. */
  peephole?: boolean;
  /** LSTM: initial forget-gate bias. */
  forgetBias?: number;
}

/** The weights of one cell (one layer and direction), PyTorch layout and gate order. */
export interface CellWeights {
  weightIh: Tensor;
  /** null for cells whose gates read the input only (minGRU, minLSTM). */
  weightHh: Tensor | null;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  /** LSTM peepholes [3, H], rows i, f, o. */
  peephole?: Tensor | null;
}

/** How a step computes; fixed per layer. */
export interface StepConfig {
  cell: CellDef;
  hiddenSize: number;
  nonlinearity: Nonlinearity;
  resetAfter: boolean;
  /** Use fused backend kernels when present. */
  fused: boolean;
}

/** Recurrent state of one cell: h, and c for LSTM. */
export interface CellState {
  h: Tensor;
  c?: Tensor;
}

/** Per-sequence precomputation (weights sliced once outside the time loop), as a cell needs it. */
export interface Prepared {
  w: CellWeights;
  /** Cell-specific tensors made by `prepare` (the stepper keeps them alive). */
  extra?: Record<string, Tensor | null>;
}

/** [T, B, 1] float masks of a variable-length batch: 1 at valid steps, and 1 − valid. */
export interface StepMask {
  valid: Tensor;
  padded: Tensor;
}

/** Host (number array) weights of one cell for the float64 reference. */
export interface RefCellWeights {
  weightIh: readonly number[];
  weightHh?: readonly number[];
  biasIh?: readonly number[];
  biasHh?: readonly number[];
  peephole?: readonly number[];
}

/** A plain attribute value of an ONNX node; `floats` marks a list of floats. */
export type OnnxAttr = string | number | string[] | { floats: number[] };

/**
 * How a cell maps onto one of ONNX's recurrent operators. The weights are rnnkit's with the gate
 * blocks permuted (`gateOrder`); W_hh is ONNX's R, [b_ih, b_hh] its B, peepholes its P.
 */
export interface OnnxMapping {
  op: 'RNN' | 'LSTM' | 'GRU';
  /** For each rnnkit gate block, the index of the same gate in ONNX's order. */
  gateOrder: readonly number[];
  /** The operator's attributes beyond hidden_size and direction, for a layer's settings. */
  attributes(cfg: StepConfig, numDirections: number): Record<string, OnnxAttr>;
  /**
   * The settings a node's attributes ask for; throws naming the node (`who`) and the attribute
   * for what the cell cannot express. `hasP`: the node has input P.
   */
  settings(
    attrs: Map<string, unknown>,
    numDirections: number,
    who: string,
    hasP: boolean,
  ): CellSettings;
}

/** A configuration the tests and the conformance suite sweep over. */
export interface CellVariant {
  name: string;
  settings: CellSettings;
}

/**
 * One recurrent cell: everything layers, steppers, ONNX export and import, the apps and the
 * conformance suite need to know, in the cell's own file. Registered in `registry.ts`.
 */
export interface CellDef {
  /** The registry key and the layer's `kind` ('lstm'). */
  readonly kind: CellKind;
  /** The name in messages ('LSTM'). */
  readonly title: string;
  /** State tensors carried from step to step, in order. */
  readonly states: readonly StateName[];
  /** The settings this cell reads; other settings are refused. */
  readonly settings: readonly (keyof CellSettings)[];
  /**
   * Parameter shapes of one layer and direction from its sizes, keyed weightIh, weightHh, biasIh,
   * biasHh, peephole (the ones the cell has). All are initialised uniform(−1/√H, 1/√H).
   */
  parameters(sizes: {
    inputSize: number;
    hiddenSize: number;
    bias: boolean;
    settings: CellSettings;
  }): Record<string, number[]>;
  /** Whether the input projection absorbs b_hh (where it is purely additive). */
  readonly foldsHiddenBias: boolean;
  /** Slices weights once per sequence (default: none). */
  prepare?(cfg: StepConfig, w: CellWeights): Prepared;
  /**
   * One step: `xp` is this step's input projection x·W_ihᵀ + bias [B, G·H]; returns the new state.
   * Written in core ops, so it has gradients on every backend.
   */
  step(cfg: StepConfig, p: Prepared, xp: Tensor, s: CellState): CellState;
  /**
   * The whole sequence at once, for cells whose recurrence is linear in the state: `xp` [T, B, G·H],
   * `s` the initial state. Returns every step's h [T, B, H] (zero at padded steps) and the final
   * state. Absent: layers loop over time with `step` through core's `scan`.
   */
  sequence?(
    cfg: StepConfig,
    p: Prepared,
    xp: Tensor,
    s: CellState,
    mask: StepMask | null,
    reverse: boolean,
  ): { ys: Tensor; state: CellState };
  /** Whether a backend's fused kernel may run the step for these settings (`fused: false` opts out). */
  fusedKernel(settings: CellSettings): boolean;
  /** The ONNX operator that runs this cell, or null: export refuses the cell by name. */
  readonly onnx: OnnxMapping | null;
  /** The float64 reference of one step of one sequence (x [I], h [H], c [H]) for the conformance suite. */
  reference(
    settings: CellSettings,
    hiddenSize: number,
    w: RefCellWeights,
    x: readonly number[],
    h: readonly number[],
    c?: readonly number[],
  ): { h: number[]; c?: number[] };
  /** The configurations the tests sweep over. */
  readonly variants: readonly CellVariant[];
  /** The names the models and apps accept (`--cell`), each with the settings it implies. */
  readonly choices: Readonly<Record<string, CellSettings>>;
  /** Builds a layer of this cell. */
  make(o: RecurrentOptions & CellSettings): RecurrentLayer;
}
