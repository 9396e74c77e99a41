import {
  addScalar,
  clip,
  div,
  mul,
  mulScalar,
  noGrad,
  RnnkitError,
  sqrt,
  stack,
  sum,
  type Tensor,
  tensor,
  tidy,
} from '@rnnkit/core';

function checkMaxNorm(maxNorm: number): void {
  if (!(maxNorm > 0))
    throw new RnnkitError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
}

/** Every gradient's sum of squares, stacked: [grads.length]. */
function sumsOfSquares(grads: readonly Tensor[]): Tensor {
  return stack(grads.map((g) => sum(mul(g, g))));
}

/**
 * torch.nn.utils.clip_grad_norm_: if the global L2 norm of all gradients exceeds maxNorm, scale
 * them all by maxNorm / (norm + 1e-6). Resolves to the (possibly new) gradients and the norm
 * before clipping. Reads the norm back to the host once, asynchronously (reads are asynchronous
 * by contract); clipGradNormOps reads nothing.
 */
export async function clipGradNorm(
  grads: readonly Tensor[],
  maxNorm: number,
): Promise<{ grads: Tensor[]; norm: number }> {
  checkMaxNorm(maxNorm);
  if (grads.length === 0) return { grads: [], norm: 0 };
  // Every tensor's sum of squares on the backend, one readback, summed on the host in float64.
  const sumsOnBackend = noGrad(() => tidy(() => sumsOfSquares(grads)));
  let sums: ArrayLike<number>;
  try {
    sums = await sumsOnBackend.data();
  } finally {
    sumsOnBackend.dispose();
  }
  let sq = 0;
  for (let i = 0; i < sums.length; i++) sq += sums[i];
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return { grads: [...grads], norm };
  return { grads: noGrad(() => grads.map((g) => mulScalar(g, coef))), norm };
}

/**
 * clipGradNorm as tensor ops, reading nothing back: for a step traced once and run many times
 * (the Trainer's fused steps). The norm stays a tensor (one element), summed in float32 where
 * clipGradNorm sums the per-tensor sums in float64 on the host, and the gradients are scaled by
 * min(1, maxNorm / (norm + 1e-6)): scaling by 1 changes nothing, as clipGradNorm's unscaled path.
 */
export function clipGradNormOps(
  grads: readonly Tensor[],
  maxNorm: number,
): { grads: Tensor[]; norm: Tensor } {
  checkMaxNorm(maxNorm);
  return noGrad(() => {
    const norm = sqrt(sum(sumsOfSquares(grads)));
    const coef = clip(div(tensor([maxNorm]), addScalar(norm, 1e-6)), 0, 1);
    return { grads: grads.map((g) => mul(g, coef)), norm };
  });
}

/** torch.nn.utils.clip_grad_value_: clamp every gradient element to [−value, value]. */
export function clipGradValue(grads: readonly Tensor[], value: number): Tensor[] {
  if (!(value > 0)) throw new RnnkitError(`clipGradValue: value must be positive, got ${value}`);
  return noGrad(() => grads.map((g) => clip(g, -value, value)));
}
