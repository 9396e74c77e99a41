import {
  add,
  clone,
  describeValue,
  dispose,
  gather,
  keep,
  linear,
  matmul,
  noGrad,
  RnnkitError,
  reshape,
  slice,
  stack,
  type Tensor,
  tidy,
  zeros,
} from '@rnnkit/core';
import type { CellState, CellWeights, Prepared, StepConfig } from './cell-def.js';
import { type LayerState, RecurrentLayer } from './recurrent.js';
import { inputBias, prepare } from './steps.js';

interface LayerPlan {
  w: CellWeights;
  prepared: Prepared;
  /** b_ih (+ b_hh where it folds) for layers fed by the layer below. */
  bias: Tensor | null;
}

/**
 * Runs a unidirectional recurrent stack one step at a time, carrying its state: for sampling and
 * streaming, where `forward` on length-1 sequences would redo per-sequence work every character.
 * The weights are read and prepared once, when the stepper is made; with an embedding `table`,
 * layer 0's input projection table·W_ihᵀ + b is computed once too and each step looks its row
 * up. Runs without gradients. Make a new stepper after the weights change.
 */
export class LayerStepper {
  readonly #cfg: StepConfig;
  readonly #plans: LayerPlan[];
  readonly #projected: Tensor | null;
  readonly #numLayers: number;
  #state: CellState[] | null = null;
  readonly #owned: Tensor[] = [];

  constructor(layer: RecurrentLayer, table?: Tensor) {
    if (!(layer instanceof RecurrentLayer))
      throw new RnnkitError(
        `LayerStepper: expected an RNN, LSTM or GRU layer, got ${describeValue(layer)}`,
      );
    if (layer.bidirectional)
      throw new RnnkitError(
        `${layer.constructor.name}: a bidirectional layer cannot run step by step (its reverse direction needs the whole sequence)`,
      );
    this.#cfg = layer.stepConfig;
    this.#numLayers = layer.numLayers;
    const own = <T extends Tensor | null | undefined>(t: T): T => {
      if (t) this.#owned.push(keep(t));
      return t;
    };
    const plans: LayerPlan[] = [];
    let projected: Tensor | null = null;
    noGrad(() => {
      for (let l = 0; l < layer.numLayers; l++) {
        const w = layer.weights(l, 0);
        const p = prepare(this.#cfg, w);
        for (const t of Object.values(p.extra ?? {})) own(t);
        const bias = inputBias(this.#cfg, w);
        if (bias && bias !== w.biasIh && bias !== w.biasHh) own(bias); // a folded sum we made
        plans.push({ w, prepared: p, bias });
      }
      if (table) {
        const b = plans[0].bias;
        projected = own(
          tidy(() => {
            const pt = matmul(table, plans[0].w.weightIh, { transB: true });
            return b ? add(pt, b) : pt;
          }),
        );
      }
    });
    this.#plans = plans;
    this.#projected = projected;
  }

  /**
   * Advances one step. `input` is int32 token ids [B] when the stepper was made with an
   * embedding table, else [B, inputSize]. Returns the top layer's new h [B, hidden] (the caller
   * owns it); the state moves on.
   */
  step(input: Tensor): Tensor {
    this.advance(input);
    return clone(this.top!);
  }

  /** `step` without the copy: read the result through `top`. */
  advance(input: Tensor): void {
    const next = tidy(() =>
      noGrad(() => {
        const first = this.#plans[0];
        const xp0 = this.#projected
          ? gather(this.#projected, input)
          : linear(input, first.w.weightIh, first.bias);
        return this.stepWith(xp0, this.states(input.shape[0]));
      }),
    );
    this.adopt(next);
  }

  /**
   * One step as a function of the layers' states, for loops over steps (`CharLMStepper.sample`
   * runs it inside a scan): `xp0` [B, G·H] is layer 0's input projection (a row of `projected`
   * for a token). Returns the new states; the stepper's own state is left alone.
   */
  stepWith(xp0: Tensor, state: readonly CellState[]): CellState[] {
    const out: CellState[] = [];
    let x = xp0;
    for (let l = 0; l < this.#numLayers; l++) {
      const plan = this.#plans[l];
      const xp = l === 0 ? xp0 : linear(x, plan.w.weightIh, plan.bias);
      const s = this.#cfg.cell.step(this.#cfg, plan.prepared, xp, state[l]);
      out.push(s);
      x = s.h;
    }
    return out;
  }

  /** The embedding table times layer 0's input weights plus bias [V, G·H] (made with a table), else null. */
  get projected(): Tensor | null {
    return this.#projected;
  }

  /** The per-layer states after the last step, or zeros for `batch` sequences before the first. */
  states(batch: number): CellState[] {
    return this.#state ?? Array.from({ length: this.#numLayers }, () => this.zeroState(batch));
  }

  /** Replaces the state with `next` (one per layer; the stepper takes ownership). */
  adopt(next: CellState[]): void {
    for (const st of next) {
      keep(st.h);
      if (st.c) keep(st.c);
    }
    if (this.#state) for (const st of this.#state) dispose([st.h, st.c]);
    this.#state = next;
  }

  /** The top layer's h after the last step (owned by the stepper: valid until the next step), or null before the first. */
  get top(): Tensor | null {
    return this.#state ? this.#state[this.#state.length - 1].h : null;
  }

  /** The current state as a layer state [numLayers, B, hidden] (a copy the caller owns), or null before the first step. */
  get state(): LayerState | null {
    const s = this.#state;
    if (!s) return null;
    return tidy(() => {
      const h = keep(
        stack(
          s.map((x) => x.h),
          0,
        ),
      );
      return s[0].c
        ? {
            h,
            c: keep(
              stack(
                s.map((x) => x.c!),
                0,
              ),
            ),
          }
        : { h };
    });
  }

  /** Starts again from zeros (or from `state`, [numLayers, B, hidden] each). */
  reset(state?: LayerState): void {
    if (this.#state) for (const s of this.#state) dispose([s.h, s.c]);
    this.#state = null;
    if (!state) return;
    this.#state = tidy(() =>
      Array.from({ length: this.#numLayers }, (_, l) => {
        const pick = (t: Tensor) =>
          keep(reshape(slice(t, [l, 0, 0], [1, t.shape[1], t.shape[2]]), [t.shape[1], t.shape[2]]));
        return state.c ? { h: pick(state.h), c: pick(state.c) } : { h: pick(state.h) };
      }),
    );
  }

  /** Frees the state and the prepared weights. */
  dispose(): void {
    this.reset();
    dispose(this.#owned);
    this.#owned.length = 0;
  }

  private zeroState(batch: number): CellState {
    const shape = [batch, this.#cfg.hiddenSize];
    const be = this.#plans[0].w.weightIh.backend;
    const z = () => zeros(shape, 'float32', be);
    return this.#cfg.cell.states.includes('c') ? { h: z(), c: z() } : { h: z() };
  }
}
