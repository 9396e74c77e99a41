import { fsigmoid, ftanh } from './fastmath.js';

/**
 * Fused LSTM step, forward and backward, one pass over [B, H] each. Gate order i, f, g, o
 * (PyTorch); peepholes p [3, H] rows i, f, o (Gers & Schmidhuber 2001: i and f see c_{t-1},
 * o sees c_t). `act` keeps the activated gates for the backward pass.
 */

const sig = fsigmoid;

export function lstmCell(
  gates: Float32Array,
  c: Float32Array,
  p: Float32Array | null,
  B: number,
  H: number,
): { h: Float32Array; c: Float32Array; act: Float32Array } {
  const h = new Float32Array(B * H);
  const cn = new Float32Array(B * H);
  const act = new Float32Array(B * 4 * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const cp = c[s0 + j];
      const i = sig(gates[g0 + j] + (p ? p[j] * cp : 0));
      const f = sig(gates[g0 + H + j] + (p ? p[H + j] * cp : 0));
      const g = ftanh(gates[g0 + 2 * H + j]);
      const cv = f * cp + i * g;
      const o = sig(gates[g0 + 3 * H + j] + (p ? p[2 * H + j] * cv : 0));
      cn[s0 + j] = cv;
      h[s0 + j] = o * ftanh(cv);
      act[g0 + j] = i;
      act[g0 + H + j] = f;
      act[g0 + 2 * H + j] = g;
      act[g0 + 3 * H + j] = o;
    }
  }
  return { h, c: cn, act };
}

export function lstmCellBackward(
  act: Float32Array,
  cPrev: Float32Array,
  cNew: Float32Array,
  p: Float32Array | null,
  dh: Float32Array,
  dc: Float32Array,
  B: number,
  H: number,
): { dGates: Float32Array; dcPrev: Float32Array; dp: Float32Array | null } {
  const dGates = new Float32Array(B * 4 * H);
  const dcPrev = new Float32Array(B * H);
  const dp = p ? new Float64Array(3 * H) : null;
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = act[g0 + j];
      const f = act[g0 + H + j];
      const g = act[g0 + 2 * H + j];
      const o = act[g0 + 3 * H + j];
      const cp = cPrev[s0 + j];
      const cv = cNew[s0 + j];
      const tc = ftanh(cv);
      const dhv = dh[s0 + j];
      const dgo = dhv * tc * o * (1 - o);
      let dcv = dc[s0 + j] + dhv * o * (1 - tc * tc);
      if (p) dcv += dgo * p[2 * H + j];
      const dgi = dcv * g * i * (1 - i);
      const dgf = dcv * cp * f * (1 - f);
      const dgg = dcv * i * (1 - g * g);
      dGates[g0 + j] = dgi;
      dGates[g0 + H + j] = dgf;
      dGates[g0 + 2 * H + j] = dgg;
      dGates[g0 + 3 * H + j] = dgo;
      let dcp = dcv * f;
      if (p && dp) {
        dcp += dgi * p[j] + dgf * p[H + j];
        dp[j] += dgi * cp;
        dp[H + j] += dgf * cp;
        dp[2 * H + j] += dgo * cv;
      }
      dcPrev[s0 + j] = dcp;
    }
  }
  return { dGates, dcPrev, dp: dp ? Float32Array.from(dp) : null };
}
