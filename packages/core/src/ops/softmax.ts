import { fmtShape, ShapeError } from '../errors.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { exp, mul, sub } from './elementwise.js';
import { reshape } from './layout.js';
import { sum } from './sum-broadcast.js';
import { assertFloat, backendOf, wrap } from './util.js';

function rows(op: string, x: Tensor): Tensor {
  assertFloat(op, x);
  if (x.rank < 1) throw new ShapeError(`${op}: needs at least one axis, got a scalar`);
  return x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
}

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  const x2 = rows('softmax', x);
  const y2 = wrap(x.backend, x.backend.softmax(x2), x2.shape);
  record([x2], [y2], ([dy]) => [mul(y2, sub(dy, sum(mul(dy, y2), -1, true)))]);
  return reshape(y2, x.shape);
}

/** Log-softmax over the last axis, computed stably. */
export function logSoftmax(x: Tensor): Tensor {
  const x2 = rows('logSoftmax', x);
  const y2 = wrap(x.backend, x.backend.logSoftmax(x2), x2.shape);
  record([x2], [y2], ([dy]) => [sub(dy, mul(exp(y2), sum(dy, -1, true)))]);
  return reshape(y2, x.shape);
}

/**
 * Per-example cross-entropy −log softmax(logits)[label], fused and numerically stable.
 * `logits` is [..., C] and `labels` int32 [...] → losses [...].
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const be = backendOf('softmaxCrossEntropy', logits, labels);
  assertFloat('softmaxCrossEntropy', logits);
  const lead = logits.shape.slice(0, -1);
  if (
    labels.dtype !== 'int32' ||
    labels.shape.length !== lead.length ||
    labels.shape.some((d, i) => d !== lead[i])
  ) {
    throw new ShapeError(
      `softmaxCrossEntropy: labels must be int32 of shape ${fmtShape(lead)} for logits ${fmtShape(logits.shape)}, got ${labels.dtype} ${fmtShape(labels.shape)}`,
    );
  }
  const c = logits.shape[logits.rank - 1];
  const l2 = logits.rank === 2 ? logits : reshape(logits, [-1, c]);
  const y1 = labels.rank === 1 ? labels : reshape(labels, [-1]);
  const loss = wrap(be, be.softmaxCrossEntropy(l2, y1), [l2.shape[0]]);
  record([l2], [loss], ([dloss]) => [
    wrap(be, be.softmaxCrossEntropyGrad(l2, y1, dloss), l2.shape),
  ]);
  return labels.rank === 1 ? loss : reshape(loss, lead);
}
