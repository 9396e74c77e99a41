import { fsigmoid, ftanh } from './fastmath.js';

/**
 * Fused GRU step (reset after the recurrent product, PyTorch's formula), forward and backward.
 * xg = x·W_ihᵀ + b_ih and hg = h·W_hhᵀ + b_hh are [B, 3H] in gate order r, z, n.
 */

const sig = fsigmoid;

export function gruCell(
  xg: Float32Array,
  hg: Float32Array,
  h: Float32Array,
  B: number,
  H: number,
): { h: Float32Array; act: Float32Array } {
  const out = new Float32Array(B * H);
  const act = new Float32Array(B * 3 * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = sig(xg[g0 + j] + hg[g0 + j]);
      const z = sig(xg[g0 + H + j] + hg[g0 + H + j]);
      const n = ftanh(xg[g0 + 2 * H + j] + r * hg[g0 + 2 * H + j]);
      out[s0 + j] = n + z * (h[s0 + j] - n);
      act[g0 + j] = r;
      act[g0 + H + j] = z;
      act[g0 + 2 * H + j] = n;
    }
  }
  return { h: out, act };
}

export function gruCellBackward(
  act: Float32Array,
  hg: Float32Array,
  h: Float32Array,
  dh: Float32Array,
  B: number,
  H: number,
): { dxg: Float32Array; dhg: Float32Array; dh: Float32Array } {
  const dxg = new Float32Array(B * 3 * H);
  const dhg = new Float32Array(B * 3 * H);
  const dhPrev = new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = act[g0 + j];
      const z = act[g0 + H + j];
      const n = act[g0 + 2 * H + j];
      const d = dh[s0 + j];
      const dan = d * (1 - z) * (1 - n * n);
      const daz = d * (h[s0 + j] - n) * z * (1 - z);
      const dar = dan * hg[g0 + 2 * H + j] * r * (1 - r);
      dxg[g0 + j] = dar;
      dxg[g0 + H + j] = daz;
      dxg[g0 + 2 * H + j] = dan;
      dhg[g0 + j] = dar;
      dhg[g0 + H + j] = daz;
      dhg[g0 + 2 * H + j] = dan * r;
      dhPrev[s0 + j] = d * z;
    }
  }
  return { dxg, dhg, dh: dhPrev };
}
