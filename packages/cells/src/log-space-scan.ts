import {
  add,
  addScalar,
  exp,
  gather,
  log,
  matmul,
  maximum,
  mul,
  neg,
  reshape,
  slice,
  sum,
  type Tensor,
  tensor,
  zerosLike,
} from '@rnnkit/core';
import type { StepMask } from './cell-def.js';

/**
 * softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^{−|x|}), which neither overflows nor loses
 * the small values. |x| is written max(x, −x): core's `maximum` sends a tie's gradient to its
 * first argument, so at x = 0 the two halves' gradients add up to σ(0) = ½ exactly.
 */
export function softplus(x: Tensor): Tensor {
  const relu = maximum(x, zerosLike(x));
  return add(relu, log(addScalar(exp(neg(maximum(x, neg(x)))), 1)));
}

/** x [T, …] with the time axis reversed. */
function flipTime(x: Tensor): Tensor {
  const [T] = x.shape;
  const rows = reshape(x, [T, x.size / T]);
  const idx = Int32Array.from({ length: T }, (_, t) => T - 1 - t);
  return reshape(gather(rows, tensor(idx, [T], 'int32', x.backend)), x.shape);
}

/**
 * The linear recurrence h_t = a_t⊙h_{t−1} + b_t over a whole sequence at once, from the
 * log-coefficients: with A_t = Σ_{r≤t} log a_r (a cumulative sum over time),
 *
 *   h_t = e^{A_t}⊙h_{−1} + Σ_{s≤t} e^{A_t − A_s}⊙b_s,
 *
 * the log-space parallel scan of Feng et al. (2024), "Were RNNs All We Needed?", §3. The paper sums
 * log(b_s) − A_s with logcumsumexp, which needs b > 0 (hence its g(·)) and grows with t; here the
 * exponent A_t − A_s (≤ 0 since a ≤ 1) is formed for every pair s ≤ t and the sum over s is a plain
 * weighted sum, so b may have any sign and nothing overflows. It costs T² per unit instead of T,
 * in a few large ops instead of T small ones.
 *
 * `logA` and `b` are [T, B, H], `h0` [B, H]. With `mask`, padded steps hold the state (a = 1,
 * b = 0) and output 0; `reverse` runs from the last step to the first. Returns every step's h
 * [T, B, H] and the final state [B, H].
 */
export function linearRecurrence(
  logA: Tensor,
  b: Tensor,
  h0: Tensor,
  mask: StepMask | null,
  reverse: boolean,
): { ys: Tensor; last: Tensor } {
  const [T, B, H] = logA.shape;
  const N = B * H;
  let la = mask ? mul(logA, mask.valid) : logA;
  let bb = mask ? mul(b, mask.valid) : b;
  if (reverse) {
    la = flipTime(la);
    bb = flipTime(bb);
  }
  const lower = new Float32Array(T * T);
  for (let t = 0; t < T; t++) lower.fill(1, t * T, t * T + t + 1);
  const tri = tensor(lower, [T, T], 'float32', logA.backend); // [t, s] = 1 where s ≤ t
  const A = matmul(tri, reshape(la, [T, N])); // cumulative sum over time, [T, N]
  const tri3 = reshape(tri, [T, T, 1]);
  // e^{A_t − A_s} for s ≤ t; the exponent is zeroed above the diagonal before exp, where it is
  // positive and could overflow, and the weight is zeroed after.
  const gap = mul(add(reshape(A, [T, 1, N]), neg(reshape(A, [1, T, N]))), tri3);
  const weight = mul(exp(gap), tri3); // [T, T, N]
  const fromB = sum(mul(weight, reshape(bb, [1, T, N])), 1); // [T, N]
  const fromH0 = mul(exp(A), reshape(h0, [1, N]));
  let hs = reshape(add(fromB, fromH0), [T, B, H]);
  const last = reshape(slice(hs, [T - 1, 0, 0], [1, B, H]), [B, H]);
  if (reverse) hs = flipTime(hs);
  return { ys: mask ? mul(hs, mask.valid) : hs, last };
}
