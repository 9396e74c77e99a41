import type { RnnActivation } from '../backend.js';
import { fmtShape, ShapeError } from '../errors.js';
import { DeferredProduct } from '../grad-sum.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, relu, sigmoid, sub, tanh } from './elementwise.js';
import { reshape, slice } from './layout.js';
import { matmul } from './matmul.js';
import { backendOf, wrap } from './util.js';

export interface FusedOption {
  /** Use the backend's fused kernel when it has one (default true); false forces the composed path. */
  fused?: boolean;
}

function cols(x: Tensor, k: number, h: number): Tensor {
  return slice(x, [0, k * h], [x.shape[0], h]);
}

function checkGates(op: string, gates: Tensor, state: Tensor, n: number): number {
  const h = state.shape[1];
  if (
    gates.rank !== 2 ||
    state.rank !== 2 ||
    gates.shape[0] !== state.shape[0] ||
    gates.shape[1] !== n * h
  ) {
    throw new ShapeError(
      `${op}: gates ${fmtShape(gates.shape)} must be [B, ${n}·H] for state ${fmtShape(state.shape)} ([B, H])`,
    );
  }
  return h;
}

/**
 * One LSTM step from gate pre-activations [B, 4H] (order i, f, g, o) and c_{t-1} [B, H], with
 * optional Gers & Schmidhuber peepholes `peep` [3, H] (rows i, f, o):
 *   i = σ(g_i + p_i⊙c_{t-1}), f = σ(g_f + p_f⊙c_{t-1}), g = tanh(g_g),
 *   c_t = f⊙c_{t-1} + i⊙g,  o = σ(g_o + p_o⊙c_t),  h_t = o⊙tanh(c_t).
 */
export function lstmCell(
  gates: Tensor,
  c: Tensor,
  peep: Tensor | null = null,
  opts: FusedOption = {},
): { h: Tensor; c: Tensor } {
  const be = backendOf('lstmCell', gates, c, ...(peep ? [peep] : []));
  const H = checkGates('lstmCell', gates, c, 4);
  if (peep && (peep.rank !== 2 || peep.shape[0] !== 3 || peep.shape[1] !== H)) {
    throw new ShapeError(`lstmCell: peepholes must be [3, ${H}], got ${fmtShape(peep.shape)}`);
  }
  if (opts.fused !== false && be.lstmCell && be.lstmCellBackward) {
    const r = be.lstmCell(gates, c, peep);
    const h = wrap(be, r.h, c.shape);
    const cNew = wrap(be, r.c, c.shape);
    const act = wrap(be, r.act, gates.shape);
    const inputs = peep ? [gates, c, peep] : [gates, c];
    record(inputs, [h, cNew], ([dh, dc]) => {
      const g = be.lstmCellBackward!(act, c, cNew, peep, dh, dc);
      const out = [wrap(be, g.dGates, gates.shape), wrap(be, g.dcPrev, c.shape)];
      if (peep) out.push(wrap(be, g.dp!, peep.shape));
      return out;
    });
    return { h, c: cNew };
  }
  const row = (k: number) => (peep ? reshape(slice(peep, [k, 0], [1, H]), [H]) : null);
  let gi = cols(gates, 0, H);
  let gf = cols(gates, 1, H);
  const gg = cols(gates, 2, H);
  let go = cols(gates, 3, H);
  if (peep) {
    gi = add(gi, mul(c, row(0)!));
    gf = add(gf, mul(c, row(1)!));
  }
  const cNew = add(mul(sigmoid(gf), c), mul(sigmoid(gi), tanh(gg)));
  if (peep) go = add(go, mul(cNew, row(2)!));
  const h = mul(sigmoid(go), tanh(cNew));
  return { h, c: cNew };
}

/**
 * One GRU step with the reset gate applied after the recurrent product (PyTorch's nn.GRU,
 * ONNX linear_before_reset=1). `xg` = x·W_ihᵀ + b_ih and `hg` = h·W_hhᵀ + b_hh, both [B, 3H] in
 * order r, z, n:  r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n), h' = (1−z)⊙n + z⊙h.
 */
export function gruCell(xg: Tensor, hg: Tensor, h: Tensor, opts: FusedOption = {}): Tensor {
  const be = backendOf('gruCell', xg, hg, h);
  const H = checkGates('gruCell', xg, h, 3);
  checkGates('gruCell', hg, h, 3);
  if (opts.fused !== false && be.gruCell && be.gruCellBackward) {
    const r = be.gruCell(xg, hg, h);
    const hNew = wrap(be, r.h, h.shape);
    const act = wrap(be, r.act, xg.shape);
    record([xg, hg, h], [hNew], ([dh]) => {
      const g = be.gruCellBackward!(act, hg, h, dh);
      return [wrap(be, g.dxg, xg.shape), wrap(be, g.dhg, hg.shape), wrap(be, g.dh, h.shape)];
    });
    return hNew;
  }
  const r = sigmoid(add(cols(xg, 0, H), cols(hg, 0, H)));
  const z = sigmoid(add(cols(xg, 1, H), cols(hg, 1, H)));
  const n = tanh(add(cols(xg, 2, H), mul(r, cols(hg, 2, H))));
  // h' = n + z⊙(h − n)
  return add(n, mul(z, sub(h, n)));
}

/**
 * One Elman step h' = act(xp + h·wᵀ) with `xp` [B, H] the input projection (x·W_ihᵀ + biases),
 * `h` [B, H] and the recurrent weight `w` [H, H] (PyTorch's weight_hh). Uses the backend's fused
 * kernel when it has one; the gradient of `w` is left to the tape to batch over time steps.
 */
export function rnnCell(
  xp: Tensor,
  h: Tensor,
  w: Tensor,
  act: RnnActivation = 'tanh',
  opts: FusedOption = {},
): Tensor {
  const be = backendOf('rnnCell', xp, h, w);
  const H = h.shape[1];
  if (
    xp.rank !== 2 ||
    h.rank !== 2 ||
    xp.shape[0] !== h.shape[0] ||
    xp.shape[1] !== H ||
    w.rank !== 2 ||
    w.shape[0] !== H ||
    w.shape[1] !== H
  ) {
    throw new ShapeError(
      `rnnCell: xp ${fmtShape(xp.shape)} and h ${fmtShape(h.shape)} must be [B, H] and w ${fmtShape(w.shape)} [H, H]`,
    );
  }
  if (opts.fused !== false && be.rnnCell && be.rnnCellBackward) {
    const y = wrap(be, be.rnnCell(xp, h, w, act), h.shape);
    record([xp, h, w], [y], ([dy]) => {
      const da = wrap(be, be.rnnCellBackward!(y, dy, act), h.shape);
      return [
        da,
        new DeferredProduct(da, w, false, false),
        new DeferredProduct(da, h, true, false),
      ];
    });
    return y;
  }
  const a = add(xp, matmul(h, w, { transB: true }));
  return act === 'tanh' ? tanh(a) : act === 'relu' ? relu(a) : a;
}
