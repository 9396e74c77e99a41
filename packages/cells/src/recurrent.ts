import {
  add,
  type Backend,
  checkOptions,
  concat,
  defaultRng,
  dropout,
  fmtShape,
  gather,
  getBackend,
  init,
  linear,
  Module,
  mul,
  noGrad,
  type OptionKeys,
  Parameter,
  type Rng,
  RnnkitError,
  reshape,
  ShapeError,
  scan,
  stack,
  type Tensor,
  tensor,
  tidy,
  transpose,
  unstack,
  zeros,
} from '@rnnkit/core';
import type {
  CellDef,
  CellKind,
  CellSettings,
  CellState,
  CellWeights,
  StepConfig,
} from './cell-def.js';
import { lengthMask } from './length-mask.js';
import {
  checkBool,
  checkDropout,
  checkFinite,
  checkInput,
  checkNonlinearity,
  checkPositiveInt,
} from './options.js';
import { inputBias, prepare } from './steps.js';

/** Options shared by RNN, LSTM and GRU layers (PyTorch names, camelCase). */
export interface RecurrentOptions {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode only (default 0). */
  dropout?: number;
  /** Run a second layer backwards in time; outputs are concatenated [forward, backward]. */
  bidirectional?: boolean;
  /** Input and output are [batch, time, features] (default true) rather than [time, batch, features]. */
  batchFirst?: boolean;
  /** Return every step's output (default true) or only the final hidden state [batch, D·hidden]. */
  returnSequences?: boolean;
  /** Use the backend's fused cell kernels when present (default true). */
  fused?: boolean;
  rng?: Rng;
  backend?: Backend;
}

/** The keys of RecurrentOptions, for option checks and for picking a layer's options out of a model's. */
export const RECURRENT_KEYS: OptionKeys<RecurrentOptions> = {
  inputSize: 'required',
  hiddenSize: 'required',
  numLayers: 'optional',
  bias: 'optional',
  dropout: 'optional',
  bidirectional: 'optional',
  batchFirst: 'optional',
  returnSequences: 'optional',
  fused: 'optional',
  rng: 'optional',
  backend: 'optional',
};

/** The options of a layer class: RecurrentOptions and its own, checked before `super` reads them. */
export function checkLayerOptions<T>(who: string, o: T, own: Record<string, 'optional'>): T {
  return checkOptions(who, o, { ...RECURRENT_KEYS, ...own });
}

/**
 * Recurrent state of a whole layer stack: [numLayers·numDirections, batch, hidden] each. A type
 * alias, not an interface, so that it is assignable to @rnnkit/train's `Carry` (a record of
 * tensors): a truncated-BPTT loss returns a layer's state as the carry as it is.
 */
export type LayerState = {
  h: Tensor;
  c?: Tensor;
};

export interface ForwardOptions {
  /**
   * Valid length of each sequence in the batch. Steps past a sequence's length neither change
   * its state nor receive gradient, and their outputs are zero (as PyTorch's packed sequences).
   */
  lengths?: readonly number[] | Int32Array;
}

export interface RecurrentOutput {
  /** [batch, time, D·hidden] (batchFirst), or [batch, D·hidden] when returnSequences is false. */
  output: Tensor;
  /** Final state of every layer and direction; for variable lengths, the state at each sequence's last step. */
  state: LayerState;
}

/** The cell a concrete layer class runs, with its settings. */
export interface CellSpec extends CellSettings {
  cell: CellDef;
}

/**
 * The shared machinery of RNN, LSTM and GRU: parameters named as PyTorch names them
 * (weight_ih_l0 → weightIhL0, …_reverse → …Reverse), stacking, bidirectionality, dropout between
 * layers, variable lengths, and the time loop through core's `scan`.
 */
export abstract class RecurrentLayer extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  readonly returnSequences: boolean;
  readonly #cfg: StepConfig;
  readonly #settings: CellSettings;
  readonly #rng: Rng;

  constructor(o: RecurrentOptions, spec: CellSpec) {
    super();
    const who = new.target.name;
    checkPositiveInt(who, 'inputSize', o.inputSize);
    checkPositiveInt(who, 'hiddenSize', o.hiddenSize);
    if (o.numLayers !== undefined) checkPositiveInt(who, 'numLayers', o.numLayers);
    checkDropout(who, o.dropout);
    for (const k of ['bias', 'bidirectional', 'batchFirst', 'returnSequences', 'fused'] as const)
      checkBool(who, k, o[k]);
    checkNonlinearity(who, spec.nonlinearity);
    checkBool(who, 'resetAfter', spec.resetAfter);
    checkBool(who, 'peephole', spec.peephole);
    checkFinite(who, 'forgetBias', spec.forgetBias);
    this.inputSize = o.inputSize;
    this.hiddenSize = o.hiddenSize;
    this.numLayers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.dropout = o.dropout ?? 0;
    this.bidirectional = o.bidirectional ?? false;
    this.batchFirst = o.batchFirst ?? true;
    this.returnSequences = o.returnSequences ?? true;
    this.#rng = o.rng ?? defaultRng;
    const { cell, ...settings } = spec;
    for (const k of Object.keys(settings) as (keyof CellSettings)[])
      if (settings[k] !== undefined && !cell.settings.includes(k))
        throw new RnnkitError(
          `${who}: ${k} is not a setting of the ${cell.title} cell${cell.settings.length ? ` (it takes ${cell.settings.join(', ')})` : ''}`,
        );
    this.#settings = settings;
    this.#cfg = {
      cell,
      hiddenSize: o.hiddenSize,
      nonlinearity: spec.nonlinearity ?? 'tanh',
      resetAfter: spec.resetAfter ?? true,
      fused: o.fused ?? true,
    };
    const H = o.hiddenSize;
    const io = { rng: this.#rng, backend: o.backend ?? getBackend() };
    const self = this as unknown as Record<string, Parameter>;
    for (let l = 0; l < this.numLayers; l++) {
      const inputSize = l === 0 ? o.inputSize : H * this.numDirections;
      const shapes = cell.parameters({ inputSize, hiddenSize: H, bias: this.bias, settings });
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = suffix(l, d);
        const made: Record<string, Tensor> = {};
        // one draw per parameter in the cell's order (weightIh, weightHh, biasIh, biasHh, …)
        for (const [name, shape] of Object.entries(shapes))
          made[name] = init.rnnUniform(shape, H, io);
        if (spec.forgetBias !== undefined && made.biasIh && made.biasHh)
          setForgetBias(made.biasIh, made.biasHh, H, spec.forgetBias);
        for (const [name, t] of Object.entries(made)) self[`${name}${sfx}`] = new Parameter(t);
      }
    }
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The registry name of this layer's cell ('lstm'). */
  get kind(): CellKind {
    return this.#cfg.cell.kind;
  }

  /** The definition of this layer's cell. */
  get cell(): CellDef {
    return this.#cfg.cell;
  }

  /** The cell settings this layer was built with (those it was given). */
  get cellSettings(): CellSettings {
    return { ...this.#settings };
  }

  /** How one step of this layer computes (for single-step runners such as `LayerStepper`). */
  get stepConfig(): StepConfig {
    return { ...this.#cfg };
  }

  /** The parameters of one layer and direction (0 forward, 1 reverse). */
  weights(layer: number, direction: number): CellWeights {
    const self = this as unknown as Record<string, Parameter | undefined>;
    const sfx = suffix(layer, direction);
    return {
      weightIh: self[`weightIh${sfx}`]!,
      weightHh: self[`weightHh${sfx}`] ?? null,
      biasIh: self[`biasIh${sfx}`] ?? null,
      biasHh: self[`biasHh${sfx}`] ?? null,
      peephole: self[`peephole${sfx}`] ?? null,
    };
  }

  /** Zero state for a batch. */
  initialState(batch: number): LayerState {
    const shape = [this.numLayers * this.numDirections, batch, this.hiddenSize];
    const be = this.weights(0, 0).weightIh.backend;
    const out: LayerState = { h: zeros(shape, 'float32', be) };
    if (this.cell.states.includes('c')) out.c = zeros(shape, 'float32', be);
    return out;
  }

  /**
   * Runs the whole sequence. `x` is [batch, time, inputSize] (or time-major when batchFirst is
   * false); `state` defaults to zeros.
   */
  forward(x: Tensor, state?: LayerState, options: ForwardOptions = {}): RecurrentOutput {
    checkInput(
      this.constructor.name,
      x,
      this.batchFirst ? ['batch', 'time'] : ['time', 'batch'],
      this.inputSize,
    );
    let seq = this.batchFirst ? transpose(x, [1, 0, 2]) : x; // [T, B, F]
    if (options.lengths) seq = zeroPadded(seq, options.lengths);
    return this.run(seq, null, state, options);
  }

  /**
   * `forward(embedding(tokens))` for int32 `tokens` [batch, time] (time-major when batchFirst is
   * false) and an embedding `table` [vocab, inputSize], computed as the same numbers with less
   * work: layer 0's input projection is looked up from table·W_ihᵀ + b, since
   * gather(table, t)·W_ihᵀ = gather(table·W_ihᵀ, t). That costs vocab·inputSize·gates instead of
   * batch·time·inputSize·gates multiply-adds, so it is used when vocab < batch·time (a char
   * model's 65 symbols against 32×64 positions) and plain `forward` otherwise.
   */
  forwardEmbedded(
    table: Tensor,
    tokens: Tensor,
    state?: LayerState,
    options: ForwardOptions = {},
  ): RecurrentOutput {
    const who = this.constructor.name;
    if (tokens.dtype !== 'int32' || tokens.rank !== 2)
      throw new ShapeError(
        `${who}: tokens must be int32 [batch, time], got ${tokens.dtype} ${fmtShape(tokens.shape)}`,
      );
    if (table.rank !== 2 || table.shape[1] !== this.inputSize)
      throw new ShapeError(
        `${who}: embedding table must be [vocab, ${this.inputSize}], got ${fmtShape(table.shape)}`,
      );
    const [V] = table.shape;
    if (options.lengths || V >= tokens.size)
      return this.forward(gather(table, tokens), state, options);
    const tm = this.batchFirst ? transpose(tokens, [1, 0]) : tokens; // [T, B]
    const [T, B] = tm.shape;
    const flat = reshape(tm, [T * B]);
    const project = (w: CellWeights, bias: Tensor | null) => {
      const pt = linear(table, w.weightIh, bias); // [V, G·H]
      return reshape(gather(pt, flat), [T, B, pt.shape[1]]);
    };
    return this.run(null, { project, T, B }, state, options);
  }

  /** The layer stack over time-major `seq` [T, B, F], or layer 0 from a projector. */
  private run(
    seq0: Tensor | null,
    first: {
      project: (w: CellWeights, bias: Tensor | null) => Tensor;
      T: number;
      B: number;
    } | null,
    state: LayerState | undefined,
    options: ForwardOptions,
  ): RecurrentOutput {
    let seq = seq0;
    const T = seq ? seq.shape[0] : first!.T;
    const B = seq ? seq.shape[1] : first!.B;
    const s0 = state ?? this.initialState(B);
    this.checkState(s0, B);
    const mask = options.lengths ? lengthMask(options.lengths, T, B, s0.h.backend) : null;
    const hs = unstack(s0.h, 0);
    const cs = s0.c ? unstack(s0.c, 0) : null;
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      if (l > 0 && this.dropout > 0 && this.training) seq = dropout(seq!, this.dropout, this.#rng);
      const outs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const k = l * this.numDirections + d;
        const w = this.weights(l, d);
        const bias = inputBias(this.#cfg, w);
        const xp3 = l === 0 && first ? first.project(w, bias) : this.project(seq!, w, bias);
        const r = this.runDirection(xp3, w, { h: hs[k], c: cs?.[k] }, mask, d === 1);
        outs.push(r.ys);
        finalH.push(r.state.h);
        if (r.state.c) finalC.push(r.state.c);
      }
      seq = concat(outs, 2);
    }
    const out: LayerState = { h: stack(finalH, 0) };
    if (finalC.length) out.c = stack(finalC, 0);
    let output: Tensor;
    if (this.returnSequences) output = this.batchFirst ? transpose(seq!, [1, 0, 2]) : seq!;
    else output = concat(finalH.slice(-this.numDirections), 1);
    return { output, state: out };
  }

  /** x·W_ihᵀ + bias for every step at once: [T, B, F] → [T, B, G·H]. */
  private project(seq: Tensor, w: CellWeights, bias: Tensor | null): Tensor {
    const [T, B, F] = seq.shape;
    // the bias as addmm's added term: one Gemm on onnx, not a Gemm and an Add over [T·B, G·H]
    const xp = linear(reshape(seq, [T * B, F]), w.weightIh, bias);
    return reshape(xp, [T, B, xp.shape[1]]);
  }

  private runDirection(
    xp3: Tensor,
    w: CellWeights,
    s: CellState,
    mask: { valid: Tensor; padded: Tensor } | null,
    reverse: boolean,
  ): { ys: Tensor; state: CellState } {
    const cfg = this.#cfg;
    const prepared = prepare(cfg, w);
    if (cfg.cell.sequence) return cfg.cell.sequence(cfg, prepared, xp3, s, mask, reverse);
    const init = s.c ? [s.h, s.c] : [s.h];
    const xs = mask ? [xp3, mask.valid, mask.padded] : [xp3];
    const r = scan(
      (carry, [xpt, m, pm]) => {
        const prev: CellState = { h: carry[0], c: carry[1] };
        let next = cfg.cell.step(cfg, prepared, xpt, prev);
        if (m) next = { h: hold(prev.h, next.h, m, pm), c: next.c && hold(prev.c!, next.c, m, pm) };
        const y = m ? mul(next.h, m) : next.h;
        return { carry: next.c ? [next.h, next.c] : [next.h], ys: [y] };
      },
      xs,
      init,
      { reverse },
    );
    return { ys: r.ys[0], state: { h: r.carry[0], c: r.carry[1] } };
  }

  private checkState(s: LayerState, batch: number): void {
    const who = this.constructor.name;
    const want = [this.numLayers * this.numDirections, batch, this.hiddenSize];
    const fix = `pass tensors of shape ${fmtShape(want)} (${this.numLayers} layer(s) × ${this.numDirections} direction(s), batch ${batch}, hidden ${this.hiddenSize}), or no state for zeros`;
    if (!s.h) throw new RnnkitError(`${who}: initial state needs h; ${fix}`);
    const bad = (t: Tensor | undefined) =>
      t && (t.rank !== 3 || t.shape.some((d, i) => d !== want[i]));
    if (bad(s.h) || bad(s.c)) {
      throw new ShapeError(
        `${who}: initial state must be [numLayers·numDirections, batch, hidden] = ${fmtShape(want)}, got h ${fmtShape(s.h.shape)}${s.c ? `, c ${fmtShape(s.c.shape)}` : ''}; ${fix}`,
      );
    }
    const hasC = this.cell.states.includes('c');
    if (hasC && !s.c) throw new RnnkitError(`${who}: initial state needs both h and c; ${fix}`);
    if (!hasC && s.c)
      throw new RnnkitError(
        `${who}: the ${this.cell.title} cell has no cell state c (only LSTM has a cell state c); pass { h } alone`,
      );
  }
}

/**
 * next·m + prev·(1 − m), with `pm` = 1 − m: the new state at valid steps and the previous one at
 * padded steps, both exactly (no rounding from prev + m·(next − prev)); the gradient reaches
 * `next` only at valid steps and `prev` only at padded ones.
 */
function hold(prev: Tensor, next: Tensor, m: Tensor, pm: Tensor): Tensor {
  return add(mul(next, m), mul(prev, pm));
}

function suffix(layer: number, direction: number): string {
  return `L${layer}${direction === 1 ? 'Reverse' : ''}`;
}

/**
 * The input [T, B, F] with every padded step (t ≥ lengths[b]) replaced by zeros. A row gather,
 * not a multiply by the mask: padding that holds NaN or ±Inf would survive 0·x, and reach the
 * held state (forward) and the weight gradients (backward) through the padded steps' arithmetic.
 */
function zeroPadded(seq: Tensor, lengths: readonly number[] | Int32Array): Tensor {
  const [T, B, F] = seq.shape;
  const idx = new Int32Array(T * B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) idx[t * B + b] = t < lengths[b] ? t * B + b : T * B;
  const table = concat([reshape(seq, [T * B, F]), zeros([1, F], 'float32', seq.backend)], 0);
  return reshape(gather(table, tensor(idx, [T * B], 'int32', seq.backend)), [T, B, F]);
}

/**
 * Sets the forget-gate block (rows H..2H) of b_ih to `value` and of b_hh to 0 with ops, reading
 * nothing back (reads are asynchronous by contract): b·keep + fill, keep 0 on the block and 1
 * elsewhere, fill `value` (b_ih) or 0 (b_hh) on the block and 0 elsewhere. Other rows keep their
 * values exactly (x·1 + 0 is x), and the block gets +0, not the −0 of a negative x·0.
 */
function setForgetBias(bIh: Tensor, bHh: Tensor, H: number, value: number): void {
  const { shape, backend } = bIh;
  const host = (outside: number, block: number) =>
    tensor(
      new Float32Array(bIh.size).fill(outside).fill(block, H, 2 * H),
      shape,
      'float32',
      backend,
    );
  const [a, b] = tidy(() =>
    noGrad(() => {
      const keepRows = host(1, 0);
      return [add(mul(bIh, keepRows), host(0, value)), add(mul(bHh, keepRows), host(0, 0))];
    }),
  );
  bIh.moveStorageFrom(a);
  bHh.moveStorageFrom(b);
}
