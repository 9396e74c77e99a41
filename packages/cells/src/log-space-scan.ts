import {
  add,
  addScalar,
  concat,
  exp,
  gather,
  log,
  matmul,
  maximum,
  mul,
  neg,
  reshape,
  slice,
  sub,
  sum,
  type Tensor,
  tensor,
  transpose,
  zeros,
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

/** Sequences up to this long are scanned in one pairwise block; longer ones in pairs of steps. */
const ONE_BLOCK = 4;

/** Added to the exponents above the diagonal (s > t), far below float32's exp underflow. */
const FAR = 1e30;

/**
 * h_t = Σ_{s≤t} e^{A_t − A_s}⊙b_s (zero initial state) over axis 0 of [T, M] inputs, with
 * A_t = Σ_{r≤t} log a_r; returns h and A. Every exponent A_t − A_s (s ≤ t) is ≤ 0 because
 * a ≤ 1; the ones above the diagonal, positive and unbounded, get −FAR added, so their weight and
 * its gradient are exactly 0.
 */
function pairwise(logA: Tensor, b: Tensor): { h: Tensor; A: Tensor } {
  const [T, M] = logA.shape;
  const lower = new Float32Array(T * T);
  for (let t = 0; t < T; t++) lower.fill(1, t * T, t * T + t + 1);
  const be = logA.backend;
  const A = matmul(tensor(lower, [T, T], 'float32', be), logA); // the cumulative sum over time
  const above = tensor(
    lower.map((v) => (v ? 0 : -FAR)),
    [T, T, 1],
    'float32',
    be,
  );
  const gap = sub(add(reshape(A, [T, 1, M]), above), reshape(A, [1, T, M]));
  return { h: sum(mul(exp(gap), reshape(b, [1, T, M])), 1), A };
}

/**
 * h_t = a_t⊙h_{t−1} + b_t over axis 0 of [T, N] inputs from h0 [1, N]. Up to ONE_BLOCK steps are
 * one pairwise block. Longer sequences are cut into K chunks of C = 2 steps: each chunk is a
 * pairwise block from zero, the chunks' end states follow the same recurrence over K steps (its
 * coefficient is the chunk's total A, its offset the chunk's last h), solved the same way, and each
 * step adds e^{A_t}⊙(the state entering its chunk). The levels halve, so the work is linear in T
 * and the depth logarithmic; every level is a handful of whole-tensor ops.
 */
function scanFrom(logA: Tensor, b: Tensor, h0: Tensor): Tensor {
  const [T, N] = logA.shape;
  if (T <= ONE_BLOCK) {
    const { h, A } = pairwise(logA, b);
    return add(h, mul(exp(A), h0));
  }
  const C = 2;
  const K = Math.ceil(T / C);
  // identity steps (a = 1, b = 0) fill the last chunk; they leave the state as it is
  const fill = (x: Tensor) =>
    K * C === T ? x : concat([x, zeros([K * C - T, N], 'float32', x.backend)], 0);
  const toChunks = (x: Tensor) =>
    reshape(transpose(reshape(fill(x), [K, C, N]), [1, 0, 2]), [C, K * N]);
  const { h: local, A } = pairwise(toChunks(logA), toChunks(b)); // [C, K·N]
  const lastStep = (x: Tensor) => reshape(slice(x, [C - 1, 0], [1, K * N]), [K, N]);
  const ends = scanFrom(lastStep(A), lastStep(local), h0); // each chunk's end state [K, N]
  const entering = K === 1 ? h0 : concat([h0, slice(ends, [0, 0], [K - 1, N])], 0);
  const h = add(local, mul(exp(A), reshape(entering, [1, K * N]))); // [C, K·N]
  const steps = reshape(transpose(reshape(h, [C, K, N]), [1, 0, 2]), [K * C, N]);
  return K * C === T ? steps : slice(steps, [0, 0], [T, N]);
}

/**
 * The linear recurrence h_t = a_t⊙h_{t−1} + b_t over a whole sequence at once, from the
 * log-coefficients: with A_t = Σ_{r≤t} log a_r (a cumulative sum over time),
 *
 *   h_t = e^{A_t}⊙h_{−1} + Σ_{s≤t} e^{A_t − A_s}⊙b_s,
 *
 * the log-space parallel scan of Feng et al. (2024), "Were RNNs All We Needed?", §3. The paper sums
 * log(b_s) − A_s with logcumsumexp, which needs b > 0 (hence its g(·)) and grows with t; here the
 * exponent A_t − A_s (≤ 0 since a ≤ 1) is formed for every pair s ≤ t of a small block, the
 * blocks combine as a tree (see scanFrom), and each sum over s is a plain weighted sum, so b may
 * have any sign and nothing overflows. Everything is whole-tensor core ops (no loop over time), so
 * every backend runs and differentiates it as it is.
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
  const flat = scanFrom(reshape(la, [T, N]), reshape(bb, [T, N]), reshape(h0, [1, N]));
  let hs = reshape(flat, [T, B, H]);
  const last = reshape(slice(hs, [T - 1, 0, 0], [1, B, H]), [B, H]);
  if (reverse) hs = flipTime(hs);
  return { ys: mask ? mul(hs, mask.valid) : hs, last };
}
