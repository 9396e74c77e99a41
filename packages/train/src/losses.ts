import {
  checkOptions,
  mean,
  mul,
  RnnkitError,
  softmaxCrossEntropy,
  sub,
  sum,
  type Tensor,
} from '@rnnkit/core';

export type Reduction = 'mean' | 'sum' | 'none';

const KEYS = { reduction: 'optional' } as const;

function reduce(x: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return mean(x);
  if (reduction === 'sum') return sum(x);
  if (reduction === 'none') return x;
  throw new RnnkitError(`unknown reduction '${String(reduction)}'; use 'mean', 'sum' or 'none'`);
}

function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RnnkitError(
      `${op}: prediction [${a.shape.join(', ')}] and target [${b.shape.join(', ')}] must have the same shape`,
    );
  }
}

/** Mean squared error, as torch.nn.functional.mse_loss. */
export function mseLoss(
  prediction: Tensor,
  target: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  checkOptions('mseLoss', options, KEYS);
  sameShape('mseLoss', prediction, target);
  const d = sub(prediction, target);
  return reduce(mul(d, d), options.reduction ?? 'mean');
}

/**
 * Cross-entropy over logits [..., C] with int32 class labels [...], fused with softmax and
 * numerically stable (torch.nn.functional.cross_entropy with class indices).
 */
export function crossEntropy(
  logits: Tensor,
  labels: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  checkOptions('crossEntropy', options, KEYS);
  return reduce(softmaxCrossEntropy(logits, labels), options.reduction ?? 'mean');
}
