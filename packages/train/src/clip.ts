import {
  clip,
  mul,
  mulScalar,
  noGrad,
  RnnkitError,
  stack,
  sum,
  type Tensor,
  tidy,
} from '@rnnkit/core';

/**
 * torch.nn.utils.clip_grad_norm_: if the global L2 norm of all gradients exceeds maxNorm, scale
 * them all by maxNorm / (norm + 1e-6). Returns the (possibly new) gradients and the norm before
 * clipping. Reads the norm back to the host once.
 */
export function clipGradNorm(
  grads: readonly Tensor[],
  maxNorm: number,
): { grads: Tensor[]; norm: number } {
  if (!(maxNorm > 0))
    throw new RnnkitError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  return noGrad(() => {
    if (grads.length === 0) return { grads: [], norm: 0 };
    // Every tensor's sum of squares on the backend, one readback, summed on the host in float64.
    const sums = tidy(() => stack(grads.map((g) => sum(mul(g, g))))).dataSync();
    let sq = 0;
    for (let i = 0; i < sums.length; i++) sq += sums[i];
    const norm = Math.sqrt(sq);
    const coef = maxNorm / (norm + 1e-6);
    if (coef >= 1) return { grads: [...grads], norm };
    return { grads: grads.map((g) => mulScalar(g, coef)), norm };
  });
}

/** torch.nn.utils.clip_grad_value_: clamp every gradient element to [−value, value]. */
export function clipGradValue(grads: readonly Tensor[], value: number): Tensor[] {
  if (!(value > 0)) throw new RnnkitError(`clipGradValue: value must be positive, got ${value}`);
  return noGrad(() => grads.map((g) => clip(g, -value, value)));
}
