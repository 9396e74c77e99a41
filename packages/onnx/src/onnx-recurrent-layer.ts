import { lengthMask } from '@rnnkit/cells';
import {
  add,
  affine,
  type Backend,
  concat,
  linear,
  Module,
  mul,
  Parameter,
  reshape,
  scan,
  slice,
  stack,
  sub,
  type Tensor,
  tensor,
  zeros,
} from '@rnnkit/core';
import { type Activation, activateClipped } from './recurrent-activations.js';

/** Everything an ONNX RNN, LSTM or GRU node says about how it computes, parsed. */
export interface OnnxRecurrentSpec {
  op: 'RNN' | 'LSTM' | 'GRU';
  inputSize: number;
  hiddenSize: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  /** Per direction: f (RNN); f, g, h (LSTM); f, g (GRU). */
  activations: Activation[][];
  /** The cell clip threshold: inputs of the activations are clipped to [−clip, clip]. */
  clip?: number;
  /** LSTM: the forget gate is 1 − the input gate. */
  inputForget: boolean;
  /** GRU: the reset gate multiplies (h·R_hᵀ + Rb_h) rather than h. */
  linearBeforeReset: boolean;
}

/** The node's weights in ONNX layout: W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H], P [D, 3·H]. */
export interface OnnxRecurrentWeights {
  W: { shape: number[]; data: Float32Array };
  R: { shape: number[]; data: Float32Array };
  B: { shape: number[]; data: Float32Array } | null;
  P: { shape: number[]; data: Float32Array } | null;
}

/** What one run gives back: Y [T, D, B, H] (zero past each sequence's length), Y_h and Y_c [D, B, H]. */
export interface OnnxRecurrentResult {
  Y: Tensor;
  h: Tensor;
  c?: Tensor;
}

/** The per-direction weights, sliced once per run. */
interface DirWeights {
  W: Tensor;
  R: Tensor;
  /** Added to the input projection: Wb + Rb, except GRU's Rb_h under linear_before_reset. */
  xBias: Tensor | null;
  /** GRU with linear_before_reset: Rb_h, added to h·R_hᵀ inside the reset gate's product. */
  rbh: Tensor | null;
  /** LSTM peepholes i, o, f [H] each. */
  p: { i: Tensor; o: Tensor; f: Tensor } | null;
}

type StepFn = (x: Tensor, s: { h: Tensor; c?: Tensor }) => { h: Tensor; c?: Tensor };

/**
 * An ONNX RNN, LSTM or GRU node computed as ONNX's equations say, in core ops: any of ONNX's
 * activations with their alpha and beta, `clip`, `input_forget`, and the directions forward,
 * reverse and bidirectional, with `sequence_lens`. The import uses rnnkit's own cells (and so
 * their fused kernels) where they express the node; this layer runs the rest, so the cell
 * definitions keep their fixed activations. The weights are Parameters in ONNX's layout (`W`, `R`,
 * `B`, `P`), so an imported model can still be fine-tuned.
 */
export class OnnxRecurrentLayer extends Module {
  readonly W: Parameter;
  readonly R: Parameter;
  readonly B: Parameter | null;
  readonly P: Parameter | null;
  readonly spec: OnnxRecurrentSpec;

  constructor(spec: OnnxRecurrentSpec, w: OnnxRecurrentWeights, backend: Backend) {
    super();
    this.spec = spec;
    const param = (v: { shape: number[]; data: Float32Array }) =>
      new Parameter(tensor(v.data, v.shape, 'float32', backend));
    this.W = param(w.W);
    this.R = param(w.R);
    this.B = w.B ? param(w.B) : null;
    this.P = w.P ? param(w.P) : null;
  }

  get numDirections(): number {
    return this.spec.direction === 'bidirectional' ? 2 : 1;
  }

  /**
   * Runs time-major `x` [T, B, I] from the state `h0`/`c0` [D, B, H] (zeros when left out).
   * `lengths`: each sequence's valid length; past it the state holds and Y is zero, and the
   * reverse direction starts at each sequence's own last valid step.
   */
  forward(x: Tensor, h0?: Tensor, c0?: Tensor, lengths?: readonly number[]): OnnxRecurrentResult {
    const [T, Bn] = x.shape;
    const { hiddenSize: H, op } = this.spec;
    const be = x.backend;
    const D = this.numDirections;
    const mask = lengths ? lengthMask(lengths, T, Bn, be) : null;
    const ys: Tensor[] = [];
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const w = this.dirWeights(d);
      const xp = reshape(linear(reshape(x, [T * Bn, this.spec.inputSize]), w.W, w.xBias), [
        T,
        Bn,
        w.W.shape[0],
      ]);
      const state0 = (s: Tensor | undefined) =>
        s ? reshape(slice(s, [d, 0, 0], [1, Bn, H]), [Bn, H]) : zeros([Bn, H], 'float32', be);
      const init = op === 'LSTM' ? [state0(h0), state0(c0)] : [state0(h0)];
      const stepFn = this.stepFn(w, this.spec.activations[d]);
      const reverse = this.spec.direction === 'reverse' || d === 1;
      const r = scan(
        (carry, [xt, m, pm]) => {
          const prev = { h: carry[0], c: carry[1] };
          let next = stepFn(xt, prev);
          if (m)
            next = { h: hold(prev.h, next.h, m, pm), c: next.c && hold(prev.c!, next.c, m, pm) };
          return {
            carry: next.c ? [next.h, next.c] : [next.h],
            ys: [m ? mul(next.h, m) : next.h],
          };
        },
        mask ? [xp, mask.valid, mask.padded] : [xp],
        init,
        { reverse },
      );
      ys.push(r.ys[0]);
      hs.push(r.carry[0]);
      if (r.carry[1]) cs.push(r.carry[1]);
    }
    return {
      Y: stack(ys, 1),
      h: stack(hs, 0),
      c: cs.length ? stack(cs, 0) : undefined,
    };
  }

  private dirWeights(d: number): DirWeights {
    const { op, hiddenSize: H, linearBeforeReset } = this.spec;
    const [, GH, I] = this.W.shape;
    const W = reshape(slice(this.W, [d, 0, 0], [1, GH, I]), [GH, I]);
    const R = reshape(slice(this.R, [d, 0, 0], [1, GH, H]), [GH, H]);
    const vec = (t: Tensor, at: number, n: number) => reshape(slice(t, [d, at], [1, n]), [n]);
    let xBias: Tensor | null = null;
    let rbh: Tensor | null = null;
    if (this.B) {
      const Wb = vec(this.B, 0, GH);
      const Rb = vec(this.B, GH, GH);
      if (op === 'GRU' && linearBeforeReset) {
        const part = (t: Tensor, at: number, n: number) => slice(t, [at], [n]);
        xBias = concat([add(part(Wb, 0, 2 * H), part(Rb, 0, 2 * H)), part(Wb, 2 * H, H)], 0);
        rbh = part(Rb, 2 * H, H);
      } else xBias = add(Wb, Rb);
    }
    const p = this.P
      ? { i: vec(this.P, 0, H), o: vec(this.P, H, H), f: vec(this.P, 2 * H, H) }
      : null;
    return { W, R, xBias, rbh, p };
  }

  /** One step of the node's operator for one direction, ONNX's equations. */
  private stepFn(w: DirWeights, acts: Activation[]): StepFn {
    const { op, hiddenSize: H, clip, inputForget, linearBeforeReset } = this.spec;
    const gate = (t: Tensor, k: number) => slice(t, [0, k * H], [t.shape[0], H]);
    const act = (k: number, v: Tensor) => activateClipped(acts[k], v, clip);
    if (op === 'RNN') return (x, s) => ({ h: act(0, add(x, linear(s.h, w.R))) });
    if (op === 'LSTM')
      // gates in ONNX's order i, o, f, c; f = acts[0], g = acts[1], h = acts[2]
      return (x, s) => {
        const z = add(x, linear(s.h, w.R));
        const c = s.c!;
        const peep = (g: Tensor, p: Tensor | undefined, cc: Tensor) => (p ? add(g, mul(cc, p)) : g);
        const i = act(0, peep(gate(z, 0), w.p?.i, c));
        const f = inputForget ? affine(i, -1, 1) : act(0, peep(gate(z, 2), w.p?.f, c));
        const cNew = add(mul(f, c), mul(i, act(1, gate(z, 3))));
        const o = act(0, peep(gate(z, 1), w.p?.o, cNew));
        return { h: mul(o, activateClipped(acts[2], cNew, undefined)), c: cNew };
      };
    // GRU: gates z, r, h; f = acts[0], g = acts[1]
    const Rzr = slice(w.R, [0, 0], [2 * H, H]);
    const Rh = slice(w.R, [2 * H, 0], [H, H]);
    return (x, s) => {
      const zr = add(slice(x, [0, 0], [x.shape[0], 2 * H]), linear(s.h, Rzr));
      const zg = act(0, gate(zr, 0));
      const r = act(0, gate(zr, 1));
      const hIn = linearBeforeReset ? mul(r, linear(s.h, Rh, w.rbh)) : linear(mul(r, s.h), Rh);
      const hh = act(1, add(gate(x, 2), hIn));
      // (1 − z)·hh + z·h
      return { h: add(hh, mul(zg, sub(s.h, hh))) };
    };
  }
}

/** next·m + prev·(1 − m): the new state at valid steps, the previous one at padded steps. */
function hold(prev: Tensor, next: Tensor, m: Tensor, pm: Tensor): Tensor {
  return add(mul(next, m), mul(prev, pm));
}
