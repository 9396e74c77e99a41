import * as tf from '@tensorflow/tfjs-core';
import { hostSlice, hostSplitCols } from './host-kernels.js';

type S = tf.Tensor;

// --- fused cell bodies (tfjs ops; the caller's tidy frees the intermediates) ---------------
//
// Written to keep the number of tfjs ops per step small (each costs tens of µs of dispatch):
// activations over all gate columns at once, gate blocks cut in one kernel call, and the
// backward's activation derivatives as one product: (1 − a)·(a + m) is a·(1 − a) (σ′) where the
// mask m is 0 and (1 − a)·(1 + a) = 1 − a² (tanh′) where m is 1.

/** Constants the fused steps share, made once per backend and hidden size. */
export interface CellConsts {
  one: S;
  /** [4H] mask: 1 on the LSTM g block (tanh), 0 on i, f, o (σ). */
  lstmMask(h: number): S;
  /** [3H] mask: 1 on the GRU n block (tanh), 0 on r, z (σ). */
  gruMask(h: number): S;
}

export function lstmForward(gates: S, c: S, p: S | null): { h: S; c: S; act: S } {
  if (p) return lstmPeepholeForward(gates, c, p);
  const [i, f, , o] = hostSplitCols(tf.sigmoid(gates), 4);
  const g = tf.tanh(block(gates, 2, 4));
  const cn = tf.add(tf.mul(f, c), tf.mul(i, g));
  const h = tf.mul(o, tf.tanh(cn));
  return { h, c: cn, act: tf.concat([i, f, g, o], 1) };
}

export function lstmBackward(
  k: CellConsts,
  act: S,
  cPrev: S,
  cNew: S,
  p: S | null,
  dh: S,
  dc: S,
): { dGates: S; dcPrev: S; dp: S | null } {
  const H = cPrev.shape[1] as number;
  const [i, f, g, o] = hostSplitCols(act, 4);
  const tc = tf.tanh(cNew);
  // dc_t = dc + dh·o·(1 − tanh²c)
  let dcv = tf.add(dc, tf.mul(tf.mul(dh, o), tf.sub(k.one, tf.square(tc))));
  let po: S | null = null;
  if (p) {
    // + dgo·p_o, dgo = dh·tanh(c)·o(1 − o)
    po = block(p, 2, 3, 0);
    dcv = tf.add(dcv, tf.mul(tf.mul(tf.mul(dh, tc), tf.mul(o, tf.sub(k.one, o))), po));
  }
  // upstream of each gate: [dc_t·g, dc_t·c_{t−1}, dc_t·i, dh·tanh c], times each activation's derivative
  const up = tf.concat([tf.mul(dcv, g), tf.mul(dcv, cPrev), tf.mul(dcv, i), tf.mul(dh, tc)], 1);
  const deriv = tf.mul(tf.sub(k.one, act), tf.add(act, k.lstmMask(H)));
  const dGates = tf.mul(up, deriv);
  let dcPrev = tf.mul(dcv, f);
  let dp: S | null = null;
  if (p) {
    const [dgi, dgf, , dgo] = hostSplitCols(dGates, 4);
    dcPrev = tf.add(dcPrev, tf.add(tf.mul(dgi, block(p, 0, 3, 0)), tf.mul(dgf, block(p, 1, 3, 0))));
    dp = tf.stack([
      tf.sum(tf.mul(dgi, cPrev), 0),
      tf.sum(tf.mul(dgf, cPrev), 0),
      tf.sum(tf.mul(dgo, cNew), 0),
    ]);
  }
  return { dGates, dcPrev, dp };
}

/** LSTM step with peepholes: i and f see c_{t−1}, o sees c_t, so the gates activate in turn. */
function lstmPeepholeForward(gates: S, c: S, p: S): { h: S; c: S; act: S } {
  const [gi, gf, gg, go] = hostSplitCols(gates, 4);
  const i = tf.sigmoid(tf.add(gi, tf.mul(c, block(p, 0, 3, 0))));
  const f = tf.sigmoid(tf.add(gf, tf.mul(c, block(p, 1, 3, 0))));
  const g = tf.tanh(gg);
  const cn = tf.add(tf.mul(f, c), tf.mul(i, g));
  const o = tf.sigmoid(tf.add(go, tf.mul(cn, block(p, 2, 3, 0))));
  const h = tf.mul(o, tf.tanh(cn));
  return { h, c: cn, act: tf.concat([i, f, g, o], 1) };
}

export function gruForward(xg: S, hg: S, h: S): { h: S; act: S } {
  const [r, z] = hostSplitCols(tf.sigmoid(tf.add(xg, hg)), 3);
  const n = tf.tanh(tf.add(block(xg, 2, 3), tf.mul(r, block(hg, 2, 3))));
  // h' = n + z·(h − n)
  const out = tf.add(n, tf.mul(z, tf.sub(h, n)));
  return { h: out, act: tf.concat([r, z, n], 1) };
}

export function gruBackward(k: CellConsts, act: S, hg: S, h: S, dh: S): { dxg: S; dhg: S; dh: S } {
  const H = h.shape[1] as number;
  const [r, z, n] = hostSplitCols(act, 3);
  // derivatives of the activations: [r(1 − r), z(1 − z), 1 − n²]
  const [dr, dz, dn] = hostSplitCols(tf.mul(tf.sub(k.one, act), tf.add(act, k.gruMask(H))), 3);
  const dan = tf.mul(tf.mul(dh, tf.sub(k.one, z)), dn);
  const daz = tf.mul(tf.mul(dh, tf.sub(h, n)), dz);
  const dar = tf.mul(tf.mul(dan, block(hg, 2, 3)), dr);
  return {
    dxg: tf.concat([dar, daz, dan], 1),
    dhg: tf.concat([dar, daz, tf.mul(dan, r)], 1),
    dh: tf.mul(dh, z),
  };
}

/** The k-th of n equal blocks of a 2-D tensor along `axis` (columns by default). */
function block(x: S, k: number, n: number, axis = 1): S {
  const [rows, cols] = x.shape as [number, number];
  if (axis === 0) return hostSlice(x, [(k * rows) / n, 0], [rows / n, cols]);
  const w = cols / n;
  return hostSlice(x, [0, k * w], [rows, w]);
}
