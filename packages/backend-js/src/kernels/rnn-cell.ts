import type { RnnActivation } from '@rnnkit/core';
import { matmul } from '@rnnkit/core/gemm';
import { ftanh } from './fastmath.js';

/** h' = act(xp + h·wᵀ): the product accumulates onto a copy of xp, then the activation in place. */
export function rnnCell(
  xp: Float32Array,
  h: Float32Array,
  w: Float32Array,
  B: number,
  H: number,
  act: RnnActivation,
): Float32Array {
  const out = xp.slice();
  matmul(h, w, B, H, H, false, true, out, true);
  if (act === 'tanh') for (let i = 0; i < out.length; i++) out[i] = ftanh(out[i]);
  else if (act === 'relu') for (let i = 0; i < out.length; i++) out[i] = out[i] > 0 ? out[i] : 0;
  return out;
}

/** dy ⊙ act'(a), written from the output y = act(a): 1 − y² (tanh), [y > 0] (relu), 1. */
export function rnnCellBackward(
  y: Float32Array,
  dy: Float32Array,
  act: RnnActivation,
): Float32Array {
  if (act === 'linear') return dy.slice();
  const out = new Float32Array(y.length);
  if (act === 'tanh') for (let i = 0; i < y.length; i++) out[i] = dy[i] * (1 - y[i] * y[i]);
  else for (let i = 0; i < y.length; i++) out[i] = y[i] > 0 ? dy[i] : 0;
  return out;
}
